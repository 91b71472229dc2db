package dev.resilience.shedding;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.http.server.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * What {@link ServerRequestShedObserver} records for registries set up in ways a test application cannot easily
 * reach: the failure path, which a real server cannot be made to take on demand (a rejection that cannot be written is
 * observed once, as the observation filter records a failed request), and which configurations let later shed
 * requests be recorded in their timer directly and which keep every one observed in full.
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

	@Test
	void laterShedRequestsOfAMeterOnlyRegistryAreRecordedInTheSameTimerDirectly() throws Exception {
		ServerRequestShedObserver observer = new ServerRequestShedObserver(this.observations,
				new DefaultServerRequestObservationConvention());
		shed(observer, "GET", "/reports/lyon", "/reports/{city}");
		assertThat(observer.recordsDirectly("/reports/{city}", "GET")).isTrue();
		assertThat(observer.recordsDirectly("/reports/{city}", "POST")).isFalse();
		assertThat(observer.recordsDirectly("/orders/{id}", "GET")).isFalse();
		for (int i = 0; i < 49; i++) {
			shed(observer, "GET", "/reports/paris-" + i, "/reports/{city}");
		}
		Timer timer = this.meters.get("http.server.requests").timer();
		assertThat(timer.count()).isEqualTo(50);
		assertThat(timer.getId().getTag("uri")).isEqualTo("/reports/{city}");
		assertThat(timer.getId().getTag("status")).isEqualTo("429");
		assertThat(timer.getId().getTag("error")).isEqualTo("none");
		assertThat(this.meters.get("http.server.requests.active").longTaskTimer().activeTasks()).isZero();
		shed(observer, "POST", "/reports/lyon", "/reports/{city}");
		assertThat(this.meters.get("http.server.requests").tag("method", "POST").timer().count()).isEqualTo(1);
		assertThat(this.meters.get("http.server.requests").tag("method", "GET").timer().count()).isEqualTo(50);
	}

	@Test
	void aShedRequestRecordedDirectlyAllocatesAFractionOfAFullObservation() throws Exception {
		ServerRequestShedObserver direct = new ServerRequestShedObserver(this.observations,
				new DefaultServerRequestObservationConvention());
		ObservationRegistry withSecondHandler = ObservationRegistry.create();
		withSecondHandler.observationConfig()
			.observationHandler(new DefaultMeterObservationHandler(new SimpleMeterRegistry()))
			.observationHandler(new CountingHandler());
		ServerRequestShedObserver full = new ServerRequestShedObserver(withSecondHandler,
				new DefaultServerRequestObservationConvention());
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/reports/lyon");
		MockHttpServletResponse response = new MockHttpServletResponse();
		long directBytes = allocatedPerShedRequest(direct, request, response);
		long fullBytes = allocatedPerShedRequest(full, request, response);
		assertThat(directBytes).isLessThan(64);
		assertThat(fullBytes).isGreaterThan(500);
	}

	@Test
	void bootsGroupingOfMeterHandlersStillQualifies() throws Exception {
		ObservationRegistry grouped = ObservationRegistry.create();
		grouped.observationConfig()
			.observationHandler(new FirstMatchingCompositeObservationHandler(
					new DefaultMeterObservationHandler(this.meters)));
		ServerRequestShedObserver observer = new ServerRequestShedObserver(grouped,
				new DefaultServerRequestObservationConvention());
		shed(observer, "GET", "/reports/lyon", "/reports/{city}");
		shed(observer, "GET", "/reports/nice", "/reports/{city}");
		assertThat(observer.recordsDirectly("/reports/{city}", "GET")).isTrue();
		assertThat(this.meters.get("http.server.requests").timer().count()).isEqualTo(2);
	}

	@Test
	void aSecondHandlerSuchAsTracingSeesEveryShedRequest() throws Exception {
		CountingHandler handler = new CountingHandler();
		this.observations.observationConfig().observationHandler(handler);
		ServerRequestShedObserver observer = new ServerRequestShedObserver(this.observations,
				new DefaultServerRequestObservationConvention());
		for (int i = 0; i < 20; i++) {
			shed(observer, "GET", "/reports/" + i, "/reports/{city}");
		}
		assertThat(handler.stopped).hasValue(20);
		assertThat(observer.recordsDirectly("/reports/{city}", "GET")).isFalse();
		assertThat(this.meters.get("http.server.requests").timer().count()).isEqualTo(20);
	}

	@Test
	void anApplicationsOwnFilterKeepsEveryShedRequestObservedInFull() throws Exception {
		AtomicInteger filtered = new AtomicInteger();
		this.observations.observationConfig().observationFilter((context) -> {
			filtered.incrementAndGet();
			return context.addLowCardinalityKeyValue(KeyValue.of("zone", "a"));
		});
		ServerRequestShedObserver observer = new ServerRequestShedObserver(this.observations,
				new DefaultServerRequestObservationConvention());
		for (int i = 0; i < 5; i++) {
			shed(observer, "GET", "/reports/" + i, "/reports/{city}");
		}
		assertThat(filtered).hasValue(5);
		assertThat(observer.recordsDirectly("/reports/{city}", "GET")).isFalse();
		assertThat(this.meters.get("http.server.requests").tag("zone", "a").timer().count()).isEqualTo(5);
	}

	@Test
	void anApplicationsOwnConventionKeepsEveryShedRequestObservedInFull() throws Exception {
		AtomicInteger computed = new AtomicInteger();
		ServerRequestShedObserver observer = new ServerRequestShedObserver(this.observations,
				new DefaultServerRequestObservationConvention() {
					@Override
					public String getContextualName(ServerRequestObservationContext context) {
						computed.incrementAndGet();
						return super.getContextualName(context);
					}
				});
		for (int i = 0; i < 5; i++) {
			shed(observer, "GET", "/reports/" + i, "/reports/{city}");
		}
		assertThat(computed).hasValue(5);
		assertThat(observer.recordsDirectly("/reports/{city}", "GET")).isFalse();
	}

	@Test
	void aNonStandardMethodIsAlwaysObservedInFull() throws Exception {
		ServerRequestShedObserver observer = new ServerRequestShedObserver(this.observations,
				new DefaultServerRequestObservationConvention());
		shed(observer, "PROPFIND", "/reports/lyon", "/reports/{city}");
		shed(observer, "PROPFIND", "/reports/nice", "/reports/{city}");
		assertThat(observer.recordsDirectly("/reports/{city}", "PROPFIND")).isFalse();
		assertThat(this.meters.get("http.server.requests").timer().count()).isEqualTo(2);
	}

	@Test
	void aFailureAfterTheTimerIsKnownIsObservedAsAServerErrorAndLeavesTheTimerAlone() throws Exception {
		ServerRequestShedObserver observer = new ServerRequestShedObserver(this.observations,
				new DefaultServerRequestObservationConvention());
		shed(observer, "GET", "/reports/lyon", "/reports/{city}");
		assertThat(observer.recordsDirectly("/reports/{city}", "GET")).isTrue();
		MockHttpServletResponse response = new MockHttpServletResponse();
		assertThatIllegalStateException()
			.isThrownBy(() -> observer.observe(new MockHttpServletRequest("GET", "/reports/nice"), response,
					"/reports/{city}", (req, res) -> {
						res.setStatus(429);
						throw new IllegalStateException("not written");
					}));
		assertThat(response.getStatus()).isEqualTo(500);
		assertThat(this.meters.get("http.server.requests").tag("status", "429").timer().count()).isEqualTo(1);
		Timer failed = this.meters.get("http.server.requests").tag("status", "500").timer();
		assertThat(failed.count()).isEqualTo(1);
		assertThat(failed.getId().getTag("exception")).isEqualTo("IllegalStateException");
	}

	@Test
	void aTimerThatAMeterFilterDeniesIsLookedForOnceAndTheShedRequestsStayObservedInFull() throws Exception {
		AtomicInteger searches = new AtomicInteger();
		SimpleMeterRegistry meters = new SimpleMeterRegistry() {
			@Override
			public Search find(String name) {
				searches.incrementAndGet();
				return super.find(name);
			}
		};
		meters.config().meterFilter(MeterFilter.denyNameStartsWith("http.server.requests"));
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
		ServerRequestShedObserver observer = new ServerRequestShedObserver(observations,
				new DefaultServerRequestObservationConvention());
		MockHttpServletResponse response = new MockHttpServletResponse();
		for (int i = 0; i < 5; i++) {
			observer.observe(new MockHttpServletRequest("GET", "/reports/" + i), response, "/reports/{city}",
					(req, res) -> res.setStatus(429));
		}
		assertThat(response.getStatus()).isEqualTo(429);
		assertThat(observer.recordsDirectly("/reports/{city}", "GET")).isFalse();
		assertThat(meters.find("http.server.requests").timers()).isEmpty();
		assertThat(searches).hasValue(2); // the observer's one, and the assertion's
	}

	private static void shed(ServerRequestShedObserver observer, String method, String path, String uriTemplate)
			throws Exception {
		observer.observe(new MockHttpServletRequest(method, path), new MockHttpServletResponse(), uriTemplate,
				(req, res) -> res.setStatus(429));
	}

	private static long allocatedPerShedRequest(ServerRequestShedObserver observer, MockHttpServletRequest request,
			MockHttpServletResponse response) throws Exception {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
			.getThreadMXBean();
		ShedRequestObserver.Rejection rejection = (req, res) -> res.setStatus(429);
		for (int i = 0; i < 20_000; i++) {
			observer.observe(request, response, "/reports/{city}", rejection);
		}
		int shedRequests = 20_000;
		long before = threads.getCurrentThreadAllocatedBytes();
		for (int i = 0; i < shedRequests; i++) {
			observer.observe(request, response, "/reports/{city}", rejection);
		}
		return (threads.getCurrentThreadAllocatedBytes() - before) / shedRequests;
	}

	static final class CountingHandler implements ObservationHandler<Observation.Context> {

		final AtomicInteger stopped = new AtomicInteger();

		@Override
		public void onStop(Observation.Context context) {
			this.stopped.incrementAndGet();
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

	}

}
