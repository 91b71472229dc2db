package dev.resilience.shedding;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;

/**
 * Remembers which handler a request for a literal path such as {@code /reports/export} resolves to, so that under
 * pressure such a request costs two map lookups instead of a full handler lookup (which allocates a few kilobytes per
 * request, when the server can least afford it).
 *
 * <p>Only a resolution that depends on nothing but the request's method and path is remembered:
 * <ul>
 * <li>the path within the application is a direct (literal) path of the winning mapping, and every handler mapped at
 * that direct path conditions on the HTTP method at most: no params, headers, consumes, produces, API version or
 * custom conditions. Spring MVC chooses among the direct paths before it considers any pattern, so the same method
 * and path always resolve to the same handler;
 * <li>no handler mapping asked before the winning one has a pattern matching the path, and none of the mappings
 * involved resolves API versions or matches paths with {@code AntPathMatcher};
 * <li>the method is one of {@code GET}, {@code HEAD}, {@code POST}, {@code PUT}, {@code PATCH} or {@code DELETE}:
 * never {@code OPTIONS}, which may be a CORS pre-flight.
 * </ul>
 * Entries are therefore bounded by the application's literal paths times six methods. Like the set of sheddable
 * handlers, the cache is built for the mappings present at startup, and it holds them, so that a request always sees
 * mappings and cache from the same registration.
 */
final class DirectPathHandlers {

	private static final Set<String> CACHED_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");

	private final List<RequestMappingInfoHandlerMapping> mappings;

	private final List<List<PathPattern>> patterns;

	private final List<Set<String>> unconditionalDirectPaths;

	private final Map<String, Map<String, SheddableHandlers.Match>> byMethodAndUri;

	private final boolean enabled;

	/**
	 * Index the mappings' patterns and direct paths.
	 * @param mappings the request-mapping handler mappings, in the order the {@code DispatcherServlet} asks them
	 */
	DirectPathHandlers(List<RequestMappingInfoHandlerMapping> mappings) {
		this.mappings = mappings;
		this.patterns = new ArrayList<>(mappings.size());
		this.unconditionalDirectPaths = new ArrayList<>(mappings.size());
		boolean enabled = true;
		for (RequestMappingInfoHandlerMapping mapping : mappings) {
			List<PathPattern> patterns = new ArrayList<>();
			Map<String, Boolean> directPaths = new HashMap<>();
			for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
				if (info.getPathPatternsCondition() == null) {
					enabled = false;
					continue;
				}
				patterns.addAll(info.getPathPatternsCondition().getPatterns());
				boolean unconditional = conditionsOnMethodAtMost(info);
				for (String path : info.getDirectPaths()) {
					directPaths.merge(path, unconditional, Boolean::logicalAnd);
				}
			}
			Set<String> unconditional = new HashSet<>();
			directPaths.forEach((path, each) -> {
				if (each) {
					unconditional.add(path);
				}
			});
			this.patterns.add(List.copyOf(patterns));
			this.unconditionalDirectPaths.add(Set.copyOf(unconditional));
			enabled &= mapping.usesPathPatterns() && mapping.getApiVersionStrategy() == null;
		}
		this.enabled = enabled;
		Map<String, Map<String, SheddableHandlers.Match>> byMethodAndUri = new HashMap<>();
		CACHED_METHODS.forEach((method) -> byMethodAndUri.put(method, new ConcurrentHashMap<>()));
		this.byMethodAndUri = Map.copyOf(byMethodAndUri);
	}

	/**
	 * The mappings, in the order the {@code DispatcherServlet} asks them.
	 * @return the mappings
	 */
	List<RequestMappingInfoHandlerMapping> mappings() {
		return this.mappings;
	}

	/**
	 * The remembered resolution of a request.
	 * @param request the request
	 * @return the match, or {@code null} if this method and URI are not remembered
	 */
	SheddableHandlers.Match get(HttpServletRequest request) {
		Map<String, SheddableHandlers.Match> byUri = this.byMethodAndUri.get(request.getMethod());
		return (byUri != null) ? byUri.get(request.getRequestURI()) : null;
	}

	/**
	 * Remember how a request was resolved, if the resolution depends on its method and path only.
	 * @param request the request
	 * @param path its parsed path, as the mappings saw it
	 * @param winner index of the mapping that resolved it
	 * @param match the resolution
	 */
	void remember(HttpServletRequest request, RequestPath path, int winner, SheddableHandlers.Match match) {
		Map<String, SheddableHandlers.Match> byUri = this.byMethodAndUri.get(request.getMethod());
		if (!this.enabled || byUri == null) {
			return;
		}
		PathContainer pathWithinApplication = path.pathWithinApplication();
		if (!match.uriTemplate().equals(pathWithinApplication.value())
				|| !this.unconditionalDirectPaths.get(winner).contains(match.uriTemplate())) {
			return;
		}
		for (int earlier = 0; earlier < winner; earlier++) {
			for (PathPattern pattern : this.patterns.get(earlier)) {
				if (pattern.matches(pathWithinApplication)) {
					return;
				}
			}
		}
		byUri.putIfAbsent(request.getRequestURI(), match);
	}

	/**
	 * Number of remembered resolutions.
	 * @return the count
	 */
	int size() {
		return this.byMethodAndUri.values().stream().mapToInt(Map::size).sum();
	}

	private static boolean conditionsOnMethodAtMost(RequestMappingInfo info) {
		return info.getParamsCondition().isEmpty() && info.getHeadersCondition().isEmpty()
				&& info.getConsumesCondition().isEmpty() && info.getProducesCondition().isEmpty()
				&& (info.getVersionCondition() == null || info.getVersionCondition().isEmpty())
				&& info.getCustomCondition() == null;
	}

}
