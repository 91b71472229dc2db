package dev.resilience.benchmarks.shedding;

import java.util.concurrent.TimeUnit;

import dev.resilience.shedding.PressureGauge;
import dev.resilience.shedding.PressureGauge.Capacity;
import dev.resilience.shedding.PressureGauge.Mode;
import dev.resilience.shedding.Sheddable;
import dev.resilience.shedding.SheddableHandlers;
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

import org.springframework.web.method.HandlerMethod;

/**
 * Cost per request of the starter's accounting and shedding decision, against asking a 200-thread Tomcat executor
 * for its active count (what a pool-based signal has to do), with two threads contending.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(2)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SheddingDecisionBenchmark {

	private PressureGauge gauge;

	private SheddableHandlers handlers;

	private HandlerMethod handler;

	private ThreadPoolExecutor tomcatExecutor;

	@Setup(Level.Trial)
	public void setUp() throws NoSuchMethodException {
		this.gauge = new PressureGauge(new Capacity(Mode.WORKER_POOL, 200, "benchmark"));
		this.handlers = new SheddableHandlers(0.85);
		this.handler = new HandlerMethod(new Reports(), Reports.class.getMethod("report"));
		TaskQueue queue = new TaskQueue();
		this.tomcatExecutor = new ThreadPoolExecutor(200, 200, 60, TimeUnit.SECONDS, queue);
		queue.setParent(this.tomcatExecutor);
		this.tomcatExecutor.prestartAllCoreThreads();
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.tomcatExecutor.shutdownNow();
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

	public static class Reports {

		@Sheddable
		public String report() {
			return "report";
		}

	}

}
