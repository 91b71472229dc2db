package dev.resilience.shedding;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PatternParseException;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * A path rule of a shedding tier, {@code [METHOD ...] pattern}: {@code /reports/**}, {@code GET /reports/**},
 * {@code GET POST /exports/{id}}. Methods are separated by spaces, not commas, which separate list values in
 * properties. The pattern is Spring's {@link PathPattern} syntax, matched
 * against the path within the application, as Spring MVC matches it. Without methods the rule matches every method;
 * {@code GET} also matches {@code HEAD}, as Spring MVC maps {@code HEAD} to {@code GET} handlers.
 */
public final class PathRule {

	private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
			"TRACE");

	private final String text;

	private final Set<String> methods;

	private final PathPattern pattern;

	private PathRule(String text, Set<String> methods, PathPattern pattern) {
		this.text = text;
		this.methods = methods;
		this.pattern = pattern;
	}

	/**
	 * Parse a rule.
	 * @param text the rule, for example {@code GET /reports/**}
	 * @return the rule
	 * @throws IllegalArgumentException saying what is wrong with it
	 */
	public static PathRule parse(String text) {
		if (text == null || text.isBlank()) {
			throw new IllegalArgumentException("must not be empty; use for example \"GET /reports/**\"");
		}
		String[] tokens = text.trim().split("\\s+");
		String trimmed = String.join(" ", tokens);
		String path = tokens[tokens.length - 1];
		Set<String> parsed = new LinkedHashSet<>();
		for (int i = 0; i < tokens.length - 1; i++) {
			String upper = tokens[i].toUpperCase(Locale.ROOT);
			if (!METHODS.contains(upper)) {
				throw new IllegalArgumentException("\"" + tokens[i] + "\" is not an HTTP method; use for example "
						+ "\"GET POST /reports/**\"");
			}
			parsed.add(upper);
			if (upper.equals("GET")) {
				parsed.add("HEAD");
			}
		}
		Set<String> methods = Set.copyOf(parsed);
		if (!path.startsWith("/")) {
			throw new IllegalArgumentException("\"" + path + "\" must start with /; use for example \"GET /reports/**\"");
		}
		try {
			return new PathRule(trimmed, methods, PathPatternParser.defaultInstance.parse(path));
		}
		catch (PatternParseException ex) {
			throw new IllegalArgumentException("\"" + path + "\" is not a valid path pattern: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Whether the rule matches a request.
	 * @param method the request's method
	 * @param pathWithinApplication its path within the application
	 * @return whether it matches
	 */
	boolean matches(String method, PathContainer pathWithinApplication) {
		return (this.methods.isEmpty() || this.methods.contains(method))
				&& this.pattern.matches(pathWithinApplication);
	}

	/**
	 * Whether a request could match both rules: their methods meet and one's pattern matches the other's text.
	 * @param other the other rule
	 * @return whether they overlap
	 */
	boolean overlaps(PathRule other) {
		boolean methodsMeet = this.methods.isEmpty() || other.methods.isEmpty()
				|| this.methods.stream().anyMatch(other.methods::contains);
		return methodsMeet && patternsMeet(this.pattern, other.pattern.getPatternString());
	}

	/**
	 * Whether the rule may match requests for a handler mapped at a pattern.
	 * @param handlerPattern the handler's path pattern
	 * @return whether they meet
	 */
	boolean mayMatch(String handlerPattern) {
		try {
			return patternsMeet(this.pattern, handlerPattern);
		}
		catch (PatternParseException ex) {
			return this.pattern.matches(PathContainer.parsePath(handlerPattern));
		}
	}

	private static boolean patternsMeet(PathPattern pattern, String otherPattern) {
		return pattern.matches(PathContainer.parsePath(otherPattern))
				|| PathPatternParser.defaultInstance.parse(otherPattern)
					.matches(PathContainer.parsePath(pattern.getPatternString()));
	}

	PathPattern pattern() {
		return this.pattern;
	}

	@Override
	public String toString() {
		return this.text;
	}

}
