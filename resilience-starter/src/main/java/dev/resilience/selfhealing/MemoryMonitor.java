package dev.resilience.selfhealing;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

import org.springframework.context.SmartLifecycle;

/**
 * Watches the heap for the two signs of a GC death spiral: old-generation usage after a collection above a share of
 * its maximum (through the pools' collection usage thresholds) and the share of wall time spent in GC pauses over a
 * sliding window (through GC notifications). Either one is reported to {@link SelfHealing} as fatal.
 *
 * <p>Concurrent GC phases (G1's concurrent cycle, ZGC and Shenandoah cycles) run beside the application and are not
 * counted as pauses.
 */
public class MemoryMonitor implements SmartLifecycle {

	private final SelfHealing selfHealing;

	private final double heapAfterGcThreshold;

	private final double gcOverheadThreshold;

	private final GcOverheadWindow window;

	private final List<MemoryPoolMXBean> oldGenPools;

	private final List<long[]> previousThresholds = new ArrayList<>();

	private final NotificationListener gcListener = this::onGc;

	private final NotificationListener thresholdListener = this::onThreshold;

	private volatile boolean running;

	/**
	 * Create a monitor.
	 * @param selfHealing where fatal conditions are reported
	 * @param heapAfterGcThreshold share of the old generation's maximum that, still used after a collection, is fatal
	 * @param gcOverheadThreshold share of wall time in GC pauses over the window that is fatal
	 * @param gcOverheadWindowMillis length of the sliding window in milliseconds
	 */
	public MemoryMonitor(SelfHealing selfHealing, double heapAfterGcThreshold, double gcOverheadThreshold,
			long gcOverheadWindowMillis) {
		this.selfHealing = selfHealing;
		this.heapAfterGcThreshold = heapAfterGcThreshold;
		this.gcOverheadThreshold = gcOverheadThreshold;
		this.window = new GcOverheadWindow(gcOverheadWindowMillis);
		this.oldGenPools = oldGenPools();
	}

	@Override
	public void start() {
		for (MemoryPoolMXBean pool : this.oldGenPools) {
			long threshold = (long) (maxOf(pool) * this.heapAfterGcThreshold);
			this.previousThresholds.add(new long[] { pool.getCollectionUsageThreshold(), threshold });
			pool.setCollectionUsageThreshold(threshold);
		}
		((NotificationEmitter) ManagementFactory.getMemoryMXBean()).addNotificationListener(this.thresholdListener,
				null, null);
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
				removeQuietly(emitter, this.gcListener);
			}
		}
		removeQuietly((NotificationEmitter) ManagementFactory.getMemoryMXBean(), this.thresholdListener);
		for (int i = 0; i < this.previousThresholds.size(); i++) {
			MemoryPoolMXBean pool = this.oldGenPools.get(i);
			long[] thresholds = this.previousThresholds.get(i);
			if (pool.getCollectionUsageThreshold() == thresholds[1]) {
				pool.setCollectionUsageThreshold(thresholds[0]);
			}
		}
		this.previousThresholds.clear();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Share of wall time spent in GC pauses over the window that ends now.
	 * @return a fraction between 0 and 1
	 */
	public double getGcOverhead() {
		return this.window.overhead(ManagementFactory.getRuntimeMXBean().getUptime());
	}

	/**
	 * Old-generation usage after the most recent collection of each old-generation pool, as a share of its maximum.
	 * @return pool name to fraction; empty if the JVM reports no collection usage
	 */
	public Map<String, Double> getOldGenAfterGc() {
		Map<String, Double> usage = new LinkedHashMap<>();
		for (MemoryPoolMXBean pool : this.oldGenPools) {
			MemoryUsage afterGc = pool.getCollectionUsage();
			if (afterGc != null) {
				usage.put(pool.getName(), afterGc.getUsed() / (double) maxOf(pool));
			}
		}
		return usage;
	}

	/**
	 * Share of the old generation's maximum that, still used after a collection, is fatal.
	 * @return the threshold
	 */
	public double getHeapAfterGcThreshold() {
		return this.heapAfterGcThreshold;
	}

	/**
	 * Share of wall time in GC pauses over the window that is fatal.
	 * @return the threshold
	 */
	public double getGcOverheadThreshold() {
		return this.gcOverheadThreshold;
	}

	/**
	 * Names of the heap pools whose collection usage is watched.
	 * @return pool names
	 */
	public List<String> getWatchedPools() {
		return this.oldGenPools.stream().map(MemoryPoolMXBean::getName).toList();
	}

	private void onGc(Notification notification, Object handback) {
		if (!this.running
				|| !GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
			return;
		}
		GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo
			.from((CompositeData) notification.getUserData());
		if (isConcurrentPhase(info.getGcName(), info.getGcCause())) {
			return;
		}
		this.window.record(info.getGcInfo().getEndTime(), info.getGcInfo().getDuration());
		double overhead = this.window.overhead(info.getGcInfo().getEndTime());
		if (overhead > this.gcOverheadThreshold && !this.selfHealing.isFatal()) {
			this.selfHealing.reportFatal(FatalCause.GC_OVERHEAD,
					String.format("%.0f%% of wall time spent in GC pauses over the window (threshold %.0f%%)",
							overhead * 100, this.gcOverheadThreshold * 100));
		}
	}

	private void onThreshold(Notification notification, Object handback) {
		if (!this.running
				|| !MemoryNotificationInfo.MEMORY_COLLECTION_THRESHOLD_EXCEEDED.equals(notification.getType())) {
			return;
		}
		MemoryNotificationInfo info = MemoryNotificationInfo.from((CompositeData) notification.getUserData());
		MemoryPoolMXBean pool = this.oldGenPools.stream()
			.filter((candidate) -> candidate.getName().equals(info.getPoolName()))
			.findFirst()
			.orElse(null);
		if (pool == null || this.selfHealing.isFatal()) {
			return;
		}
		double used = info.getUsage().getUsed() / (double) maxOf(pool);
		this.selfHealing.reportFatal(FatalCause.HEAP_AFTER_GC,
				String.format("%s holds %.0f%% of its maximum after a collection (threshold %.0f%%)", pool.getName(),
						used * 100, this.heapAfterGcThreshold * 100));
	}

	static boolean isConcurrentPhase(String gcName, String gcCause) {
		return "No GC".equals(gcCause) || "G1 Concurrent GC".equals(gcName) || "Shenandoah Cycles".equals(gcName)
				|| "ZGC Cycles".equals(gcName) || "ZGC Major Cycles".equals(gcName)
				|| "ZGC Minor Cycles".equals(gcName);
	}

	static boolean isOldGen(String poolName) {
		return poolName.endsWith("Old Gen") || poolName.endsWith("Tenured Gen") || "Shenandoah".equals(poolName)
				|| "ZHeap".equals(poolName) || "ZGC Old Generation".equals(poolName) || poolName.contains("tenured");
	}

	private static List<MemoryPoolMXBean> oldGenPools() {
		return ManagementFactory.getMemoryPoolMXBeans()
			.stream()
			.filter((pool) -> pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported()
					&& isOldGen(pool.getName()))
			.toList();
	}

	private static long maxOf(MemoryPoolMXBean pool) {
		long max = pool.getUsage().getMax();
		return (max > 0) ? max : Runtime.getRuntime().maxMemory();
	}

	private static void removeQuietly(NotificationEmitter emitter, NotificationListener listener) {
		try {
			emitter.removeNotificationListener(listener);
		}
		catch (ListenerNotFoundException ex) {
			// never added
		}
	}

}
