package dev.resilience.benchmarks.shedding;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.resilience.shedding.LoadShedder;
import dev.resilience.shedding.LoadSheddingFilter;
import dev.resilience.shedding.PressureGauge;
import dev.resilience.shedding.PressureGauge.Capacity;
import dev.resilience.shedding.PressureGauge.Mode;
import dev.resilience.shedding.ShedRequestObserver;
import dev.resilience.shedding.ShedResponse;
import dev.resilience.shedding.Sheddable;
import dev.resilience.shedding.SheddableHandlers;
import dev.resilience.shedding.SheddingTier;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import org.apache.tomcat.util.threads.TaskQueue;
import org.apache.tomcat.util.threads.ThreadPoolExecutor;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.context.support.GenericApplicationContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Cost per request of the starter's accounting and shedding decision, against asking a 200-thread Tomcat executor
 * for its active count (what a pool-based signal has to do), with two threads contending.
 *
 * <p>The {@code ...Tiered} benchmarks repeat the starter's ones with tiers and path rules configured (two tiers, three
 * rules, handlers joining a tier by annotation), registered against a real request mapping, so that the cost of the
 * below-threshold path can be compared with and without them in the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(2)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SheddingDecisionBenchmark {

	private static final FilterChain SERVED = (request, response) -> {
	};

	private PressureGauge gauge;

	private SheddableHandlers handlers;

	private SheddableHandlers tieredHandlers;

	private LoadSheddingFilter filter;

	private LoadSheddingFilter tieredFilter;

	private MockHttpServletRequest request;

	private MockHttpServletResponse response;

	private HandlerMethod handler;

	private ThreadPoolExecutor tomcatExecutor;

	private GenericApplicationContext context;

	@Setup(Level.Trial)
	public void setUp() throws NoSuchMethodException {
		this.gauge = new PressureGauge(new Capacity(Mode.WORKER_POOL, 200, "benchmark"));
		this.context = new GenericApplicationContext();
		this.context.refresh();
		this.handlers = new SheddableHandlers(0.85);
		this.handlers.register(List.of(mapping(Reports.class)));
		this.tieredHandlers = new SheddableHandlers(0.85,
				List.of(new SheddingTier("batch", 0.6, List.of("GET /library/**", "POST /exports/{id}")),
						new SheddingTier("feeds", 0.5, List.of("/fn/**"))),
				(value) -> value);
		this.tieredHandlers.register(List.of(mapping(Reports.class, Library.class)));
		this.filter = filter(this.handlers);
		this.tieredFilter = filter(this.tieredHandlers);
		this.request = new MockHttpServletRequest("GET", "/reports/lyon");
		this.response = new MockHttpServletResponse();
		this.handler = new HandlerMethod(new Reports(), Reports.class.getMethod("report", String.class));
		TaskQueue queue = new TaskQueue();
		this.tomcatExecutor = new ThreadPoolExecutor(200, 200, 60, TimeUnit.SECONDS, queue);
		queue.setParent(this.tomcatExecutor);
		this.tomcatExecutor.prestartAllCoreThreads();
	}

	private RequestMappingHandlerMapping mapping(Class<?>... controllers) {
		GenericApplicationContext controllersContext = new GenericApplicationContext(this.context);
		for (Class<?> controller : controllers) {
			controllersContext.registerBean(controller);
		}
		controllersContext.refresh();
		RequestMappingHandlerMapping mapping = new RequestMappingHandlerMapping();
		mapping.setApplicationContext(controllersContext);
		mapping.afterPropertiesSet();
		return mapping;
	}

	private LoadSheddingFilter filter(SheddableHandlers handlers) {
		ShedResponse shedResponse = new ShedResponse(429, java.time.Duration.ofSeconds(1),
				java.time.Duration.ofSeconds(2), List.of());
		LoadShedder shedder = new LoadShedder(this.gauge, handlers, (uriTemplate, dryRun) -> {
		}, shedResponse, ShedRequestObserver.NONE, false);
		return new LoadSheddingFilter(this.gauge, shedder);
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.tomcatExecutor.shutdownNow();
		this.context.close();
	}

	/**
	 * What the starter does per request below the lowest threshold (almost always): count in, compare pressure with
	 * the lowest {@code @Sheddable} threshold, count out.
	 */
	@Benchmark
	public boolean starterAccountingAndDecision() {
		this.gauge.enter();
		try {
			return this.gauge.isAtOrAbove(this.handlers.lowestThreshold());
		}
		finally {
			this.gauge.exit();
		}
	}

	/** {@link #starterAccountingAndDecision()} with tiers and path rules configured. */
	@Benchmark
	public boolean starterAccountingAndDecisionTiered() {
		this.gauge.enter();
		try {
			return this.gauge.isAtOrAbove(this.tieredHandlers.lowestThreshold());
		}
		finally {
			this.gauge.exit();
		}
	}

	/**
	 * The whole filter below the threshold, as a request for a sheddable endpoint passes it: dispatcher type, count
	 * in, decision, the (empty) rest of the chain, count out.
	 * @throws IOException never
	 * @throws ServletException never
	 */
	@Benchmark
	public MockHttpServletResponse starterFilter() throws IOException, ServletException {
		this.filter.doFilter(this.request, this.response, SERVED);
		return this.response;
	}

	/**
	 * {@link #starterFilter()} with tiers and path rules configured.
	 * @throws IOException never
	 * @throws ServletException never
	 */
	@Benchmark
	public MockHttpServletResponse starterFilterTiered() throws IOException, ServletException {
		this.tieredFilter.doFilter(this.request, this.response, SERVED);
		return this.response;
	}

	/**
	 * The per-handler part of the decision once under pressure, after the handler is known: the cached annotation
	 * lookup and the comparison with the handler's own threshold.
	 */
	@Benchmark
	public boolean starterHandlerThreshold() {
		double threshold = this.handlers.thresholdOf(this.handler);
		return !Double.isNaN(threshold) && this.gauge.isAtOrAbove(threshold);
	}

	/** A pool-based signal: Tomcat's executor takes its main lock and walks all 200 workers. */
	@Benchmark
	public boolean tomcatGetActiveCount() {
		return this.tomcatExecutor.getActiveCount() >= 0.85 * this.tomcatExecutor.getMaximumPoolSize();
	}

	@RestController
	public static class Reports {

		@Sheddable
		@GetMapping("/reports/{city}")
		public String report(@PathVariable String city) {
			return "report";
		}

		@GetMapping("/critical")
		public String critical() {
			return "critical";
		}

	}

	@RestController
	public static class Library {

		@GetMapping("/library/books/{id}")
		public String book(@PathVariable String id) {
			return "book";
		}

		@Sheddable(tier = "batch")
		@GetMapping("/exports/{id}")
		public String export(@PathVariable String id) {
			return "export";
		}

	}

}
