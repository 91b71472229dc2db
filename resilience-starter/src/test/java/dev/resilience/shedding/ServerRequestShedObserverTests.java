package dev.resilience.shedding;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.http.server.observation.DefaultServerRequestObservationConvention;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The failure path of {@link ServerRequestShedObserver}, which a real server cannot be made to take on demand: a
 * rejection that cannot be written is observed once, as the observation filter records a failed request.
 */
class ServerRequestShedObserverTests {

	private final MeterRegistry meters = new SimpleMeterRegistry();

	private final ObservationRegistry observations = ObservationRegistry.create();

	ServerRequestShedObserverTests() {
		this.observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(this.meters));
	}

	@Test
	void rejectionThatCannotBeWrittenIsObservedOnceAsAServerErrorAndRethrown() {
		ServerRequestShedObserver observer = new ServerRequestShedObserver(this.observations,
				new DefaultServerRequestObservationConvention());
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/reports/lyon");
		MockHttpServletResponse response = new MockHttpServletResponse();
		assertThatIllegalStateException().isThrownBy(() -> observer.observe(request, response, "/reports/{city}",
				(req, res) -> {
					res.setStatus(429);
					throw new IllegalStateException("not written");
				}));
		Timer timer = this.meters.get("http.server.requests").timer();
		assertThat(timer.count()).isEqualTo(1);
		assertThat(timer.getId().getTag("status")).isEqualTo("500");
		assertThat(timer.getId().getTag("uri")).isEqualTo("/reports/{city}");
		assertThat(timer.getId().getTag("exception")).isEqualTo("IllegalStateException");
	}

	@Test
	void noopRegistryOnlyWritesTheRejection() throws Exception {
		ServerRequestShedObserver observer = new ServerRequestShedObserver(ObservationRegistry.NOOP,
				new DefaultServerRequestObservationConvention());
		MockHttpServletResponse response = new MockHttpServletResponse();
		observer.observe(new MockHttpServletRequest("GET", "/reports/lyon"), response, "/reports/{city}",
				(req, res) -> res.setStatus(429));
		assertThat(response.getStatus()).isEqualTo(429);
		assertThat(this.meters.getMeters()).isEmpty();
	}

}
