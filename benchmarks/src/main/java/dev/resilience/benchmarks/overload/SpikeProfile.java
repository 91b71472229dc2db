package dev.resilience.benchmarks.overload;

import java.time.Duration;

/**
 * Shape of the replayed launch day: rates, phase lengths and the clients' timeout.
 *
 * @param workerThreads Tomcat's fixed worker pool
 * @param criticalRate requests per second to the critical endpoint, in every phase
 * @param spikeMultiple spike to the expensive endpoint, as a multiple of what the pool can serve
 * @param warmUp length of the warm-up, below capacity, which is not measured
 * @param rush length of the unmeasured rush at the spike's rate that ends a warm warm-up
 * @param baseline length of the no-spike phase: the critical stream alone
 * @param spike length of the spike: the critical stream plus the spike
 * @param timeout how long a client waits for a response before giving up
 */
record SpikeProfile(int workerThreads, double criticalRate, double spikeMultiple, Duration warmUp, Duration rush,
		Duration baseline, Duration spike, Duration timeout) {

	/**
	 * 20 workers serve at most 200 expensive requests per second; the spike sends three times that, 600 per second,
	 * while users read the critical endpoint 100 times per second. The pool is smaller than a production one so that
	 * the rates stay modest: the generator shares two cores with the service, and at 50 workers (1700 requests per
	 * second in all) it took more than half a core and sent up to a second late on a busy machine. The no-spike and
	 * spike phases last 15 s, 1500 critical requests each, so that their p99 is the 15th slowest request: a single
	 * young-generation pause of the service (25 to 45 ms on two busy cores, which delays four or five critical
	 * requests) cannot be the p99 by itself, as it was with 8 s phases. {@code -Dspike.workers} changes the pool, and
	 * the spike and the peers' limits with it.
	 */
	static final SpikeProfile LAUNCH_DAY = new SpikeProfile(workers(), 100, 3, Duration.ofSeconds(5),
			Duration.ofSeconds(3), Duration.ofSeconds(15), Duration.ofSeconds(15), Duration.ofSeconds(2));

	private static int workers() {
		int workers = Integer.getInteger("spike.workers", 20);
		if (workers < 4) {
			throw new IllegalArgumentException("spike.workers must be at least 4, was " + workers);
		}
		return workers;
	}

	/**
	 * Expensive requests per second that the worker pool can serve when it does nothing else.
	 * @return the pool's capacity
	 */
	double poolCapacityRate() {
		return this.workerThreads * 1000.0 / SpikeController.DOWNSTREAM_MILLIS;
	}

	/**
	 * Concurrency limit given to the peers that take one: as many expensive calls as the starter's default threshold
	 * lets run, so that the variants are compared at equal expensive goodput. The starter sheds a request when the
	 * requests in flight, itself included, reach 0.85 of the pool: 17 of 20, so at most 16 run at once.
	 * @return the limit
	 */
	int expensiveConcurrencyLimit() {
		return (int) Math.ceil(0.85 * this.workerThreads) - 1;
	}

	double expensiveSpikeRate() {
		return this.spikeMultiple * poolCapacityRate();
	}

	/**
	 * Expensive traffic during the warm-up: well below capacity, so that no variant sheds or queues before the spike.
	 * @return requests per second
	 */
	double expensiveWarmUpRate() {
		return 0.4 * poolCapacityRate();
	}

}
