package dev.resilience.etag;

import java.lang.reflect.Method;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import dev.resilience.support.ResilienceConfigurationException;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.convert.ConversionService;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.support.ConfigurableWebBindingInitializer;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * Finds the {@link ETagged} and {@link ChangesResource} handler methods and works out a plan for each once. At
 * startup every mapped handler is checked, so that a bad key expression, a missing resource name or an annotation on
 * the wrong HTTP method fails startup naming the method rather than the first request.
 */
public final class ConditionalRequestHandlers implements SmartInitializingSingleton {

	private static final Set<RequestMethod> READS = EnumSet.of(RequestMethod.GET, RequestMethod.HEAD);

	private static final Set<RequestMethod> WRITES = EnumSet.of(RequestMethod.PUT, RequestMethod.PATCH,
			RequestMethod.POST, RequestMethod.DELETE);

	private static final HandlerPlan NONE = new HandlerPlan("", null, false, null, null, "");

	private static final String ANNOTATIONS = "@ETagged goes on a GET handler, @ChangesResource on a PUT, PATCH, "
			+ "POST or DELETE handler, each with a resource name and a key";

	private final Map<Method, HandlerPlan> plans = new ConcurrentHashMap<>();

	private final ObjectProvider<RequestMappingInfoHandlerMapping> mappings;

	private final ObjectProvider<RequestMappingHandlerAdapter> adapters;

	private final String defaultCacheControl;

	private volatile @Nullable ConversionService conversion;

	private volatile boolean checked;

	/**
	 * Create an instance.
	 * @param mappings the handler mappings whose handlers are checked at startup
	 * @param adapters the handler adapters whose conversion service converts key variables as the handlers' arguments
	 * are converted (Boot's shared {@link ApplicationConversionService} without one)
	 * @param defaultCacheControl Cache-Control for {@link ETagged} handlers that do not set their own
	 */
	public ConditionalRequestHandlers(ObjectProvider<RequestMappingInfoHandlerMapping> mappings,
			ObjectProvider<RequestMappingHandlerAdapter> adapters, String defaultCacheControl) {
		this.mappings = mappings;
		this.adapters = adapters;
		this.defaultCacheControl = defaultCacheControl;
	}

	@Override
	public void afterSingletonsInstantiated() {
		checkMappedHandlers();
	}

	private void checkMappedHandlers() {
		if (this.checked) {
			return;
		}
		synchronized (this) {
			if (!this.checked) {
				this.mappings.orderedStream().forEach((mapping) -> mapping.getHandlerMethods().forEach(this::check));
				this.checked = true;
			}
		}
	}

	/**
	 * Annotated handlers, by resource. Checks every mapped handler first if startup has not done so yet.
	 * @return handler descriptions by resource name
	 */
	public Map<String, Set<String>> handlersByResource() {
		checkMappedHandlers();
		Map<String, Set<String>> byResource = new TreeMap<>();
		this.plans.values().stream().filter((plan) -> plan != NONE).forEach((plan) -> byResource
			.computeIfAbsent(plan.resource(), (r) -> new TreeSet<>())
			.add((plan.write() ? "write " : "read ") + plan.handler()));
		return byResource;
	}

	/**
	 * Plan for a handler method.
	 * @param handler the handler method
	 * @return the plan, or {@code null} if the method carries neither annotation
	 */
	@Nullable HandlerPlan planFor(HandlerMethod handler) {
		HandlerPlan plan = this.plans.get(handler.getMethod());
		if (plan == null) {
			plan = this.plans.computeIfAbsent(handler.getMethod(), (method) -> plan(handler));
		}
		return (plan != NONE) ? plan : null;
	}

	private void check(RequestMappingInfo info, HandlerMethod handler) {
		HandlerPlan plan = this.plans.computeIfAbsent(handler.getMethod(), (method) -> plan(handler));
		if (plan == NONE) {
			return;
		}
		Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
		Set<RequestMethod> allowed = plan.write() ? WRITES : READS;
		if (methods.isEmpty() || !allowed.containsAll(methods)) {
			throw new ResilienceConfigurationException("@" + (plan.write() ? "ChangesResource" : "ETagged") + " on "
					+ plan.handler() + " requires a handler mapped to " + (plan.write() ? "PUT, PATCH, POST or DELETE"
							: "GET") + " only, but it is mapped to " + (methods.isEmpty() ? "every method" : methods),
					"Map " + plan.handler() + " to the methods its annotation allows: " + ANNOTATIONS + ".");
		}
	}

	private HandlerPlan plan(HandlerMethod handler) {
		Method method = handler.getMethod();
		ETagged read = AnnotatedElementUtils.findMergedAnnotation(method, ETagged.class);
		ChangesResource write = AnnotatedElementUtils.findMergedAnnotation(method, ChangesResource.class);
		if (read == null && write == null) {
			return NONE;
		}
		String description = ClassUtils.getShortName(method.getDeclaringClass()) + "#" + method.getName();
		if (read != null && write != null) {
			throw new ResilienceConfigurationException(description + " carries both @ETagged and @ChangesResource; "
					+ "a handler either reads or changes a resource", "Keep one of the two annotations on "
							+ description + ": " + ANNOTATIONS + ".");
		}
		String resource = (read != null) ? read.resource() : write.resource();
		String annotation = (read != null) ? "@ETagged" : "@ChangesResource";
		if (!StringUtils.hasText(resource)) {
			throw new ResilienceConfigurationException(annotation + " on " + description
					+ ": resource must not be empty", "Name the resource of " + annotation + " on " + description
							+ ", for example resource = \"place\".");
		}
		KeyExpression key;
		try {
			key = KeyExpression.parse((read != null) ? read.key() : write.key(), handler, conversion());
		}
		catch (IllegalArgumentException ex) {
			throw new ResilienceConfigurationException(annotation + " on " + description + ": " + ex.getMessage(),
					"Fix the key of " + annotation + " on " + description + ": a SpEL expression over the handler's "
							+ "parameters, by name, for example key = \"#id\".",
					ex);
		}
		if (write != null) {
			return new HandlerPlan(resource, key, true, null, null, description);
		}
		String cacheControl = StringUtils.hasText(read.cacheControl()) ? read.cacheControl() : this.defaultCacheControl;
		checkHeaderValue(cacheControl, "cacheControl", description);
		String vary = (read.vary().length > 0) ? String.join(", ", read.vary()) : null;
		if (vary != null) {
			checkHeaderValue(vary, "vary", description);
		}
		return new HandlerPlan(resource, key, false, cacheControl, vary, description);
	}

	private ConversionService conversion() {
		ConversionService conversion = this.conversion;
		if (conversion == null) {
			RequestMappingHandlerAdapter adapter = this.adapters.orderedStream().findFirst().orElse(null);
			if (adapter != null && adapter.getWebBindingInitializer() instanceof ConfigurableWebBindingInitializer binding
					&& binding.getConversionService() != null) {
				conversion = binding.getConversionService();
			}
			else {
				conversion = ApplicationConversionService.getSharedInstance();
			}
			this.conversion = conversion;
		}
		return conversion;
	}

	private static void checkHeaderValue(String value, String attribute, String description) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if ((c < 0x20 && c != '\t') || c == 0x7F || c > 0xFF) {
				throw new ResilienceConfigurationException("@ETagged on " + description + ": " + attribute + " \""
						+ value + "\" contains a character that is not allowed in an HTTP header",
						"Use only visible ASCII, spaces and tabs in the " + attribute + " of @ETagged on " + description
								+ ".");
			}
		}
	}

}
