package dev.resilience.benchmarks.overload;

/**
 * What one variant measured in one round, all phases from the same service process.
 *
 * @param variant the protection
 * @param round which round of the run
 * @param baseline the critical stream without the spike
 * @param critical the critical stream during the spike
 * @param expensive the spike to the expensive endpoint
 * @param generatorCores CPU the generator used during the spike, in cores
 * @param serviceCores CPU the service used during the spike, in cores
 * @param loadAverage the machine's load average when the variant finished
 * @param rejectionCost what the spike's rejections cost the service's worker threads
 * @param criticalP99Timeline the critical stream's p99 per slice of the spike, in nanoseconds
 */
record VariantResult(Variant variant, int round, StreamSummary baseline, StreamSummary critical,
		StreamSummary expensive, double generatorCores, double serviceCores, double loadAverage,
		RejectionCost rejectionCost, long[] criticalP99Timeline) {

	/**
	 * How many times the critical endpoint's no-spike p99 its p99 under the spike is.
	 * @return the ratio
	 */
	double criticalP99Ratio() {
		return (double) this.critical.p99Nanos() / Math.max(1, this.baseline.p99Nanos());
	}

}
