package dev.resilience.shedding;

import java.io.IOException;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.server.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.observation.ServerHttpObservationDocumentation;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.http.server.observation.ServerRequestObservationConvention;

/**
 * Records each shed request as the {@code http.server.requests} observation that Spring's
 * {@code ServerHttpObservationFilter}, which a shed request never reaches, would have recorded: same documentation,
 * same convention, so the timer (status, outcome, method, URI template) and, when tracing is on, the server span look
 * like those of any other request. The {@code uri} is the handler's URI template or the path rule's pattern, never
 * the raw path.
 *
 * <p>Nothing is allocated while the registry is a no-op. Like the observation filter, a failure to write the
 * rejection is recorded as the observation's error with status {@code 500}.
 */
public class ServerRequestShedObserver implements ShedRequestObserver {

	private static final ServerRequestObservationConvention DEFAULT_CONVENTION =
			new DefaultServerRequestObservationConvention();

	private final ObservationRegistry registry;

	private final ServerRequestObservationConvention convention;

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
		ServerRequestObservationContext context = new ServerRequestObservationContext(request, response);
		context.setPathPattern(uriTemplate);
		Observation observation = ServerHttpObservationDocumentation.HTTP_SERVLET_SERVER_REQUESTS
			.observation(this.convention, DEFAULT_CONVENTION, () -> context, this.registry)
			.start();
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
	}

}
