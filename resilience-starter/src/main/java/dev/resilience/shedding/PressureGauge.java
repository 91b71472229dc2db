package dev.resilience.shedding;

import java.util.concurrent.atomic.LongAdder;

/**
 * Worker-pool pressure of the embedded server: requests currently occupying a worker thread, divided by the number
 * of worker threads (or by {@code resilience.shedding.max-concurrent-requests} when there is no bounded pool).
 *
 * <p>Reading and updating it is O(1) and lock-free: the in-flight count is kept by {@link LoadSheddingFilter}
 * rather than asked of the server's executor, whose {@code getActiveCount()} takes the pool's main lock and walks
 * every worker.
 */
public class PressureGauge {

	private final LongAdder inFlight = new LongAdder();

	private volatile Capacity capacity;

	/**
	 * Create a gauge with a provisional capacity, used until the server reports its worker pool.
	 * @param capacity the provisional capacity
	 */
	public PressureGauge(Capacity capacity) {
		this.capacity = capacity;
	}

	/** Record that a request started occupying a worker thread. */
	public void enter() {
		this.inFlight.increment();
	}

	/** Record that a request released its worker thread. Called exactly once per {@link #enter()}. */
	public void exit() {
		this.inFlight.decrement();
	}

	/**
	 * Requests currently occupying a worker thread, including the caller's own.
	 * @return the in-flight count
	 */
	public long inFlight() {
		return this.inFlight.sum();
	}

	/**
	 * Current pressure: in-flight requests / capacity. May exceed 1 in concurrency-limit mode.
	 * @return the pressure
	 */
	public double pressure() {
		return (double) inFlight() / this.capacity.size();
	}

	/**
	 * Whether the pressure is at or above a threshold.
	 * @param threshold the threshold in {@code (0, 1]}
	 * @return {@code true} if in-flight / capacity &ge; threshold
	 */
	public boolean isAtOrAbove(double threshold) {
		return inFlight() >= threshold * this.capacity.size();
	}

	/**
	 * Capacity in force.
	 * @return the capacity
	 */
	public Capacity capacity() {
		return this.capacity;
	}

	/**
	 * Replace the capacity, for example once the embedded server has started and its pool can be read.
	 * @param capacity the new capacity
	 */
	public void setCapacity(Capacity capacity) {
		this.capacity = capacity;
	}

	/**
	 * How the capacity was determined.
	 */
	public enum Mode {

		/** A bounded worker pool: capacity is its maximum number of threads. */
		WORKER_POOL,

		/**
		 * No bounded pool (virtual threads, or a server whose pool cannot be read): capacity is
		 * {@code resilience.shedding.max-concurrent-requests}.
		 */
		CONCURRENCY_LIMIT

	}

	/**
	 * Capacity that pressure is measured against.
	 *
	 * @param mode how the size was determined
	 * @param size number of requests that can run at once, at least 1
	 * @param source human-readable origin of the size, for logs and the actuator endpoint
	 */
	public record Capacity(Mode mode, int size, String source) {

		public Capacity {
			if (size < 1) {
				throw new IllegalArgumentException("Capacity must be at least 1, was " + size);
			}
		}

	}

}
