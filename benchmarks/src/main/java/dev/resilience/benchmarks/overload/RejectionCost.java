package dev.resilience.benchmarks.overload;

/**
 * What the rejections of one phase cost the service's worker threads, as {@link RejectionCosts} measured them.
 *
 * @param rejections rejected requests ({@code 429} or {@code 503}) measured
 * @param cpuNanos CPU time of the worker threads on them, in total
 * @param allocatedBytes bytes the worker threads allocated for them, in total
 */
record RejectionCost(long rejections, long cpuNanos, long allocatedBytes) {

	static final RejectionCost NONE = new RejectionCost(0, 0, 0);

	RejectionCost minus(RejectionCost earlier) {
		return new RejectionCost(this.rejections - earlier.rejections, this.cpuNanos - earlier.cpuNanos,
				this.allocatedBytes - earlier.allocatedBytes);
	}

	/**
	 * CPU time per rejection.
	 * @return microseconds, or {@code NaN} without rejections
	 */
	double cpuMicrosPerRejection() {
		return (this.rejections > 0) ? this.cpuNanos / 1e3 / this.rejections : Double.NaN;
	}

	/**
	 * Bytes allocated per rejection.
	 * @return bytes, or {@code NaN} without rejections
	 */
	double bytesPerRejection() {
		return (this.rejections > 0) ? (double) this.allocatedBytes / this.rejections : Double.NaN;
	}

}
