package dev.resilience.selfhealing;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Watches the collector's own notifications for the two signs of a GC death spiral, and reports either as fatal to
 * {@link SelfHealing}:
 * <ul>
 * <li><b>heap after GC</b>: heap occupancy, as a share of the heap the JVM can use ({@link Runtime#maxMemory()}),
 * right after collections that reclaim the whole heap: full collections of G1, Parallel and Serial, ZGC's major (or,
 * non-generational, every) cycle and Shenandoah's cycles. Fatal only when it stays above the threshold over several
 * such collections in a row. G1's mixed collections (young pauses that shrink the old generation) count as evidence
 * against, never for (one below the threshold starts the count again), and are not reported as heap after GC: they
 * leave garbage that marking has not found or that was not worth collecting (measured: 75-86% of the heap after
 * mixed collections of a service with 52% live).</li>
 * <li><b>GC time against run time</b> ({@link GcTimeDeficit}, after jvmquake): stop-the-world pauses, and for ZGC the
 * cycles that an allocation stall started (the stalled threads wait for them).</li>
 * </ul>
 * Below fatal, a degraded level (heap after GC or the share of time in GC over a window above its own threshold) is
 * reported, with hysteresis, as a health detail and a metric, and logged when it is entered and left.
 */
public class MemoryMonitor implements SmartLifecycle {

	/** Points below its threshold that the heap after GC must fall before the degraded level is left. */
	static final double HEAP_HYSTERESIS = 0.05;

	/** Share of its threshold that the GC overhead must fall below before the degraded level is left. */
	static final double GC_OVERHEAD_HYSTERESIS = 0.8;

	private static final Log logger = LogFactory.getLog(MemoryMonitor.class);

	private static final String ALLOCATION_STALL = "Allocation Stall";

	private static final String G1_OLD_GEN = "G1 Old Gen";

	private final SelfHealing selfHealing;

	private final Settings settings;

	private final GcOverheadWindow window;

	private final GcTimeDeficit deficit;

	private final Set<String> heapPools;

	private final long maxHeap;

	private final long startMillis;

	private final List<String> collectors;

	private final NotificationListener gcListener = this::onGc;

	private volatile boolean running;

	private volatile double heapAfterGc = Double.NaN;

	private volatile String heapAfterGcCollection;

	private volatile int heapAfterGcStreak;

	private boolean heapDegraded;

	private boolean gcDegraded;

	private volatile String degradedReason;

	/**
	 * What the monitor decides on.
	 * @param heapAfterGcThreshold share of the usable heap that, still occupied after a collection that reclaims the
	 * whole heap, counts towards fatal
	 * @param heapAfterGcCollections how many such collections in a row must stay above the threshold
	 * @param heapAfterGcDegradedThreshold share of the usable heap that, still occupied after a collection, is
	 * degraded
	 * @param gcOverheadThreshold share of wall time in GC over the window that is degraded
	 * @param gcOverheadWindow length of the window over which the GC overhead is measured
	 * @param gcTimeRuntimeWeight milliseconds of GC time that one millisecond of run time pays back
	 * @param gcTimeThreshold GC time deficit that is fatal
	 */
	public record Settings(double heapAfterGcThreshold, int heapAfterGcCollections,
			double heapAfterGcDegradedThreshold, double gcOverheadThreshold, Duration gcOverheadWindow,
			double gcTimeRuntimeWeight, Duration gcTimeThreshold) {

		/**
		 * Defaults: 90% over 3 collections, degraded at 80% or 25% GC overhead over 1 minute, runtime weight 5,
		 * deficit threshold 30 s.
		 * @return the defaults
		 */
		public static Settings defaults() {
			return new Settings(0.9, 3, 0.8, 0.25, Duration.ofMinutes(1), 5, Duration.ofSeconds(30));
		}

	}

	/**
	 * Create a monitor.
	 * @param selfHealing where fatal conditions are reported
	 * @param settings thresholds
	 */
	public MemoryMonitor(SelfHealing selfHealing, Settings settings) {
		this.selfHealing = selfHealing;
		this.settings = settings;
		this.window = new GcOverheadWindow(settings.gcOverheadWindow().toMillis());
		this.startMillis = uptime();
		this.deficit = new GcTimeDeficit(settings.gcTimeRuntimeWeight(), this.startMillis);
		this.heapPools = ManagementFactory.getMemoryPoolMXBeans()
			.stream()
			.filter((pool) -> pool.getType() == MemoryType.HEAP)
			.map(MemoryPoolMXBean::getName)
			.collect(Collectors.toUnmodifiableSet());
		this.maxHeap = Runtime.getRuntime().maxMemory();
		this.collectors = ManagementFactory.getGarbageCollectorMXBeans()
			.stream()
			.map(GarbageCollectorMXBean::getName)
			.toList();
	}

	@Override
	public void start() {
		for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
			if (collector instanceof NotificationEmitter emitter) {
				emitter.addNotificationListener(this.gcListener, null, null);
			}
		}
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
			if (collector instanceof NotificationEmitter emitter) {
				try {
					emitter.removeNotificationListener(this.gcListener);
				}
				catch (ListenerNotFoundException ex) {
					// never added
				}
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Share of wall time spent in GC over the window that ends now.
	 * @return a fraction between 0 and 1
	 */
	public double getGcOverhead() {
		return this.window.overhead(uptime());
	}

	/**
	 * GC time deficit now.
	 * @return the deficit
	 */
	public Duration getGcTimeDeficit() {
		return Duration.ofMillis((long) this.deficit.deficitAt(uptime()));
	}

	/**
	 * Heap occupancy after the latest collection that reclaimed the whole heap, as a share of the usable heap.
	 * @return a fraction, or {@code NaN} before the first such collection
	 */
	public double getHeapAfterGc() {
		return this.heapAfterGc;
	}

	/**
	 * Collector of the latest collection that reclaimed the whole heap.
	 * @return its name, or {@code null} before the first such collection
	 */
	public String getHeapAfterGcCollection() {
		return this.heapAfterGcCollection;
	}

	/**
	 * Collections in a row that reclaimed the whole heap and left it above the fatal threshold.
	 * @return the count, reset by any collection that leaves the heap below it
	 */
	public int getHeapAfterGcStreak() {
		return this.heapAfterGcStreak;
	}

	/**
	 * Bytes of heap the JVM can use: the denominator of heap after GC.
	 * @return {@link Runtime#maxMemory()} when the monitor was created
	 */
	public long getMaxHeap() {
		return this.maxHeap;
	}

	/**
	 * JVM uptime when the monitor was created: GC time deficit counts run time from here.
	 * @return milliseconds of uptime
	 */
	long getStartMillis() {
		return this.startMillis;
	}

	/**
	 * The collectors of this JVM.
	 * @return their management names
	 */
	public List<String> getCollectors() {
		return this.collectors;
	}

	/**
	 * What the decisions are made on.
	 * @return the settings
	 */
	public Settings getSettings() {
		return this.settings;
	}

	/**
	 * Why the application is degraded, re-evaluated now (the GC overhead decays while no collection happens).
	 * @return the reason, or {@code null} if it is not degraded
	 */
	public String getDegradedReason() {
		updateDegraded(getGcOverhead());
		return this.degradedReason;
	}

	/**
	 * Whether the application is degraded: heap after GC or GC overhead above its degraded threshold.
	 * @return {@code true} while degraded
	 */
	public boolean isDegraded() {
		return getDegradedReason() != null;
	}

	private void onGc(Notification notification, Object handback) {
		if (!this.running
				|| !GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
			return;
		}
		try {
			GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo
				.from((CompositeData) notification.getUserData());
			GcInfo gc = info.getGcInfo();
			onCollection(info.getGcName(), classify(info.getGcName(), info.getGcAction()), info.getGcCause(),
					gc.getStartTime(), gc.getEndTime(), heapUsed(gc.getMemoryUsageAfterGc()), shrankG1OldGen(gc));
		}
		catch (OutOfMemoryError ex) {
			this.selfHealing.reportOutOfMemory(ex, "GC notification", (where) -> "the " + where + " listener");
		}
	}

	/**
	 * Decide on one collection.
	 * @param gcName the collector's management name
	 * @param kind what the collection stands for
	 * @param cause the collection's cause
	 * @param start when it started, in milliseconds of JVM uptime
	 * @param end when it ended
	 * @param heapUsedAfter bytes of heap in use after it
	 * @param oldGenShrank whether G1's old generation holds less after it than before (a mixed collection)
	 */
	void onCollection(String gcName, Collection kind, String cause, long start, long end, long heapUsedAfter,
			boolean oldGenShrank) {
		if (kind.isPause() || (kind.isCycle() && ALLOCATION_STALL.equals(cause))) {
			this.window.record(end, end - start);
			double deficitMillis = this.deficit.record(start, end);
			if (deficitMillis > this.settings.gcTimeThreshold().toMillis() && !this.selfHealing.isFatal()) {
				this.selfHealing.reportFatal(FatalCause.GC_OVERHEAD, () -> String.format(
						"GC time exceeded %s times the run time by %.1f s (threshold %d s): %.0f%% of wall time in GC"
								+ " over the last %d s",
						weight(), deficitMillis / 1000, this.settings.gcTimeThreshold().toSeconds(),
						this.window.overhead(end) * 100, this.settings.gcOverheadWindow().toSeconds()));
			}
		}
		if (kind.reclaimsWholeHeap()) {
			sample(gcName, heapUsedAfter, true);
		}
		else if (kind == Collection.YOUNG_PAUSE && oldGenShrank) {
			sample(gcName, heapUsedAfter, false);
		}
		updateDegraded(this.window.overhead(end));
	}

	private void sample(String gcName, long used, boolean conclusive) {
		double share = used / (double) this.maxHeap;
		if (!conclusive) {
			if (share <= this.settings.heapAfterGcThreshold()) {
				this.heapAfterGcStreak = 0;
			}
			return;
		}
		this.heapAfterGc = share;
		this.heapAfterGcCollection = gcName;
		if (share <= this.settings.heapAfterGcThreshold()) {
			this.heapAfterGcStreak = 0;
			return;
		}
		int streak = ++this.heapAfterGcStreak;
		if (streak >= this.settings.heapAfterGcCollections() && !this.selfHealing.isFatal()) {
			this.selfHealing.reportFatal(FatalCause.HEAP_AFTER_GC,
					() -> String.format("heap holds %.0f%% of its usable %d MiB after %d collections in a row that reclaim"
							+ " the whole heap (%s; threshold %.0f%%)", share * 100, this.maxHeap >> 20, streak,
							gcName, this.settings.heapAfterGcThreshold() * 100));
		}
	}

	private synchronized void updateDegraded(double overhead) {
		double heap = this.heapAfterGc;
		double heapThreshold = this.settings.heapAfterGcDegradedThreshold();
		double gcThreshold = this.settings.gcOverheadThreshold();
		this.heapDegraded = heap >= heapThreshold || (this.heapDegraded && heap >= heapThreshold - HEAP_HYSTERESIS);
		this.gcDegraded = overhead >= gcThreshold
				|| (this.gcDegraded && overhead >= gcThreshold * GC_OVERHEAD_HYSTERESIS);
		String reason = null;
		if (this.heapDegraded) {
			reason = String.format("heap after GC at %.0f%% of the usable heap (degraded from %.0f%%)", heap * 100,
					heapThreshold * 100);
		}
		if (this.gcDegraded) {
			String gc = String.format("%.0f%% of wall time in GC over %d s (degraded from %.0f%%)", overhead * 100,
					this.settings.gcOverheadWindow().toSeconds(), gcThreshold * 100);
			reason = (reason != null) ? reason + "; " + gc : gc;
		}
		String previous = this.degradedReason;
		this.degradedReason = reason;
		if (previous == null && reason != null) {
			logger.warn("Self-healing: application degraded: " + reason);
		}
		else if (previous != null && reason == null) {
			logger.info("Self-healing: application no longer degraded");
		}
	}

	private String weight() {
		double weight = this.settings.gcTimeRuntimeWeight();
		return (weight == Math.rint(weight)) ? String.valueOf((long) weight) : String.valueOf(weight);
	}

	private long heapUsed(Map<String, MemoryUsage> usage) {
		long used = 0;
		for (Map.Entry<String, MemoryUsage> pool : usage.entrySet()) {
			if (this.heapPools.contains(pool.getKey())) {
				used += pool.getValue().getUsed();
			}
		}
		return used;
	}

	private static boolean shrankG1OldGen(GcInfo gc) {
		MemoryUsage before = gc.getMemoryUsageBeforeGc().get(G1_OLD_GEN);
		MemoryUsage after = gc.getMemoryUsageAfterGc().get(G1_OLD_GEN);
		return before != null && after != null && after.getUsed() < before.getUsed();
	}

	private static long uptime() {
		return ManagementFactory.getRuntimeMXBean().getUptime();
	}

	/**
	 * What a collector's notification stands for.
	 * @param gcName the collector's management name
	 * @param gcAction the notification's action
	 * @return the kind of collection
	 */
	static Collection classify(String gcName, String gcAction) {
		return switch (gcName) {
			case "G1 Young Generation", "PS Scavenge", "Copy" -> Collection.YOUNG_PAUSE;
			case "G1 Old Generation", "PS MarkSweep", "MarkSweepCompact" -> Collection.FULL_PAUSE;
			// JDK 20+: G1's remark and cleanup pauses; Shenandoah's pauses include degenerated and full collections
			case "G1 Concurrent GC", "Shenandoah Pauses" -> Collection.PAUSE;
			// sub-millisecond by design; ZGC's stalls are counted through the cycles they start
			case "ZGC Pauses", "ZGC Minor Pauses", "ZGC Major Pauses" -> Collection.IGNORED;
			case "ZGC Cycles", "ZGC Major Cycles", "Shenandoah Cycles" -> Collection.WHOLE_HEAP_CYCLE;
			case "ZGC Minor Cycles" -> Collection.YOUNG_CYCLE;
			default -> (gcAction == null) ? Collection.IGNORED
					: gcAction.contains("major") ? Collection.FULL_PAUSE
							: gcAction.contains("minor") ? Collection.YOUNG_PAUSE : Collection.IGNORED;
		};
	}

	/**
	 * Kinds of collection notification.
	 */
	enum Collection {

		/** Stop-the-world young (or, G1, mixed) collection. */
		YOUNG_PAUSE,

		/** Stop-the-world collection of the whole heap. */
		FULL_PAUSE,

		/** Other stop-the-world pause. */
		PAUSE,

		/** Concurrent cycle that marks the whole heap. */
		WHOLE_HEAP_CYCLE,

		/** Concurrent cycle of the young generation only. */
		YOUNG_CYCLE,

		/** Not counted. */
		IGNORED;

		boolean isPause() {
			return this == YOUNG_PAUSE || this == FULL_PAUSE || this == PAUSE;
		}

		boolean isCycle() {
			return this == WHOLE_HEAP_CYCLE || this == YOUNG_CYCLE;
		}

		boolean reclaimsWholeHeap() {
			return this == FULL_PAUSE || this == WHOLE_HEAP_CYCLE;
		}

	}

}
