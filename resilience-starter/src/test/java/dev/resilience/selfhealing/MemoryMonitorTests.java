package dev.resilience.selfhealing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.resilience.selfhealing.MemoryMonitor.Collection;
import dev.resilience.selfhealing.MemoryMonitor.Settings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Decisions on sequences of collections shaped like each collector's (driven through
 * {@link MemoryMonitor#onCollection}), and the notification path on this JVM's real collector.
 */
class MemoryMonitorTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String G1_YOUNG = "G1 Young Generation";

	@TempDir
	Path dumps;

	private final List<MemoryMonitor> started = new ArrayList<>();

	private SelfHealing selfHealing;

	private MemoryMonitor monitor;

	private long clock;

	private long gap = 1_000;

	@Test
	void classifiesEachCollectorsNotificationsOnJdk17AndLater() {
		assertThat(MemoryMonitor.classify("G1 Young Generation", "end of minor GC")).isEqualTo(Collection.YOUNG_PAUSE);
		assertThat(MemoryMonitor.classify("G1 Old Generation", "end of major GC")).isEqualTo(Collection.FULL_PAUSE);
		assertThat(MemoryMonitor.classify("G1 Concurrent GC", "end of concurrent GC pause"))
			.isEqualTo(Collection.PAUSE);
		assertThat(MemoryMonitor.classify("PS Scavenge", "end of minor GC")).isEqualTo(Collection.YOUNG_PAUSE);
		assertThat(MemoryMonitor.classify("PS MarkSweep", "end of major GC")).isEqualTo(Collection.FULL_PAUSE);
		assertThat(MemoryMonitor.classify("Copy", "end of minor GC")).isEqualTo(Collection.YOUNG_PAUSE);
		assertThat(MemoryMonitor.classify("MarkSweepCompact", "end of major GC")).isEqualTo(Collection.FULL_PAUSE);
		assertThat(MemoryMonitor.classify("ZGC Cycles", "end of GC cycle")).isEqualTo(Collection.WHOLE_HEAP_CYCLE);
		assertThat(MemoryMonitor.classify("ZGC Major Cycles", "end of GC cycle"))
			.isEqualTo(Collection.WHOLE_HEAP_CYCLE);
		assertThat(MemoryMonitor.classify("ZGC Minor Cycles", "end of GC cycle")).isEqualTo(Collection.YOUNG_CYCLE);
		assertThat(MemoryMonitor.classify("ZGC Pauses", "end of GC pause")).isEqualTo(Collection.IGNORED);
		assertThat(MemoryMonitor.classify("ZGC Major Pauses", "end of GC pause")).isEqualTo(Collection.IGNORED);
		assertThat(MemoryMonitor.classify("Shenandoah Cycles", "end of GC cycle"))
			.isEqualTo(Collection.WHOLE_HEAP_CYCLE);
		assertThat(MemoryMonitor.classify("Shenandoah Pauses", "Degenerated GC")).isEqualTo(Collection.PAUSE);
		assertThat(MemoryMonitor.classify("Some Vendor Old", "end of major GC")).isEqualTo(Collection.FULL_PAUSE);
		assertThat(MemoryMonitor.classify("Some Vendor Concurrent", "end of GC cycle")).isEqualTo(Collection.IGNORED);
	}

	@Test
	void g1YoungPausesOverOldGarbageNeverDecide() {
		// the healthy service: old gen full of garbage that marking has not found, 92% after young pauses
		monitor(Settings.defaults());
		for (int i = 0; i < 1_000; i++) {
			pause(G1_YOUNG, Collection.YOUNG_PAUSE, 5, 0.92, false);
		}
		assertThat(this.selfHealing.isFatal()).isFalse();
		assertThat(this.monitor.getHeapAfterGc()).isNaN();
	}

	@Test
	void g1MixedCollectionsAboveThresholdNeitherDecideNorDegrade() {
		monitor(Settings.defaults());
		for (int i = 0; i < 100; i++) {
			pause(G1_YOUNG, Collection.YOUNG_PAUSE, 5, 0.93, true);
		}
		assertThat(this.selfHealing.isFatal()).isFalse();
		assertThat(this.monitor.getHeapAfterGc()).isNaN();
		assertThat(this.monitor.isDegraded()).isFalse();
		pause("G1 Old Generation", Collection.FULL_PAUSE, 50, 0.93, true);
		assertThat(this.monitor.getDegradedReason()).startsWith("heap after GC at 93% of the usable heap");
	}

	@Test
	void fullCollectionsAboveThresholdInARowAreFatal() {
		monitor(Settings.defaults());
		pause("G1 Old Generation", Collection.FULL_PAUSE, 50, 0.95, true);
		pause("G1 Old Generation", Collection.FULL_PAUSE, 50, 0.96, true);
		assertThat(this.selfHealing.isFatal()).isFalse();
		assertThat(this.monitor.getHeapAfterGcStreak()).isEqualTo(2);
		pause("G1 Old Generation", Collection.FULL_PAUSE, 50, 0.97, true);
		assertThat(this.selfHealing.getFatality().cause()).isEqualTo(FatalCause.HEAP_AFTER_GC);
		assertThat(this.selfHealing.getFatality().detail())
			.startsWith("heap holds 97% of its usable " + (this.monitor.getMaxHeap() >> 20)
					+ " MiB after 3 collections in a row that reclaim the whole heap (G1 Old Generation;"
					+ " threshold 90%)");
	}

	@Test
	void anyCollectionBelowThresholdStartsTheCountAgain() {
		monitor(Settings.defaults());
		pause("PS MarkSweep", Collection.FULL_PAUSE, 50, 0.95, false);
		pause("PS MarkSweep", Collection.FULL_PAUSE, 50, 0.95, false);
		pause("PS MarkSweep", Collection.FULL_PAUSE, 50, 0.6, false);
		pause("PS MarkSweep", Collection.FULL_PAUSE, 50, 0.95, false);
		pause("PS MarkSweep", Collection.FULL_PAUSE, 50, 0.95, false);
		pause(G1_YOUNG, Collection.YOUNG_PAUSE, 5, 0.7, true);
		pause("PS MarkSweep", Collection.FULL_PAUSE, 50, 0.95, false);
		pause("PS MarkSweep", Collection.FULL_PAUSE, 50, 0.95, false);
		assertThat(this.selfHealing.isFatal()).isFalse();
		pause("PS MarkSweep", Collection.FULL_PAUSE, 50, 0.95, false);
		assertThat(this.selfHealing.getFatality().cause()).isEqualTo(FatalCause.HEAP_AFTER_GC);
	}

	@Test
	void concurrentCyclesMeasureHeapButTheirTimeCountsOnlyWhenAStallStartedThem() {
		monitor(new Settings(0.9, 3, 0.8, 0.25, Duration.ofMinutes(1), 5, Duration.ofSeconds(5)));
		for (int i = 0; i < 100; i++) {
			cycle("ZGC Major Cycles", Collection.WHOLE_HEAP_CYCLE, "Allocation Rate", 1_000, 0.6);
		}
		assertThat(this.selfHealing.isFatal()).isFalse();
		assertThat(this.monitor.getGcTimeDeficit()).isZero();
		assertThat(this.monitor.getHeapAfterGc()).isEqualTo(0.6, within(0.001));
		for (int i = 0; i < 10 && !this.selfHealing.isFatal(); i++) {
			cycle("ZGC Minor Cycles", Collection.YOUNG_CYCLE, "Allocation Stall", 1_000, 0.6);
		}
		assertThat(this.selfHealing.getFatality().cause()).isEqualTo(FatalCause.GC_OVERHEAD);
		assertThat(this.selfHealing.getFatality().detail()).startsWith("GC time exceeded 5 times the run time by 5.");
	}

	@Test
	void backToBackPausesAreAGcDeathSpiralAndBurstsAreNot() {
		monitor(new Settings(1, 3, 1, 1, Duration.ofMinutes(1), 5, Duration.ofSeconds(10)));
		this.gap = 100;
		for (int i = 0; i < 200; i++) {
			pause("Copy", Collection.YOUNG_PAUSE, 200, 0.5, false);
		}
		assertThat(this.selfHealing.isFatal()).as("67% of the time in GC for 60 s").isFalse();
		this.gap = 20;
		for (int i = 0; i < 20 && !this.selfHealing.isFatal(); i++) {
			pause("MarkSweepCompact", Collection.FULL_PAUSE, 1_000, 0.5, false);
		}
		assertThat(this.selfHealing.getFatality().cause()).isEqualTo(FatalCause.GC_OVERHEAD);
	}

	@Test
	void degradedLevelHasHysteresis() {
		monitor(Settings.defaults());
		pause("MarkSweepCompact", Collection.FULL_PAUSE, 10, 0.82, false);
		assertThat(this.monitor.isDegraded()).isTrue();
		pause("MarkSweepCompact", Collection.FULL_PAUSE, 10, 0.77, false);
		assertThat(this.monitor.isDegraded()).as("above 80% - 5 points").isTrue();
		pause("MarkSweepCompact", Collection.FULL_PAUSE, 10, 0.74, false);
		assertThat(this.monitor.isDegraded()).isFalse();
		pause("MarkSweepCompact", Collection.FULL_PAUSE, 10, 0.79, false);
		assertThat(this.monitor.isDegraded()).as("not entered again below 80%").isFalse();
		assertThat(this.selfHealing.isFatal()).isFalse();
	}

	@Test
	void realFullCollectionIsMeasuredAndHealthyHeapIsNotFatal() throws Exception {
		SelfHealing healing = TestSelfHealing.reportOnly(this.dumps);
		MemoryMonitor real = started(new MemoryMonitor(healing, Settings.defaults()));
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (Double.isNaN(real.getHeapAfterGc()) && System.nanoTime() < deadline) {
			System.gc();
			Thread.sleep(100);
		}
		assertThat(real.getHeapAfterGc()).isBetween(0.0, 0.9);
		assertThat(real.getHeapAfterGcCollection()).isIn(real.getCollectors());
		assertThat(healing.isFatal()).isFalse();
	}

	@Test
	void realFullCollectionsAboveATinyThresholdAreFatal() throws Exception {
		SelfHealing healing = TestSelfHealing.reportOnly(this.dumps);
		started(new MemoryMonitor(healing,
				new Settings(0.000001, 2, 0.000001, 1, Duration.ofMinutes(1), 5, Duration.ofSeconds(30))));
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (!healing.isFatal() && System.nanoTime() < deadline) {
			System.gc();
			Thread.sleep(100);
		}
		assertThat(healing.isFatal()).as("fatal after System.gc()").isTrue();
		assertThat(healing.getFatality().cause()).isEqualTo(FatalCause.HEAP_AFTER_GC);
	}

	@AfterEach
	void stopMonitors() {
		this.started.forEach(MemoryMonitor::stop);
	}

	private void monitor(Settings settings) {
		this.selfHealing = TestSelfHealing.reportOnly(this.dumps);
		this.monitor = new MemoryMonitor(this.selfHealing, settings);
		this.clock = this.monitor.getStartMillis();
	}

	private void pause(String name, Collection kind, long millis, double heapAfter, boolean oldGenShrank) {
		this.clock += this.gap;
		this.monitor.onCollection(name, kind, "test", this.clock, this.clock + millis,
				(long) (heapAfter * this.monitor.getMaxHeap()), oldGenShrank);
		this.clock += millis;
	}

	private void cycle(String name, Collection kind, String cause, long millis, double heapAfter) {
		this.clock += 10;
		this.monitor.onCollection(name, kind, cause, this.clock, this.clock + millis,
				(long) (heapAfter * this.monitor.getMaxHeap()), false);
		this.clock += millis;
	}

	private MemoryMonitor started(MemoryMonitor monitor) {
		monitor.start();
		this.started.add(monitor);
		return monitor;
	}

}
