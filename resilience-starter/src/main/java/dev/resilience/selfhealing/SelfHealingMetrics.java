package dev.resilience.selfhealing;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Self-healing's gauges: {@code resilience.selfhealing.fatal} (0 or 1), {@code resilience.selfhealing.gc.overhead},
 * {@code resilience.selfhealing.heap.after.gc} (tag {@code pool}) and
 * {@code resilience.selfhealing.deadlocked.threads}. Alert on them before the probes restart the instance.
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
		Gauge.builder("resilience.selfhealing.fatal", this.selfHealing, (healing) -> healing.isFatal() ? 1 : 0)
			.description("Whether the application is fatally broken (1) or not (0)")
			.register(registry);
		Gauge.builder("resilience.selfhealing.gc.overhead", this.memory, MemoryMonitor::getGcOverhead)
			.description("Share of wall time spent in GC pauses over the GC overhead window")
			.register(registry);
		for (String pool : this.memory.getWatchedPools()) {
			Gauge.builder("resilience.selfhealing.heap.after.gc", this.memory,
					(monitor) -> monitor.getOldGenAfterGc().getOrDefault(pool, Double.NaN))
				.description("Old-generation usage after the latest collection, as a share of its maximum")
				.tag("pool", pool)
				.register(registry);
		}
		Gauge.builder("resilience.selfhealing.deadlocked.threads", this.deadlocks,
				(monitor) -> monitor.getDeadlockedThreads().size())
			.description("Threads found deadlocked by the latest check")
			.register(registry);
	}

}
