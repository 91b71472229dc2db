package dev.resilience.shedding;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

import dev.resilience.support.ResilienceConfigurationException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.resilience.annotation.ConcurrencyLimit;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.util.StringValueResolver;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.function.support.RouterFunctionMapping;
import org.springframework.web.servlet.handler.AbstractUrlHandlerMapping;
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
 * <p>A handler's threshold is its annotation's own, else its tier's, else the global one. Path rules of tiers
 * ({@link PathRule}) make requests sheddable whatever their handler: a request that no annotated handler wins is in
 * the tier of the first rule that matches it. Tier and global thresholds may be changed at runtime; handlers refer to
 * them, so a change takes effect on the next request.
 *
 * <p>Thresholds are kept per controller type and {@link Method}, never per resolved {@link HandlerMethod}: the
 * mappings resolve a prototype or request-scoped controller to a new {@code HandlerMethod} on every lookup. The
 * lookup leaves the request's attributes as it found them, so that later filters do not see the mapping's
 * attributes ({@code BEST_MATCHING_PATTERN}, URI template variables, ...) before the {@code DispatcherServlet} sets
 * them.
 */
public class SheddableHandlers {

	private static final Log logger = LogFactory.getLog(SheddableHandlers.class);

	private static final String TIERS_PROPERTY = "resilience.shedding.tiers";

	private volatile Map<Class<?>, Map<Method, Threshold>> thresholds = Map.of();

	private final Threshold globalThreshold;

	private final Map<String, Threshold> tiers;

	private final List<TierRule> rules;

	private final StringValueResolver placeholders;

	private volatile DirectPathHandlers directPaths = new DirectPathHandlers(List.of());

	private volatile List<PathPattern> sheddablePatterns;

	private volatile List<Threshold> inUse = List.of();

	private volatile double lowestThreshold = Double.POSITIVE_INFINITY;

	private volatile Set<String> uriTemplates = Set.of();

	/**
	 * Create the lookup, without tiers.
	 * @param globalThreshold threshold of {@code @Sheddable} endpoints that do not set their own
	 */
	public SheddableHandlers(double globalThreshold) {
		this(globalThreshold, List.of(), (value) -> value);
	}

	/**
	 * Create the lookup.
	 * @param globalThreshold threshold of {@code @Sheddable} endpoints that set neither their own nor a tier
	 * @param tiers the configured tiers
	 * @param placeholders resolves {@code ${...}} placeholders in annotation values, typically
	 * {@code environment::resolveRequiredPlaceholders}
	 * @throws ResilienceConfigurationException if a path rule is invalid or rules of two tiers overlap
	 */
	public SheddableHandlers(double globalThreshold, List<SheddingTier> tiers, StringValueResolver placeholders) {
		this.globalThreshold = new Threshold("global", globalThreshold);
		this.placeholders = placeholders;
		Map<String, Threshold> byName = new LinkedHashMap<>();
		List<TierRule> rules = new ArrayList<>();
		for (SheddingTier tier : tiers) {
			Threshold threshold = new Threshold(tier.name(), tier.threshold());
			byName.put(tier.name(), threshold);
			for (int i = 0; i < tier.paths().size(); i++) {
				String property = TIERS_PROPERTY + "." + tier.name() + ".paths[" + i + "]";
				PathRule rule;
				try {
					rule = PathRule.parse(tier.paths().get(i));
				}
				catch (IllegalArgumentException ex) {
					throw new ResilienceConfigurationException(property + " \"" + tier.paths().get(i) + "\" "
							+ ex.getMessage(), "Fix " + property + ": [METHOD ...] /path/pattern, for example "
									+ "\"GET /reports/**\".", ex);
				}
				rules.add(new TierRule(rule, threshold, property, new Match(null, rule.pattern().getPatternString(),
						threshold)));
			}
		}
		for (int i = 0; i < rules.size(); i++) {
			for (int j = i + 1; j < rules.size(); j++) {
				TierRule one = rules.get(i);
				TierRule other = rules.get(j);
				if (one.threshold() != other.threshold() && one.rule().overlaps(other.rule())) {
					throw new ResilienceConfigurationException(one.property() + " (" + one.rule() + ") overlaps "
							+ other.property() + " (" + other.rule() + "): a request could be in tier '"
							+ one.threshold().name() + "' or '" + other.threshold().name() + "'",
							"Narrow or remove one of the two rules so that every request is in one tier at most, or "
									+ "put both paths in the same tier.");
				}
			}
		}
		this.tiers = Collections.unmodifiableMap(byName);
		this.rules = List.copyOf(rules);
	}

	/**
	 * Take the application's handler mappings: check every {@code @Sheddable} annotation, so that a bad value fails
	 * startup rather than the first request, note the lowest threshold in use, and warn of path rules that match no
	 * handler. Handlers registered later are not shed.
	 * @param mappings the application's handler mappings; its request-mapping ones are asked for handlers
	 * @throws ResilienceConfigurationException naming the first handler with an invalid {@code @Sheddable}
	 */
	public void register(List<? extends HandlerMapping> mappings) {
		List<PathPattern> sheddablePatterns = new ArrayList<>();
		List<RequestMappingInfoHandlerMapping> requestMappings = new ArrayList<>();
		Map<Class<?>, Map<Method, Threshold>> thresholds = new HashMap<>();
		Set<Threshold> inUse = Collections.newSetFromMap(new IdentityHashMap<>());
		Set<String> uriTemplates = new LinkedHashSet<>();
		this.rules.forEach((rule) -> {
			inUse.add(rule.threshold());
			uriTemplates.add(rule.match().uriTemplate());
		});
		for (HandlerMapping each : mappings) {
			if (!(each instanceof RequestMappingInfoHandlerMapping mapping)) {
				continue;
			}
			requestMappings.add(mapping);
			for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mapping.getHandlerMethods().entrySet()) {
				HandlerMethod handler = entry.getValue();
				Sheddable sheddable = findAnnotation(handler);
				if (sheddable == null) {
					if (hasConcurrencyLimit(handler)) {
						uriTemplates.addAll(entry.getKey().getPatternValues());
					}
					continue;
				}
				uriTemplates.addAll(entry.getKey().getPatternValues());
				PathPatternsRequestCondition patterns = entry.getKey().getPathPatternsCondition();
				if (patterns != null && sheddablePatterns != null) {
					sheddablePatterns.addAll(patterns.getPatterns());
				}
				else {
					sheddablePatterns = null; // AntPathMatcher: the patterns cannot tell
				}
				Threshold threshold = thresholdOf(sheddable, handler);
				thresholds.computeIfAbsent(handler.getBeanType(), (type) -> new HashMap<>())
					.put(handler.getMethod(), threshold);
				inUse.add(threshold);
			}
		}
		warnOfRulesMatchingNoHandler(mappings);
		Map<Class<?>, Map<Method, Threshold>> frozen = new HashMap<>();
		thresholds.forEach((type, byMethod) -> frozen.put(type, Map.copyOf(byMethod)));
		this.thresholds = Map.copyOf(frozen);
		AnnotationAwareOrderComparator.sort(requestMappings); // the order DispatcherServlet asks them in
		this.directPaths = new DirectPathHandlers(List.copyOf(requestMappings));
		this.sheddablePatterns = (sheddablePatterns != null) ? List.copyOf(sheddablePatterns) : null;
		this.inUse = List.copyOf(inUse);
		this.uriTemplates = Collections.unmodifiableSet(uriTemplates);
		updateLowestThreshold();
	}

	/**
	 * URI templates that rejections are counted under, as known once the handlers are registered: the patterns of
	 * {@code @Sheddable} handlers, the patterns of the tiers' path rules, and the patterns of handler methods that
	 * carry {@code @ConcurrencyLimit} themselves (on the method or the controller). A {@code @ConcurrencyLimit} on a
	 * bean the handler calls cannot be known here.
	 * @return the URI templates, empty before {@link #register(List)}
	 */
	public Set<String> uriTemplates() {
		return this.uriTemplates;
	}

	/**
	 * Lowest threshold of any sheddable handler or path rule: below it no request is shed.
	 * @return the threshold, or positive infinity if nothing is sheddable
	 */
	public double lowestThreshold() {
		return this.lowestThreshold;
	}

	/**
	 * Threshold of {@code @Sheddable} endpoints that set neither their own nor a tier.
	 * @return the threshold
	 */
	public double globalThreshold() {
		return this.globalThreshold.value();
	}

	/**
	 * Change the global threshold, at runtime.
	 * @param threshold the new threshold, in {@code (0, 1]}
	 * @throws IllegalArgumentException if the threshold is out of range
	 */
	public void setGlobalThreshold(double threshold) {
		set(this.globalThreshold, threshold);
	}

	/**
	 * Thresholds of the configured tiers, by name, as they are now.
	 * @return the thresholds, in configuration order
	 */
	public Map<String, Double> tierThresholds() {
		Map<String, Double> thresholds = new LinkedHashMap<>();
		this.tiers.forEach((name, threshold) -> thresholds.put(name, threshold.value()));
		return thresholds;
	}

	/**
	 * Threshold of a configured tier, now.
	 * @param tier the tier's name
	 * @return the threshold, or {@code NaN} if there is no such tier
	 */
	public double tierThreshold(String tier) {
		Threshold threshold = this.tiers.get(tier);
		return (threshold != null) ? threshold.value() : Double.NaN;
	}

	/**
	 * Change a tier's threshold, at runtime. Endpoints with their own threshold keep it.
	 * @param tier the tier's name
	 * @param threshold the new threshold, in {@code (0, 1]}
	 * @throws IllegalArgumentException if there is no such tier or the threshold is out of range
	 */
	public void setTierThreshold(String tier, double threshold) {
		Threshold target = this.tiers.get(tier);
		if (target == null) {
			throw new IllegalArgumentException("There is no tier '" + tier + "'; configured: " + this.tiers.keySet());
		}
		set(target, threshold);
	}

	private synchronized void set(Threshold target, double threshold) {
		if (!(threshold > 0 && threshold <= 1)) {
			throw new IllegalArgumentException("Threshold must be greater than 0 and at most 1, was " + threshold);
		}
		target.set(threshold);
		updateLowestThreshold();
	}

	private synchronized void updateLowestThreshold() {
		double lowest = Double.POSITIVE_INFINITY;
		for (Threshold threshold : this.inUse) {
			lowest = Math.min(lowest, threshold.value());
		}
		this.lowestThreshold = lowest;
	}

	/**
	 * Threshold at which a handler is shed by its {@code @Sheddable} annotation, now.
	 * @param handler the handler method, resolved or not
	 * @return the threshold in {@code (0, 1]}, or {@code NaN} if the handler is not annotated or was not registered
	 * at startup
	 */
	public double thresholdOf(HandlerMethod handler) {
		Threshold threshold = annotatedThresholdOf(handler);
		return (threshold != null) ? threshold.value() : Double.NaN;
	}

	private Threshold annotatedThresholdOf(HandlerMethod handler) {
		Map<Method, Threshold> byMethod = this.thresholds.get(handler.getBeanType());
		return (byMethod != null) ? byMethod.get(handler.getMethod()) : null;
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
		return (match != null && match.isSheddable()) ? match : null;
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
			if (sheddableOnly && !mayBeAnnotated(path)) {
				// no annotated handler can win, so no lookup, and only the parsed path to put back
				return ruleFor(request.getMethod(), path.pathWithinApplication());
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
						return ruleFor(request.getMethod(), path.pathWithinApplication());
					}
					Match match = matchOf(handler, uriTemplate(request), request.getMethod(), path);
					directPaths.remember(request, path, i, match);
					return match;
				}
			}
			// not a request-mapping handler (a functional endpoint, a resource, none): only path rules can tell
			return ruleFor(request.getMethod(), path.pathWithinApplication());
		}
		catch (Exception ex) {
			// the dispatcher will answer it (405, 406, ...): no handler of its own, only path rules can tell
			return ruleFor(request.getMethod(), path.pathWithinApplication());
		}
		finally {
			restore(request, attributes);
		}
	}

	private Match matchOf(HandlerMethod handler, String uriTemplate, String method, RequestPath path) {
		Threshold annotated = annotatedThresholdOf(handler);
		if (annotated != null) {
			return new Match(handler, uriTemplate, annotated);
		}
		Match byRule = ruleFor(method, path.pathWithinApplication());
		return (byRule != null) ? new Match(handler, byRule.uriTemplate(), byRule.threshold)
				: new Match(handler, uriTemplate, null);
	}

	private Match ruleFor(String method, PathContainer pathWithinApplication) {
		List<TierRule> rules = this.rules;
		for (int i = 0; i < rules.size(); i++) {
			TierRule rule = rules.get(i);
			if (rule.rule().matches(method, pathWithinApplication)) {
				return rule.match();
			}
		}
		return null;
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

	private boolean mayBeAnnotated(RequestPath path) {
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

	private Threshold thresholdOf(Sheddable sheddable, HandlerMethod handler) {
		String where = "@Sheddable on " + handler.getShortLogMessage();
		String thresholdString = resolve(sheddable.thresholdString(), where, "thresholdString");
		if (!thresholdString.isEmpty() && sheddable.threshold() != Sheddable.GLOBAL_THRESHOLD) {
			throw new ResilienceConfigurationException(where + " sets both threshold and thresholdString",
					"Set only one of threshold and thresholdString on " + handler.getShortLogMessage() + ".");
		}
		double own = sheddable.threshold();
		if (!thresholdString.isEmpty()) {
			try {
				own = Double.parseDouble(thresholdString);
			}
			catch (NumberFormatException ex) {
				throw new ResilienceConfigurationException(where + ": thresholdString \"" + sheddable.thresholdString()
						+ "\" is \"" + thresholdString + "\", not a number",
						"Make the thresholdString of " + handler.getShortLogMessage()
								+ " a number greater than 0 and at most 1, for example \"0.6\" or \"${reports.threshold:0.6}\".",
						ex);
			}
		}
		if (own != Sheddable.GLOBAL_THRESHOLD || !thresholdString.isEmpty()) {
			if (!(own > 0 && own <= 1)) {
				throw new ResilienceConfigurationException("@Sheddable(threshold = " + own + ") on "
						+ handler.getShortLogMessage() + " must be greater than 0 and at most 1",
						"Set the threshold of " + handler.getShortLogMessage()
								+ " greater than 0 and at most 1, for example 0.6.");
			}
			return new Threshold("own", own);
		}
		String tier = resolve(sheddable.tier(), where, "tier");
		if (tier.isEmpty()) {
			return this.globalThreshold;
		}
		Threshold threshold = this.tiers.get(tier);
		if (threshold == null) {
			throw new ResilienceConfigurationException(where + " names tier '" + tier + "', but "
					+ TIERS_PROPERTY + " has " + (this.tiers.isEmpty() ? "no tiers" : "only " + this.tiers.keySet()),
					"Configure " + TIERS_PROPERTY + "." + tier + ".threshold, or name a configured tier in @Sheddable(tier) of "
							+ handler.getShortLogMessage() + ".");
		}
		return threshold;
	}

	private String resolve(String value, String where, String attribute) {
		if (value.isEmpty()) {
			return value;
		}
		try {
			String resolved = this.placeholders.resolveStringValue(value);
			return (resolved != null) ? resolved.trim() : "";
		}
		catch (IllegalArgumentException ex) {
			throw new ResilienceConfigurationException(where + ": " + attribute + " \"" + value + "\" cannot be resolved: "
					+ ex.getMessage(), "Define the property the placeholder names, or give it a default: ${name:default}.",
					ex);
		}
	}

	private void warnOfRulesMatchingNoHandler(List<? extends HandlerMapping> mappings) {
		if (this.rules.isEmpty()) {
			return;
		}
		List<String> handlerPatterns = new ArrayList<>();
		for (HandlerMapping mapping : mappings) {
			if (mapping instanceof RequestMappingInfoHandlerMapping requestMapping) {
				requestMapping.getHandlerMethods().keySet().forEach((info) -> handlerPatterns.addAll(info.getPatternValues()));
			}
			else if (mapping instanceof RouterFunctionMapping functional && functional.getRouterFunction() != null) {
				handlerPatterns.addAll(FunctionalRoutePaths.of(functional.getRouterFunction()));
			}
			else if (mapping instanceof AbstractUrlHandlerMapping urls) {
				// the static resources' catch-all /** would hide every mistake
				urls.getHandlerMap().keySet().stream().filter((pattern) -> !pattern.equals("/**")).forEach(handlerPatterns::add);
			}
		}
		for (TierRule rule : this.rules) {
			if (handlerPatterns.stream().noneMatch(rule.rule()::mayMatch)) {
				logger.warn(rule.property() + " (" + rule.rule() + ") matches no handler; check the pattern and "
						+ "the application's mappings");
			}
		}
	}

	private static boolean hasConcurrencyLimit(HandlerMethod handler) {
		return AnnotatedElementUtils.hasAnnotation(handler.getMethod(), ConcurrencyLimit.class)
				|| AnnotatedElementUtils.hasAnnotation(handler.getBeanType(), ConcurrencyLimit.class);
	}

	private static Sheddable findAnnotation(HandlerMethod handler) {
		Sheddable onMethod = AnnotatedElementUtils.findMergedAnnotation(handler.getMethod(), Sheddable.class);
		return (onMethod != null) ? onMethod
				: AnnotatedElementUtils.findMergedAnnotation(handler.getBeanType(), Sheddable.class);
	}

	/**
	 * The handler a request is for, and the threshold it is shed at, if any.
	 */
	public static final class Match {

		private final HandlerMethod handler;

		private final String uriTemplate;

		private final Threshold threshold;

		Match(HandlerMethod handler, String uriTemplate, Threshold threshold) {
			this.handler = handler;
			this.uriTemplate = uriTemplate;
			this.threshold = threshold;
		}

		/**
		 * The handler method.
		 * @return the handler method, or {@code null} for a request that only a path rule matched and that no
		 * request-mapping handler was looked up for (a functional endpoint, for example)
		 */
		public HandlerMethod handler() {
			return this.handler;
		}

		/**
		 * URI template for metrics and logs: the pattern the handler is mapped at, or, for a request that a path rule
		 * makes sheddable, the rule's pattern.
		 * @return the URI template
		 */
		public String uriTemplate() {
			return this.uriTemplate;
		}

		/**
		 * Whether the request is for a sheddable handler, by its annotation or a path rule.
		 * @return whether it may be shed
		 */
		public boolean isSheddable() {
			return this.threshold != null;
		}

		/**
		 * Threshold at which the request is shed, now.
		 * @return the threshold, or {@code NaN} if it is never shed
		 */
		public double threshold() {
			return (this.threshold != null) ? this.threshold.value() : Double.NaN;
		}

	}

	private record TierRule(PathRule rule, Threshold threshold, String property, Match match) {
	}

}
