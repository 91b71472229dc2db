package dev.resilience.selfhealing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What self-healing knows right now, for the {@code selfHealing} health indicator and the {@code self-healing} section
 * of the {@code resilience} endpoint: the fatal condition if any, GC overhead, old generation after GC, deadlocked
 * threads and the JVM's out-of-memory flags.
 */
public class SelfHealingStatus {

	private final SelfHealing selfHealing;

	private final MemoryMonitor memory;

	private final DeadlockMonitor deadlocks;

	private final JvmOutOfMemoryFlags jvmFlags;

	public SelfHealingStatus(SelfHealing selfHealing, MemoryMonitor memory, DeadlockMonitor deadlocks,
			JvmOutOfMemoryFlags jvmFlags) {
		this.selfHealing = selfHealing;
		this.memory = memory;
		this.deadlocks = deadlocks;
		this.jvmFlags = jvmFlags;
	}

	/**
	 * Whether a fatal condition has been reported.
	 * @return {@code true} once fatal
	 */
	public boolean isFatal() {
		return this.selfHealing.isFatal();
	}

	/**
	 * Current details.
	 * @return an ordered map of plain values
	 */
	public Map<String, Object> details() {
		Map<String, Object> details = new LinkedHashMap<>();
		Fatality fatality = this.selfHealing.getFatality();
		details.put("fatal", fatality != null);
		if (fatality != null) {
			details.put("cause", fatality.cause().name());
			details.put("detail", fatality.detail());
			details.put("since", fatality.time().toString());
			if (fatality.threadDump() != null) {
				details.put("threadDump", fatality.threadDump().toString());
			}
		}
		details.put("onFatal", this.selfHealing.getOnFatal().name().toLowerCase());
		details.put("drainPeriod", this.selfHealing.getDrainPeriod().toString());
		details.put("gcOverhead", round(this.memory.getGcOverhead()));
		details.put("gcOverheadThreshold", this.memory.getGcOverheadThreshold());
		Map<String, Object> oldGen = new LinkedHashMap<>();
		this.memory.getOldGenAfterGc().forEach((pool, share) -> oldGen.put(pool, round(share)));
		details.put("oldGenAfterGc", oldGen);
		details.put("heapAfterGcThreshold", this.memory.getHeapAfterGcThreshold());
		details.put("deadlockedThreads", this.deadlocks.getDeadlockedThreads());
		details.put("deadlockCheckInterval", this.deadlocks.getInterval().toString());
		details.put("deadlockChecks", this.deadlocks.getChecks());
		details.put("jvmFlags", this.jvmFlags.toMap());
		return details;
	}

	private static double round(double share) {
		return Math.round(share * 1000) / 1000.0;
	}

}
