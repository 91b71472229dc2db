package dev.resilience.benchmarks.overload;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.resilience.shedding.LoadShedder;
import dev.resilience.shedding.LoadSheddingFilter;
import dev.resilience.shedding.PressureGauge;
import dev.resilience.shedding.PressureGauge.Capacity;
import dev.resilience.shedding.PressureGauge.Mode;
import dev.resilience.shedding.ServerRequestShedObserver;
import dev.resilience.shedding.ShedRequestObserver;
import dev.resilience.shedding.ShedResponse;
import dev.resilience.shedding.SheddableHandlers;
import dev.resilience.shedding.SheddingMetrics;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.context.support.GenericApplicationContext;
import org.springframework.http.server.observation.DefaultServerRequestObservationConvention;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * One rejection of {@code GET /expensive}, in process, without a server: the starter's filter (with shed requests
 * recorded in {@code http.server.requests} through Micrometer's meter handler alone, as Boot's actuator sets it up
 * without tracing, so that later ones go to their timer directly; with a second handler, as tracing adds, so that
 * each one is observed in full; and without recording) against the spike scenario's resilience4j bulkhead filter
 * with a full bulkhead. Run it with
 * {@code -prof gc} for the bytes allocated per rejection; {@link #mockRequestOnly()} is what creating the mock
 * request and response costs every benchmark.
 */
@State(Scope.Thread)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ShedRejectionBenchmark {

	private static final FilterChain NEVER = (request, response) -> {
		throw new IllegalStateException("a rejected request went on");
	};

	private GenericApplicationContext context;

	private LoadSheddingFilter observed;

	private LoadSheddingFilter observedInFull;

	private LoadSheddingFilter unobserved;

	private BulkheadFilter bulkhead;

	@Setup(Level.Trial)
	public void setUp() {
		this.context = new GenericApplicationContext();
		this.context.registerBean(SpikeController.class);
		this.context.refresh();
		RequestMappingHandlerMapping mapping = new RequestMappingHandlerMapping();
		mapping.setApplicationContext(this.context);
		mapping.afterPropertiesSet();
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
		this.observed = filter(mapping, meters,
				new ServerRequestShedObserver(observations, new DefaultServerRequestObservationConvention()));
		ObservationRegistry withAnotherHandler = ObservationRegistry.create();
		withAnotherHandler.observationConfig()
			.observationHandler(new DefaultMeterObservationHandler(meters))
			.observationHandler((context) -> true);
		this.observedInFull = filter(mapping, meters,
				new ServerRequestShedObserver(withAnotherHandler, new DefaultServerRequestObservationConvention()));
		this.unobserved = filter(mapping, meters, ShedRequestObserver.NONE);
		Bulkhead full = Bulkhead.of("expensive",
				BulkheadConfig.custom().maxConcurrentCalls(16).maxWaitDuration(Duration.ZERO).build());
		for (int i = 0; i < 16; i++) {
			full.tryAcquirePermission();
		}
		this.bulkhead = new BulkheadFilter(full);
	}

	private static LoadSheddingFilter filter(RequestMappingHandlerMapping mapping, SimpleMeterRegistry meters,
			ShedRequestObserver observer) {
		PressureGauge gauge = new PressureGauge(new Capacity(Mode.WORKER_POOL, 20, "benchmark"));
		for (int i = 0; i < 16; i++) {
			gauge.enter(); // 16 expensive calls running: the 17th request is shed at 0.85
		}
		SheddableHandlers handlers = new SheddableHandlers(0.85);
		handlers.register(List.of(mapping));
		SheddingMetrics metrics = new SheddingMetrics(gauge, handlers, () -> false);
		metrics.bindTo(meters);
		ShedResponse response = new ShedResponse(429, Duration.ofSeconds(1), Duration.ofSeconds(2), List.of());
		return new LoadSheddingFilter(gauge, new LoadShedder(gauge, handlers, metrics, response, observer, false));
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.context.close();
	}

	@Benchmark
	public MockHttpServletResponse mockRequestOnly() {
		new MockHttpServletRequest("GET", SpikeController.EXPENSIVE_PATH);
		return new MockHttpServletResponse();
	}

	@Benchmark
	public MockHttpServletResponse starterObserved() throws IOException, ServletException {
		return reject(this.observed::doFilter);
	}

	@Benchmark
	public MockHttpServletResponse starterObservedInFull() throws IOException, ServletException {
		return reject(this.observedInFull::doFilter);
	}

	@Benchmark
	public MockHttpServletResponse starterUnobserved() throws IOException, ServletException {
		return reject(this.unobserved::doFilter);
	}

	@Benchmark
	public MockHttpServletResponse resilience4jBulkhead() throws IOException, ServletException {
		return reject(this.bulkhead::doFilter);
	}

	private static MockHttpServletResponse reject(FilterCall filter) throws IOException, ServletException {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", SpikeController.EXPENSIVE_PATH);
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(request, response, NEVER);
		if (response.getStatus() != 429) {
			throw new IllegalStateException("not rejected: " + response.getStatus());
		}
		return response;
	}

	@FunctionalInterface
	private interface FilterCall {

		void doFilter(MockHttpServletRequest request, MockHttpServletResponse response, FilterChain chain)
				throws IOException, ServletException;

	}

}
