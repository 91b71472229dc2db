package dev.resilience.benchmarks.overload;

import java.time.Duration;
import java.util.Arrays;

/**
 * Figures of one stream of requests over one phase. Latency percentiles are over every completed request, failed
 * ones included at the time their failure was seen: with timeouts, the high percentiles are a floor, not the truth.
 *
 * @param sent requests sent
 * @param succeeded {@code 2xx} responses
 * @param rejected {@code 429} responses
 * @param failed other statuses, timeouts and connection errors
 * @param timedOut of {@code failed}, requests without a response within the client's timeout
 * @param incomplete requests with no outcome when the phase's drain time ran out
 * @param p50Nanos median latency from intended send time
 * @param p99Nanos 99th percentile latency
 * @param maxNanos highest latency
 * @param sendLagP99Nanos 99th percentile of how late the generator actually sent, after the intended time
 * @param window length of the phase over which the requests were scheduled
 * @param latenciesNanos every completed request's latency, in ascending order, for percentiles over several rounds
 */
record StreamSummary(int sent, int succeeded, int rejected, int failed, int timedOut, int incomplete, long p50Nanos,
		long p99Nanos, long maxNanos, long sendLagP99Nanos, Duration window, long[] latenciesNanos) {

	static StreamSummary of(long[] latencyNanos, long[] sendLagNanos, Outcome[] outcomes, Duration window) {
		int succeeded = 0;
		int rejected = 0;
		int failed = 0;
		int timedOut = 0;
		int completed = 0;
		long[] latencies = new long[outcomes.length];
		for (int i = 0; i < outcomes.length; i++) {
			Outcome outcome = outcomes[i];
			if (outcome == null) {
				continue;
			}
			latencies[completed++] = latencyNanos[i];
			switch (outcome) {
				case SUCCESS -> succeeded++;
				case REJECTED -> rejected++;
				case TIMEOUT -> {
					failed++;
					timedOut++;
				}
				default -> failed++;
			}
		}
		long[] sorted = Arrays.copyOf(latencies, completed);
		Arrays.sort(sorted);
		long[] lags = sendLagNanos.clone();
		Arrays.sort(lags);
		return new StreamSummary(outcomes.length, succeeded, rejected, failed, timedOut, outcomes.length - completed,
				percentile(sorted, 0.50), percentile(sorted, 0.99), percentile(sorted, 1.0), percentile(lags, 0.99),
				window, sorted);
	}

	/**
	 * Nearest-rank percentile of sorted values.
	 * @param sorted values in ascending order
	 * @param fraction the percentile as a fraction in {@code (0, 1]}
	 * @return the value, or 0 if there are none
	 */
	static long percentile(long[] sorted, double fraction) {
		if (sorted.length == 0) {
			return 0;
		}
		int rank = (int) Math.ceil(fraction * sorted.length);
		return sorted[Math.max(0, rank - 1)];
	}

	/**
	 * Requests that did not succeed, from the caller's point of view: rejections, failures and the incomplete.
	 * @return the count
	 */
	int errors() {
		return this.rejected + this.failed + this.incomplete;
	}

	/**
	 * Successful responses per second of the phase.
	 * @return the goodput
	 */
	double goodput() {
		return this.succeeded / (this.window.toNanos() / 1e9);
	}

}
