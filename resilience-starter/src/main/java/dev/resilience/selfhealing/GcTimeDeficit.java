package dev.resilience.selfhealing;

/**
 * GC time against run time, after Netflix's jvmquake: a token bucket that each period of GC time fills by its length
 * and that run time between two such periods drains by its length times a weight, never below zero. It only grows
 * while GC takes more than {@code weight / (1 + weight)} of the time (5: more than 83%), so a burst of pauses does
 * not decide and a process that spends nearly all its time in GC crosses any threshold, by about one second per
 * second. Fed on the JVM's uptime clock; overlapping periods (allocation stalls of several threads, a cycle that
 * overlaps one already counted) count once.
 */
public class GcTimeDeficit {

	private final double runtimeWeight;

	private long countedUntil;

	private double deficitMillis;

	/**
	 * Create an empty bucket.
	 * @param runtimeWeight how many milliseconds of GC time one millisecond of run time pays back
	 * @param startMillis JVM uptime from which run time is counted
	 */
	public GcTimeDeficit(double runtimeWeight, long startMillis) {
		this.runtimeWeight = runtimeWeight;
		this.countedUntil = startMillis;
	}

	/**
	 * Record a period in which the application could not run (a pause, or a stall waiting for a collection).
	 * @param startMillis when it began, in milliseconds of JVM uptime
	 * @param endMillis when it ended
	 * @return the deficit in milliseconds after this period
	 */
	public synchronized double record(long startMillis, long endMillis) {
		if (endMillis <= this.countedUntil) {
			return this.deficitMillis;
		}
		long runtime = Math.max(0, startMillis - this.countedUntil);
		long gcTime = endMillis - Math.max(startMillis, this.countedUntil);
		this.deficitMillis = Math.max(0, this.deficitMillis + gcTime - runtime * this.runtimeWeight);
		this.countedUntil = endMillis;
		return this.deficitMillis;
	}

	/**
	 * Deficit now: the last recorded one, drained by the run time since.
	 * @param nowMillis current JVM uptime in milliseconds
	 * @return the deficit in milliseconds
	 */
	public synchronized double deficitAt(long nowMillis) {
		return Math.max(0, this.deficitMillis - Math.max(0, nowMillis - this.countedUntil) * this.runtimeWeight);
	}

	/**
	 * How many milliseconds of GC time one millisecond of run time pays back.
	 * @return the weight
	 */
	public double getRuntimeWeight() {
		return this.runtimeWeight;
	}

}
