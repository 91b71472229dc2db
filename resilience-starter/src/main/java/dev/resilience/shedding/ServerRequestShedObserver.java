package dev.resilience.shedding;

import java.io.IOException;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.server.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.observation.ServerHttpObservationDocumentation;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.http.server.observation.ServerRequestObservationConvention;
import org.springframework.util.ClassUtils;

/**
 * Records each shed request as the {@code http.server.requests} observation that Spring's
 * {@code ServerHttpObservationFilter}, which a shed request never reaches, would have recorded: same documentation,
 * same convention, so the timer (status, outcome, method, URI template) and, when tracing is on, the server span look
 * like those of any other request. The {@code uri} is the handler's URI template or the path rule's pattern, never
 * the raw path.
 *
 * <p>A shed request must not cost more than the rejection it is: when the registry would do nothing with the
 * observation but record it in a timer (Micrometer's meter handler only, no tracing, no handler, filter or predicate
 * of the application's own, Spring's default convention), the first shed request of each URI template and method is
 * observed in full and the later ones are recorded in the timer it was recorded in, directly, without allocating.
 * The series are the same; only the {@code http.server.requests.active} long-task timer, which a rejection occupies
 * for microseconds, does not see the later ones. With any other configuration every shed request is observed in
 * full. The configuration is examined at the first shed request.
 *
 * <p>Nothing is allocated while the registry is a no-op. Like the observation filter, a failure to write the
 * rejection is recorded as the observation's error with status {@code 500}.
 */
public class ServerRequestShedObserver implements ShedRequestObserver {

	private static final ServerRequestObservationConvention DEFAULT_CONVENTION =
			new DefaultServerRequestObservationConvention();

	private static final boolean METERS_PRESENT = ClassUtils.isPresent(
			"io.micrometer.core.instrument.observation.DefaultMeterObservationHandler",
			ServerRequestShedObserver.class.getClassLoader());

	private final ObservationRegistry registry;

	private final ServerRequestObservationConvention convention;

	private volatile boolean examined;

	private volatile @Nullable ShedRequestTimers timers;

	/**
	 * Create an observer.
	 * @param registry the registry the observations are made in
	 * @param convention the convention of the application's {@code http.server.requests} observations
	 */
	public ServerRequestShedObserver(ObservationRegistry registry, ServerRequestObservationConvention convention) {
		this.registry = registry;
		this.convention = convention;
	}

	@Override
	public void observe(HttpServletRequest request, HttpServletResponse response, String uriTemplate,
			Rejection rejection) throws IOException {
		if (this.registry.isNoop()) {
			rejection.write(request, response);
			return;
		}
		ShedRequestTimers timers = this.timers;
		if (timers != null) {
			try {
				if (timers.record(request, response, uriTemplate, rejection)) {
					return;
				}
			}
			catch (IOException | RuntimeException ex) {
				observeFailure(request, response, uriTemplate, ex);
				throw ex;
			}
		}
		observeInFull(request, response, uriTemplate, rejection);
	}

	/**
	 * Whether shed requests for a URI template and method are now recorded in their timer directly rather than
	 * observed in full.
	 * @param uriTemplate the URI template or path rule pattern
	 * @param method the HTTP method
	 * @return whether they are recorded directly
	 */
	boolean recordsDirectly(String uriTemplate, String method) {
		ShedRequestTimers timers = this.timers;
		return timers != null && timers.knows(uriTemplate, method);
	}

	/**
	 * Number of URI templates and path rule patterns whose shed requests are, or are about to be, recorded directly:
	 * bounded by the application's mappings and path rules, whatever paths clients send.
	 * @return the count
	 */
	int uriTemplatesRemembered() {
		ShedRequestTimers timers = this.timers;
		return (timers != null) ? timers.size() : 0;
	}

	private void observeInFull(HttpServletRequest request, HttpServletResponse response, String uriTemplate,
			Rejection rejection) throws IOException {
		ServerRequestObservationContext context = context(request, response, uriTemplate);
		Observation observation = start(context);
		try {
			rejection.write(request, response);
		}
		catch (IOException | RuntimeException ex) {
			observation.error(ex);
			response.setStatus(HttpStatus.INTERNAL_SERVER_ERROR.value());
			throw ex;
		}
		finally {
			observation.stop();
		}
		if (!observation.isNoop()) {
			ShedRequestTimers timers = timers(context);
			if (timers != null) {
				timers.remember(uriTemplate, request.getMethod(), context);
			}
		}
	}

	private void observeFailure(HttpServletRequest request, HttpServletResponse response, String uriTemplate,
			Throwable failure) {
		response.setStatus(HttpStatus.INTERNAL_SERVER_ERROR.value());
		start(context(request, response, uriTemplate)).error(failure).stop();
	}

	private @Nullable ShedRequestTimers timers(ServerRequestObservationContext context) {
		if (!this.examined) {
			this.timers = METERS_PRESENT ? ShedRequestTimers.of(this.registry, this.convention, context) : null;
			this.examined = true;
		}
		return this.timers;
	}

	private static ServerRequestObservationContext context(HttpServletRequest request, HttpServletResponse response,
			String uriTemplate) {
		ServerRequestObservationContext context = new ServerRequestObservationContext(request, response);
		context.setPathPattern(uriTemplate);
		return context;
	}

	private Observation start(ServerRequestObservationContext context) {
		return ServerHttpObservationDocumentation.HTTP_SERVLET_SERVER_REQUESTS
			.observation(this.convention, DEFAULT_CONVENTION, () -> context, this.registry)
			.start();
	}

}
