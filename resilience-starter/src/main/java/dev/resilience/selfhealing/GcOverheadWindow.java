package dev.resilience.selfhealing;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Share of wall time spent in GC pauses over a sliding window. Fed with each pause's end time and duration on the JVM's
 * uptime clock; pauses that ended before the window are forgotten, and a pause that started before the window counts
 * only with its part inside it.
 */
public class GcOverheadWindow {

	private final long windowMillis;

	private final Deque<long[]> pauses = new ArrayDeque<>();

	private long pausedMillis;

	/**
	 * Create a window.
	 * @param windowMillis length of the window in milliseconds
	 */
	public GcOverheadWindow(long windowMillis) {
		this.windowMillis = windowMillis;
	}

	/**
	 * Record a GC pause.
	 * @param endMillis when the pause ended, in milliseconds of JVM uptime
	 * @param durationMillis how long it lasted
	 */
	public synchronized void record(long endMillis, long durationMillis) {
		this.pauses.addLast(new long[] { endMillis, durationMillis });
		this.pausedMillis += durationMillis;
		expire(endMillis);
	}

	/**
	 * Share of the window, ending now, that was spent in GC pauses. Before a full window has passed, the missing part
	 * counts as pause-free: a young process is never declared in a death spiral by a single early pause.
	 * @param nowMillis the current JVM uptime in milliseconds
	 * @return a fraction between 0 and 1
	 */
	public synchronized double overhead(long nowMillis) {
		expire(nowMillis);
		long windowStart = nowMillis - this.windowMillis;
		long paused = this.pausedMillis;
		long[] oldest = this.pauses.peekFirst();
		if (oldest != null) {
			long oldestStart = oldest[0] - oldest[1];
			if (oldestStart < windowStart) {
				paused -= windowStart - oldestStart;
			}
		}
		return Math.min(1.0, Math.max(0, paused) / (double) this.windowMillis);
	}

	private void expire(long nowMillis) {
		long windowStart = nowMillis - this.windowMillis;
		while (!this.pauses.isEmpty() && this.pauses.peekFirst()[0] <= windowStart) {
			this.pausedMillis -= this.pauses.removeFirst()[1];
		}
	}

}
