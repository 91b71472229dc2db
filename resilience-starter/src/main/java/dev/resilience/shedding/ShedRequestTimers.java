package dev.resilience.shedding;

import java.io.IOException;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationHandler.CompositeObservationHandler;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.ObservationRegistry.ObservationConfig;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.http.server.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.http.server.observation.ServerRequestObservationConvention;
import org.springframework.util.ReflectionUtils;

/**
 * The {@code http.server.requests} timers that shed requests are recorded in, for an observation registry that would
 * do nothing with a shed request's observation but record it in a timer: so that, once a URI template and method
 * have been observed once, their later shed requests are recorded in that same timer directly.
 *
 * <p>A registry qualifies only when the outcome of every observation of a shed request is fixed by its URI template
 * and method: Micrometer's {@link DefaultMeterObservationHandler} is the only handler that sees it (no tracing, no
 * handler of the application's own), the convention is Spring's default one, and every filter and predicate is
 * Spring Boot's {@code management.observations.*} one, which depends on the observation's name only. Micrometer keeps
 * this configuration to itself, so it is read reflectively; if it cannot be read, nothing qualifies and every shed
 * request is observed in full. Entries are bounded by the application's URI templates and path rules times the
 * standard HTTP methods.
 */
final class ShedRequestTimers {

	private static final Log logger = LogFactory.getLog(ShedRequestTimers.class);

	private static final String PROPERTIES_FILTER_PREDICATE =
			"org.springframework.boot.micrometer.observation.autoconfigure.PropertiesObservationFilterPredicate";

	private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
			"TRACE");

	private static final String ERROR_TAG = "error";

	private static final String NO_ERROR = "none";

	private static final Object OBSERVE_IN_FULL = new Object();

	private final MeterRegistry meterRegistry;

	// per URI template, indexed like METHODS: the Timer, or OBSERVE_IN_FULL once no timer was found
	private final ConcurrentMap<String, AtomicReferenceArray<Object>> byUriTemplate = new ConcurrentHashMap<>();

	private final Clock clock;

	private ShedRequestTimers(MeterRegistry meterRegistry) {
		this.meterRegistry = meterRegistry;
		this.clock = meterRegistry.config().clock();
	}

	/**
	 * The timers of a registry, if it qualifies.
	 * @param registry the observation registry shed requests are observed in
	 * @param convention the convention they are observed with
	 * @param context the context of a shed request's observation, to ask the handlers whether they support it
	 * @return the timers, or {@code null} if every shed request must be observed in full
	 */
	static @Nullable ShedRequestTimers of(ObservationRegistry registry, ServerRequestObservationConvention convention,
			ServerRequestObservationContext context) {
		if (convention.getClass() != DefaultServerRequestObservationConvention.class) {
			return none("the http.server.requests convention is the application's own");
		}
		try {
			ObservationConfig config = registry.observationConfig();
			if (!onlyNameBased(field(config, "observationFilters"))
					|| !onlyNameBased(field(config, "observationPredicates"))) {
				return none("an observation filter or predicate is the application's own");
			}
			List<ObservationHandler<?>> handlers = new ArrayList<>();
			for (Object handler : field(config, "observationHandlers")) {
				addHandling((ObservationHandler<?>) handler, context, handlers);
			}
			if (handlers.size() != 1 || handlers.get(0).getClass() != DefaultMeterObservationHandler.class) {
				return none("a handler other than Micrometer's meter handler (tracing, for example) sees them");
			}
			MeterRegistry meterRegistry = (MeterRegistry) fieldValue(handlers.get(0), "meterRegistry");
			return new ShedRequestTimers(meterRegistry);
		}
		catch (RuntimeException ex) {
			return none("Micrometer's observation configuration could not be read (" + ex + ")");
		}
	}

	/**
	 * Write a shed request's rejection and record it in the timer of its URI template and method, if that is known.
	 * @param request the shed request
	 * @param response its response
	 * @param uriTemplate the URI template or path rule pattern
	 * @param rejection writes the rejection
	 * @return {@code false}, having written nothing, if the timer is not known and the request must be observed in
	 * full
	 * @throws IOException if the rejection cannot be written, which is not recorded: the caller observes the failure
	 */
	boolean record(HttpServletRequest request, HttpServletResponse response, String uriTemplate,
			ShedRequestObserver.Rejection rejection) throws IOException {
		Timer timer = get(uriTemplate, request.getMethod());
		if (timer == null) {
			return false;
		}
		long start = this.clock.monotonicTime();
		rejection.write(request, response);
		timer.record(this.clock.monotonicTime() - start, TimeUnit.NANOSECONDS);
		return true;
	}

	/**
	 * Whether the timer of a URI template and method is known.
	 * @param uriTemplate the URI template or path rule pattern
	 * @param method the HTTP method
	 * @return whether shed requests for them are recorded directly
	 */
	boolean knows(String uriTemplate, String method) {
		return get(uriTemplate, method) != null;
	}

	/**
	 * Number of URI templates and path rule patterns whose timers are looked for.
	 * @return the count
	 */
	int size() {
		return this.byUriTemplate.size();
	}

	private @Nullable Timer get(String uriTemplate, String method) {
		AtomicReferenceArray<Object> timers = this.byUriTemplate.get(uriTemplate);
		int index = METHODS.indexOf(method);
		return (timers != null && index >= 0 && timers.get(index) instanceof Timer timer) ? timer : null;
	}

	/**
	 * Remember the timer that a completed, successful observation of a shed request was recorded in: the one
	 * Micrometer's meter handler registers under the observation's name and final low-cardinality key values, with no
	 * error. If there is no such timer (a meter filter denied it, for example), the URI template and method are
	 * observed in full from now on, without looking again.
	 * @param uriTemplate the URI template or path rule pattern
	 * @param method the request's method
	 * @param context the observation's context, after it stopped
	 */
	void remember(String uriTemplate, String method, Observation.Context context) {
		int index = METHODS.indexOf(method);
		if (index < 0) {
			return;
		}
		AtomicReferenceArray<Object> timers = this.byUriTemplate.computeIfAbsent(uriTemplate,
				(key) -> new AtomicReferenceArray<>(METHODS.size()));
		if (timers.get(index) != null) {
			return;
		}
		List<Tag> tags = new ArrayList<>();
		for (KeyValue keyValue : context.getLowCardinalityKeyValues()) {
			tags.add(Tag.of(keyValue.getKey(), keyValue.getValue()));
		}
		Collection<Timer> found = this.meterRegistry.find(context.getName())
			.tags(tags)
			.tag(ERROR_TAG, NO_ERROR)
			.timers();
		timers.compareAndSet(index, null, (found.size() == 1) ? found.iterator().next() : OBSERVE_IN_FULL);
	}

	private static void addHandling(ObservationHandler<?> handler, Observation.Context context,
			List<ObservationHandler<?>> handling) {
		@SuppressWarnings("unchecked")
		ObservationHandler<Observation.Context> each = (ObservationHandler<Observation.Context>) handler;
		if (!each.supportsContext(context)) {
			return;
		}
		if (handler instanceof FirstMatchingCompositeObservationHandler composite) {
			for (ObservationHandler<Observation.Context> member : composite.getHandlers()) {
				if (member.supportsContext(context)) {
					addHandling(member, context, handling);
					return;
				}
			}
		}
		else if (handler instanceof CompositeObservationHandler composite) {
			for (ObservationHandler<Observation.Context> member : composite.getHandlers()) {
				addHandling(member, context, handling);
			}
		}
		else {
			handling.add(handler);
		}
	}

	private static boolean onlyNameBased(Collection<?> filtersOrPredicates) {
		return filtersOrPredicates.stream()
			.allMatch((each) -> each.getClass().getName().equals(PROPERTIES_FILTER_PREDICATE));
	}

	private static Collection<?> field(ObservationConfig config, String name) {
		return (Collection<?>) fieldValue(config, name);
	}

	private static Object fieldValue(Object target, String name) {
		Field field = ReflectionUtils.findField(target.getClass(), name);
		if (field == null) {
			throw new IllegalStateException("no field " + name + " in " + target.getClass().getName());
		}
		ReflectionUtils.makeAccessible(field);
		Object value = ReflectionUtils.getField(field, target);
		if (value == null) {
			throw new IllegalStateException("field " + name + " of " + target.getClass().getName() + " is null");
		}
		return value;
	}

	private static @Nullable ShedRequestTimers none(String reason) {
		if (logger.isDebugEnabled()) {
			logger.debug("Every shed request is observed in full: " + reason);
		}
		return null;
	}

}
