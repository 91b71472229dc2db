package dev.resilience.shedding;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.springframework.core.io.Resource;
import org.springframework.http.HttpMethod;
import org.springframework.web.servlet.function.HandlerFunction;
import org.springframework.web.servlet.function.RequestPredicate;
import org.springframework.web.servlet.function.RequestPredicates;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;

/**
 * The path patterns of a {@link RouterFunction}'s routes, nested prefixes included, to tell at startup whether a
 * tier's path rule can match a functional endpoint. A route whose predicate has no path, or one that cannot be
 * inspected, is taken as {@code /**}.
 */
final class FunctionalRoutePaths implements RouterFunctions.Visitor {

	private final Deque<String> prefixes = new ArrayDeque<>();

	private final List<String> paths = new ArrayList<>();

	static List<String> of(RouterFunction<?> routerFunction) {
		FunctionalRoutePaths visitor = new FunctionalRoutePaths();
		routerFunction.accept(visitor);
		return visitor.paths;
	}

	@Override
	public void startNested(RequestPredicate predicate) {
		List<String> nested = pathsOf(predicate);
		this.prefixes.push(prefix() + (nested.isEmpty() ? "" : nested.get(0)));
	}

	@Override
	public void endNested(RequestPredicate predicate) {
		this.prefixes.pop();
	}

	@Override
	public void route(RequestPredicate predicate, HandlerFunction<?> handlerFunction) {
		List<String> paths = pathsOf(predicate);
		if (paths.isEmpty()) {
			this.paths.add(prefix() + "/**");
		}
		paths.forEach((path) -> this.paths.add(prefix() + path));
	}

	@Override
	public void resources(Function<ServerRequest, Optional<Resource>> lookupFunction) {
		this.paths.add(prefix() + "/**");
	}

	@Override
	public void attributes(Map<String, Object> attributes) {
	}

	@Override
	public void unknown(RouterFunction<?> routerFunction) {
		this.paths.add(prefix() + "/**");
	}

	private String prefix() {
		return this.prefixes.isEmpty() ? "" : this.prefixes.peek();
	}

	private static List<String> pathsOf(RequestPredicate predicate) {
		List<String> paths = new ArrayList<>();
		predicate.accept(new RequestPredicates.Visitor() {

			@Override
			public void method(Set<HttpMethod> methods) {
			}

			@Override
			public void path(String pattern) {
				paths.add(pattern);
			}

			@Override
			public void pathExtension(String extension) {
			}

			@Override
			public void header(String name, String value) {
			}

			@Override
			public void param(String name, String value) {
			}

			@Override
			public void version(String version) {
			}

			@Override
			public void startAnd() {
			}

			@Override
			public void and() {
			}

			@Override
			public void endAnd() {
			}

			@Override
			public void startOr() {
			}

			@Override
			public void or() {
			}

			@Override
			public void endOr() {
			}

			@Override
			public void startNegate() {
			}

			@Override
			public void endNegate() {
			}

			@Override
			public void unknown(RequestPredicate predicate) {
			}

		});
		return paths;
	}

}
