package dev.resilience.selfhealing;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Self-healing's gauges: {@code resilience.self.healing.fatal} and {@code resilience.self.healing.degraded} (0 or 1),
 * {@code resilience.self.healing.gc.overhead}, {@code resilience.self.healing.gc.time.deficit} (seconds),
 * {@code resilience.self.healing.heap.after.gc} and {@code resilience.self.healing.deadlocked.threads}. Alert on them
 * before the probes restart the instance.
 */
public class SelfHealingMetrics implements MeterBinder {

	private final SelfHealing selfHealing;

	private final MemoryMonitor memory;

	private final DeadlockMonitor deadlocks;

	public SelfHealingMetrics(SelfHealing selfHealing, MemoryMonitor memory, DeadlockMonitor deadlocks) {
		this.selfHealing = selfHealing;
		this.memory = memory;
		this.deadlocks = deadlocks;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("resilience.self.healing.fatal", this.selfHealing, (healing) -> healing.isFatal() ? 1 : 0)
			.description("Whether the application is fatally broken (1) or not (0)")
			.register(registry);
		Gauge.builder("resilience.self.healing.degraded", this.memory, (monitor) -> monitor.isDegraded() ? 1 : 0)
			.description("Whether heap after GC or GC overhead is above its degraded threshold (1) or not (0)")
			.register(registry);
		Gauge.builder("resilience.self.healing.gc.overhead", this.memory, MemoryMonitor::getGcOverhead)
			.description("Share of wall time spent in GC over the GC overhead window")
			.register(registry);
		Gauge.builder("resilience.self.healing.gc.time.deficit", this.memory,
				(monitor) -> monitor.getGcTimeDeficit().toMillis() / 1000.0)
			.description("GC time minus run time times the runtime weight, never below zero")
			.baseUnit("seconds")
			.register(registry);
		Gauge.builder("resilience.self.healing.heap.after.gc", this.memory, MemoryMonitor::getHeapAfterGc)
			.description("Heap occupancy after the latest collection that reclaimed the whole heap, as a share of the"
					+ " usable heap")
			.register(registry);
		Gauge.builder("resilience.self.healing.deadlocked.threads", this.deadlocks,
				(monitor) -> monitor.getDeadlockedThreads().size())
			.description("Threads found deadlocked by the latest check")
			.register(registry);
	}

}
