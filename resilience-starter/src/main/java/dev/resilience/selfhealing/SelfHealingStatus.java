package dev.resilience.selfhealing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What self-healing knows right now, for the {@code selfHealing} health indicator and the {@code self-healing} section
 * of the {@code resilience} endpoint: the fatal condition if any, the degraded level, heap after GC, GC overhead and
 * GC time deficit, deadlocked threads and the JVM's out-of-memory flags.
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
		String degraded = this.memory.getDegradedReason();
		details.put("degraded", degraded != null);
		if (degraded != null) {
			details.put("degradedReason", degraded);
		}
		MemoryMonitor.Settings settings = this.memory.getSettings();
		details.put("collectors", this.memory.getCollectors());
		double heapAfterGc = this.memory.getHeapAfterGc();
		if (!Double.isNaN(heapAfterGc)) {
			details.put("heapAfterGc", round(heapAfterGc));
			details.put("heapAfterGcCollection", this.memory.getHeapAfterGcCollection());
		}
		details.put("heapAfterGcStreak", this.memory.getHeapAfterGcStreak());
		details.put("heapAfterGcThreshold", settings.heapAfterGcThreshold());
		details.put("heapAfterGcCollections", settings.heapAfterGcCollections());
		details.put("heapAfterGcDegradedThreshold", settings.heapAfterGcDegradedThreshold());
		details.put("gcOverhead", round(this.memory.getGcOverhead()));
		details.put("gcOverheadThreshold", settings.gcOverheadThreshold());
		details.put("gcTimeDeficit", this.memory.getGcTimeDeficit().toString());
		details.put("gcTimeThreshold", settings.gcTimeThreshold().toString());
		details.put("gcTimeRuntimeWeight", settings.gcTimeRuntimeWeight());
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
