package dev.resilience.benchmarks.overload;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Latency and outcome of every request of one open-loop stream, each in its own slot so that completions on many
 * threads never contend. Latency is measured from the request's intended send time, not from when it was actually
 * sent, so that a stalled generator or a stalled server cannot hide queueing (coordinated omission).
 */
final class Recording {

	private final long[] latencyNanos;

	private final long[] sendLagNanos;

	private final Outcome[] outcomes;

	private final CountDownLatch completions;

	private final Duration window;

	Recording(int requests, Duration window) {
		this.latencyNanos = new long[requests];
		this.sendLagNanos = new long[requests];
		this.outcomes = new Outcome[requests];
		this.completions = new CountDownLatch(requests);
		this.window = window;
	}

	int requests() {
		return this.outcomes.length;
	}

	void sent(int request, long lagNanos) {
		this.sendLagNanos[request] = lagNanos;
	}

	void completed(int request, long latencyNanos, Outcome outcome) {
		this.latencyNanos[request] = latencyNanos;
		this.outcomes[request] = outcome;
		this.completions.countDown();
	}

	/**
	 * Wait until every request has completed.
	 * @param timeout how long to wait at most
	 * @return whether every request completed
	 * @throws InterruptedException if interrupted while waiting
	 */
	boolean await(Duration timeout) throws InterruptedException {
		return this.completions.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
	}

	/**
	 * The 99th percentile latency of the requests due in each slice of the phase, by intended send time; a request
	 * that never completed counts as the phase's window, so that a stall is never hidden.
	 * @param slice width of a slice
	 * @return one value per slice, in nanoseconds
	 */
	long[] p99Timeline(Duration slice) {
		int slices = (int) Math.max(1, this.window.toNanos() / slice.toNanos());
		long[] p99 = new long[slices];
		int perSlice = Math.max(1, this.outcomes.length / slices);
		for (int s = 0; s < slices; s++) {
			int from = s * perSlice;
			int to = (s == slices - 1) ? this.outcomes.length : Math.min(this.outcomes.length, from + perSlice);
			long[] latencies = new long[Math.max(0, to - from)];
			for (int i = from; i < to; i++) {
				latencies[i - from] = (this.outcomes[i] != null) ? this.latencyNanos[i] : this.window.toNanos();
			}
			java.util.Arrays.sort(latencies);
			p99[s] = StreamSummary.percentile(latencies, 0.99);
		}
		return p99;
	}

	/**
	 * Summarize the requests that have completed.
	 * @return the summary
	 */
	StreamSummary summarize() {
		return StreamSummary.of(this.latencyNanos, this.sendLagNanos, this.outcomes, this.window);
	}

}
