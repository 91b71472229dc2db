package dev.resilience.shedding;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.condition.PathPatternsRequestCondition;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.pattern.PathPattern;

/**
 * Which handler methods are {@link Sheddable}, at which threshold, and which handler a request is for.
 *
 * <p>The annotation is looked up once per handler method and cached. The lowest threshold of all sheddable handlers
 * is known from startup, so that below it a request needs no handler lookup at all. Above it, requests for literal
 * paths are resolved once and remembered (see {@link DirectPathHandlers}); other requests are resolved by the
 * mappings each time.
 *
 * <p>Thresholds are kept per controller type and {@link Method}, never per resolved {@link HandlerMethod}: the
 * mappings resolve a prototype or request-scoped controller to a new {@code HandlerMethod} on every lookup. The
 * lookup leaves the request's attributes as it found them, so that later filters do not see the mapping's
 * attributes ({@code BEST_MATCHING_PATTERN}, URI template variables, ...) before the {@code DispatcherServlet} sets
 * them.
 */
public class SheddableHandlers {

	private volatile Map<Class<?>, Map<Method, Double>> thresholds = Map.of();

	private final double globalThreshold;

	private volatile DirectPathHandlers directPaths = new DirectPathHandlers(List.of());

	private volatile List<PathPattern> sheddablePatterns;

	private volatile double lowestThreshold = Double.POSITIVE_INFINITY;

	/**
	 * Create the lookup.
	 * @param globalThreshold threshold of {@code @Sheddable} endpoints that do not set their own
	 */
	public SheddableHandlers(double globalThreshold) {
		this.globalThreshold = globalThreshold;
	}

	/**
	 * Take the application's handler mappings: check every {@code @Sheddable} threshold, so that a bad value fails
	 * startup rather than the first request, and note the lowest. Handlers registered later are not shed.
	 * @param mappings the application's request-mapping handler mappings
	 * @throws IllegalStateException naming the first handler with a threshold outside {@code (0, 1]}
	 */
	public void register(List<RequestMappingInfoHandlerMapping> mappings) {
		double lowest = Double.POSITIVE_INFINITY;
		List<PathPattern> sheddablePatterns = new ArrayList<>();
		Map<Class<?>, Map<Method, Double>> thresholds = new HashMap<>();
		for (RequestMappingInfoHandlerMapping mapping : mappings) {
			for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mapping.getHandlerMethods().entrySet()) {
				HandlerMethod handler = entry.getValue();
				Sheddable sheddable = findAnnotation(handler);
				if (sheddable == null) {
					continue;
				}
				PathPatternsRequestCondition patterns = entry.getKey().getPathPatternsCondition();
				if (patterns != null && sheddablePatterns != null) {
					sheddablePatterns.addAll(patterns.getPatterns());
				}
				else {
					sheddablePatterns = null; // AntPathMatcher: the patterns cannot tell
				}
				if (sheddable.threshold() != Sheddable.GLOBAL_THRESHOLD
						&& !(sheddable.threshold() > 0 && sheddable.threshold() <= 1)) {
					throw new IllegalStateException("@Sheddable(threshold = " + sheddable.threshold() + ") on "
							+ handler.getShortLogMessage() + " must be greater than 0 and at most 1");
				}
				double threshold = thresholdOf(sheddable);
				thresholds.computeIfAbsent(handler.getBeanType(), (type) -> new HashMap<>())
					.put(handler.getMethod(), threshold);
				lowest = Math.min(lowest, threshold);
			}
		}
		Map<Class<?>, Map<Method, Double>> frozen = new HashMap<>();
		thresholds.forEach((type, byMethod) -> frozen.put(type, Map.copyOf(byMethod)));
		this.thresholds = Map.copyOf(frozen);
		List<RequestMappingInfoHandlerMapping> sorted = new ArrayList<>(mappings);
		AnnotationAwareOrderComparator.sort(sorted); // the order DispatcherServlet asks them in
		this.directPaths = new DirectPathHandlers(List.copyOf(sorted));
		this.sheddablePatterns = (sheddablePatterns != null) ? List.copyOf(sheddablePatterns) : null;
		this.lowestThreshold = lowest;
	}

	/**
	 * Lowest threshold of any sheddable handler: below it no request is shed.
	 * @return the threshold, or positive infinity if no handler is sheddable
	 */
	public double lowestThreshold() {
		return this.lowestThreshold;
	}

	/**
	 * Threshold at which a handler is shed.
	 * @param handler the handler method, resolved or not
	 * @return the threshold in {@code (0, 1]}, or {@code NaN} if the handler is not sheddable or was not registered
	 * at startup
	 */
	public double thresholdOf(HandlerMethod handler) {
		Map<Method, Double> byMethod = this.thresholds.get(handler.getBeanType());
		Double threshold = (byMethod != null) ? byMethod.get(handler.getMethod()) : null;
		return (threshold != null) ? threshold : Double.NaN;
	}

	/**
	 * Number of sheddable handler methods whose threshold is known, for tests: it is fixed at registration.
	 * @return the count
	 */
	int thresholdEntries() {
		return this.thresholds.values().stream().mapToInt(Map::size).sum();
	}

	/**
	 * Find the handler method that the {@code DispatcherServlet} will pick for a request, as it would: the same
	 * mappings in the same order, or the remembered result of doing so for the same method and literal path.
	 * @param request the request, not yet dispatched
	 * @return the handler method and the URI template it is mapped at, or {@code null} if none maps the request (or
	 * mapping it fails)
	 */
	public Match handlerFor(HttpServletRequest request) {
		return handlerFor(request, false);
	}

	/**
	 * Like {@link #handlerFor(HttpServletRequest)}, for a sheddable handler only. A request whose path matches no
	 * pattern of a sheddable handler cannot be for one, so it is answered without a handler lookup: under pressure,
	 * health checks and critical calls to templated paths pay a few pattern matches, not a lookup.
	 * @param request the request, not yet dispatched
	 * @return the sheddable handler method and its URI template, or {@code null} if the request's handler is not
	 * sheddable
	 */
	public Match sheddableHandlerFor(HttpServletRequest request) {
		Match match = handlerFor(request, true);
		return (match != null && !Double.isNaN(thresholdOf(match.handler()))) ? match : null;
	}

	private Match handlerFor(HttpServletRequest request, boolean sheddableOnly) {
		DirectPathHandlers directPaths = this.directPaths;
		Match remembered = directPaths.get(request);
		if (remembered != null) {
			return remembered;
		}
		RequestPath previous = ServletRequestPathUtils.hasParsedRequestPath(request)
				? ServletRequestPathUtils.getParsedRequestPath(request) : null;
		RequestPath path = ServletRequestPathUtils.parseAndCache(request);
		try {
			if (sheddableOnly && !mayBeSheddable(path)) {
				return null; // no lookup, so only the parsed path to put back: no snapshot of the attributes
			}
			return lookUp(request, path, directPaths);
		}
		finally {
			if (previous != null) {
				ServletRequestPathUtils.setParsedRequestPath(previous, request);
			}
			else {
				ServletRequestPathUtils.clearParsedRequestPath(request);
			}
		}
	}

	private Match lookUp(HttpServletRequest request, RequestPath path, DirectPathHandlers directPaths) {
		Map<String, Object> attributes = attributesOf(request);
		try {
			List<RequestMappingInfoHandlerMapping> mappings = directPaths.mappings();
			for (int i = 0; i < mappings.size(); i++) {
				HandlerExecutionChain chain = mappings.get(i).getHandler(request);
				if (chain != null) {
					if (!(chain.getHandler() instanceof HandlerMethod handler)) {
						return null;
					}
					Match match = new Match(handler, uriTemplate(request));
					directPaths.remember(request, path, i, match);
					return match;
				}
			}
			return null;
		}
		catch (Exception ex) {
			return null; // the dispatcher will answer it (405, 406, ...): nothing to shed
		}
		finally {
			restore(request, attributes);
		}
	}

	private static Map<String, Object> attributesOf(HttpServletRequest request) {
		Map<String, Object> attributes = new HashMap<>();
		Enumeration<String> names = request.getAttributeNames();
		while (names.hasMoreElements()) {
			String name = names.nextElement();
			attributes.put(name, request.getAttribute(name));
		}
		return attributes;
	}

	// as DispatcherServlet restores them after an include: whatever the mappings set, added or replaced, goes
	private static void restore(HttpServletRequest request, Map<String, Object> attributes) {
		List<String> added = new ArrayList<>();
		Enumeration<String> names = request.getAttributeNames();
		while (names.hasMoreElements()) {
			String name = names.nextElement();
			if (!attributes.containsKey(name)) {
				added.add(name);
			}
		}
		added.forEach(request::removeAttribute);
		attributes.forEach((name, value) -> {
			if (request.getAttribute(name) != value) {
				request.setAttribute(name, value);
			}
		});
	}

	/**
	 * Number of literal-path resolutions remembered so far, for tests.
	 * @return the count
	 */
	int rememberedDirectPaths() {
		return this.directPaths.size();
	}

	private boolean mayBeSheddable(RequestPath path) {
		List<PathPattern> patterns = this.sheddablePatterns;
		if (patterns == null) {
			return true;
		}
		PathContainer pathWithinApplication = path.pathWithinApplication();
		for (PathPattern pattern : patterns) {
			if (pattern.matches(pathWithinApplication)) {
				return true;
			}
		}
		return false;
	}

	private static String uriTemplate(HttpServletRequest request) {
		Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
		return (pattern != null) ? pattern.toString() : "UNKNOWN";
	}

	private double thresholdOf(Sheddable sheddable) {
		return (sheddable.threshold() == Sheddable.GLOBAL_THRESHOLD) ? this.globalThreshold : sheddable.threshold();
	}

	private static Sheddable findAnnotation(HandlerMethod handler) {
		Sheddable onMethod = AnnotatedElementUtils.findMergedAnnotation(handler.getMethod(), Sheddable.class);
		return (onMethod != null) ? onMethod
				: AnnotatedElementUtils.findMergedAnnotation(handler.getBeanType(), Sheddable.class);
	}

	/**
	 * The handler a request is for.
	 *
	 * @param handler the handler method
	 * @param uriTemplate the pattern it is mapped at that matched the request, for metrics and logs
	 */
	public record Match(HandlerMethod handler, String uriTemplate) {
	}

}
