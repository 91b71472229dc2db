package dev.resilience.selfhealing;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs against this JVM's real collectors: a full collection ({@link System#gc()}) with thresholds so low that any
 * heap and any pause exceed them.
 */
class MemoryMonitorTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@TempDir
	Path dumps;

	private final List<MemoryMonitor> started = new ArrayList<>();

	@Test
	void watchesOldGenerationPoolAndRestoresItsThresholdOnStop() {
		MemoryMonitor monitor = new MemoryMonitor(selfHealing(), 0.9, 0.5, 60_000);
		assertThat(monitor.getWatchedPools()).isNotEmpty()
			.allSatisfy((name) -> assertThat(MemoryMonitor.isOldGen(name)).isTrue());
		List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans()
			.stream()
			.filter((pool) -> monitor.getWatchedPools().contains(pool.getName()))
			.toList();
		List<Long> before = pools.stream().map(MemoryPoolMXBean::getCollectionUsageThreshold).toList();
		monitor.start();
		try {
			assertThat(monitor.isRunning()).isTrue();
			assertThat(pools).allSatisfy((pool) -> assertThat(pool.getCollectionUsageThreshold())
				.isEqualTo((long) (maxOf(pool) * 0.9)));
		}
		finally {
			monitor.stop();
		}
		assertThat(pools.stream().map(MemoryPoolMXBean::getCollectionUsageThreshold).toList()).isEqualTo(before);
		assertThat(monitor.isRunning()).isFalse();
	}

	@Test
	void oldGenerationAboveThresholdAfterCollectionIsFatal() throws Exception {
		SelfHealing selfHealing = selfHealing();
		MemoryMonitor monitor = started(new MemoryMonitor(selfHealing, 0.000001, 1.0, 60_000));
		awaitFatalWhileCollecting(selfHealing);
		assertThat(selfHealing.getFatality().cause()).isEqualTo(FatalCause.HEAP_AFTER_GC);
		assertThat(selfHealing.getFatality().detail()).contains("of its maximum after a collection (threshold 0%)");
		assertThat(monitor.getOldGenAfterGc()).isNotEmpty();
	}

	@Test
	void gcPausesAboveShareOfWindowAreFatal() throws Exception {
		SelfHealing selfHealing = selfHealing();
		started(new MemoryMonitor(selfHealing, 1.0, 0.000001, 1_000));
		awaitFatalWhileCollecting(selfHealing);
		assertThat(selfHealing.getFatality().cause()).isEqualTo(FatalCause.GC_OVERHEAD);
		assertThat(selfHealing.getFatality().detail()).contains("of wall time spent in GC pauses");
	}

	@Test
	void healthyJvmIsNotFatal() throws Exception {
		SelfHealing selfHealing = selfHealing();
		MemoryMonitor monitor = started(new MemoryMonitor(selfHealing, 0.99, 0.99, 60_000));
		System.gc();
		Thread.sleep(200);
		assertThat(selfHealing.isFatal()).isFalse();
		assertThat(monitor.getGcOverhead()).isLessThan(0.99);
	}

	@Test
	void concurrentPhasesAreNotPauses() {
		assertThat(MemoryMonitor.isConcurrentPhase("G1 Concurrent GC", "G1 Evacuation Pause")).isTrue();
		assertThat(MemoryMonitor.isConcurrentPhase("ZGC Cycles", "Allocation Rate")).isTrue();
		assertThat(MemoryMonitor.isConcurrentPhase("G1 Young Generation", "G1 Evacuation Pause")).isFalse();
		assertThat(MemoryMonitor.isConcurrentPhase("G1 Old Generation", "System.gc()")).isFalse();
	}

	@Test
	void recognisesOldGenerationPoolsOfEachCollector() {
		assertThat(List.of("G1 Old Gen", "PS Old Gen", "Tenured Gen", "ZHeap", "ZGC Old Generation", "Shenandoah"))
			.allSatisfy((name) -> assertThat(MemoryMonitor.isOldGen(name)).isTrue());
		assertThat(List.of("G1 Eden Space", "PS Survivor Space", "ZGC Young Generation", "Metaspace"))
			.allSatisfy((name) -> assertThat(MemoryMonitor.isOldGen(name)).isFalse());
	}

	@AfterEach
	void stopMonitors() {
		this.started.forEach(MemoryMonitor::stop);
	}

	private MemoryMonitor started(MemoryMonitor monitor) {
		monitor.start();
		this.started.add(monitor);
		return monitor;
	}

	private static void awaitFatalWhileCollecting(SelfHealing selfHealing) throws InterruptedException {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (!selfHealing.isFatal() && System.nanoTime() < deadline) {
			System.gc();
			Thread.sleep(100);
		}
		assertThat(selfHealing.isFatal()).as("fatal after System.gc()").isTrue();
	}

	private static long maxOf(MemoryPoolMXBean pool) {
		long max = pool.getUsage().getMax();
		return (max > 0) ? max : Runtime.getRuntime().maxMemory();
	}

	private SelfHealing selfHealing() {
		return TestSelfHealing.reportOnly(this.dumps);
	}

}
