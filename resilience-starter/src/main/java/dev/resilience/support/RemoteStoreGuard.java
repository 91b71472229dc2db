package dev.resilience.support;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;

/**
 * What every remote store (Redis) of the starter wraps its calls in: a timeout of its own, shorter than the client's
 * command timeout, and a circuit breaker, so that requests do not each wait for a store that is down.
 *
 * <p>The breaker opens after a number of consecutive failures (a timeout counts as one); while it is open, calls fail
 * at once without touching the network. After a cool-down, one call is let through as a probe: its success closes the
 * breaker, its failure opens it for another cool-down. Failures are logged as a rate-limited WARN. Lock-free.
 */
public final class RemoteStoreGuard {

	/** State of the breaker. */
	public enum State {

		/** Calls go to the store. */
		CLOSED,

		/** Calls fail at once until the cool-down is over. */
		OPEN,

		/** One probe call is in flight; other calls fail at once. */
		HALF_OPEN

	}

	private static final Listener NO_LISTENER = (nanos, success) -> {
	};

	private final String name;

	private final long timeoutNanos;

	private final int failureThreshold;

	private final long coolDownNanos;

	private final RateLimitedLog log;

	private final AtomicReference<State> state = new AtomicReference<>(State.CLOSED);

	private final AtomicInteger consecutiveFailures = new AtomicInteger();

	private final AtomicLong openedAt = new AtomicLong();

	private final LongAdder calls = new LongAdder();

	private final LongAdder failures = new LongAdder();

	private final LongAdder rejected = new LongAdder();

	private final RemoteStoreUnavailableException open;

	private volatile Listener listener = NO_LISTENER;

	/**
	 * Create a guard.
	 * @param name the store's name in log lines and exceptions, for example {@code resilience.etag.store (redis)}
	 * @param timeout how long one call may take before it counts as failed
	 * @param failureThreshold consecutive failures that open the breaker
	 * @param coolDown how long the breaker stays open before a probe call is let through
	 * @param logger where failures are logged, at most once per cool-down
	 */
	public RemoteStoreGuard(String name, Duration timeout, int failureThreshold, Duration coolDown, Log logger) {
		if (timeout.isZero() || timeout.isNegative() || coolDown.isZero() || coolDown.isNegative()) {
			throw new IllegalArgumentException("timeout and coolDown must be positive");
		}
		if (failureThreshold < 1) {
			throw new IllegalArgumentException("failureThreshold must be at least 1");
		}
		this.name = name;
		this.timeoutNanos = timeout.toNanos();
		this.failureThreshold = failureThreshold;
		this.coolDownNanos = coolDown.toNanos();
		this.log = new RateLimitedLog(logger, coolDown);
		this.open = new RemoteStoreUnavailableException(name + " is unavailable (circuit breaker open)", null);
	}

	/**
	 * Run a call to the store, unless the breaker is open, and wait for its result at most the timeout.
	 * @param <T> the result type
	 * @param call starts the call and returns its pending result; not invoked while the breaker is open
	 * @return the result
	 * @throws RemoteStoreUnavailableException if the breaker is open, the call fails or does not complete in time
	 */
	public <T> T call(Supplier<? extends Future<T>> call) {
		boolean probe = admit();
		this.calls.increment();
		long start = System.nanoTime();
		Future<T> future = null;
		try {
			future = call.get();
			T result = future.get(this.timeoutNanos, TimeUnit.NANOSECONDS);
			succeeded(probe, System.nanoTime() - start);
			return result;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw failed(probe, start, future, ex);
		}
		catch (ExecutionException ex) {
			throw failed(probe, start, future, (ex.getCause() != null) ? ex.getCause() : ex);
		}
		catch (TimeoutException | RuntimeException ex) {
			throw failed(probe, start, future, ex);
		}
	}

	private boolean admit() {
		State current = this.state.get();
		if (current == State.CLOSED) {
			return false;
		}
		if (current == State.OPEN && System.nanoTime() - this.openedAt.get() >= this.coolDownNanos
				&& this.state.compareAndSet(State.OPEN, State.HALF_OPEN)) {
			return true;
		}
		this.rejected.increment();
		throw this.open;
	}

	private void succeeded(boolean probe, long nanos) {
		this.consecutiveFailures.set(0);
		if (probe) {
			this.state.set(State.CLOSED);
		}
		this.listener.completed(nanos, true);
	}

	private RemoteStoreUnavailableException failed(boolean probe, long start, Future<?> future, Throwable cause) {
		long nanos = System.nanoTime() - start;
		if (future != null) {
			future.cancel(false);
		}
		this.failures.increment();
		int consecutive = this.consecutiveFailures.incrementAndGet();
		boolean opens = probe || consecutive >= this.failureThreshold;
		if (opens) {
			this.openedAt.set(System.nanoTime());
			this.state.set(State.OPEN);
		}
		this.listener.completed(nanos, false);
		String reason = (cause instanceof TimeoutException)
				? "no answer within " + Duration.ofNanos(this.timeoutNanos).toMillis() + " ms" : cause.toString();
		this.log.warn(() -> this.name + " failed (" + reason + ")"
				+ (opens ? "; circuit breaker open for " + Duration.ofNanos(this.coolDownNanos).toMillis() + " ms"
						: ""));
		return new RemoteStoreUnavailableException(this.name + " failed: " + reason, cause);
	}

	/**
	 * Be told of every call's duration and outcome, for example to record metrics. Calls rejected by an open breaker
	 * are not reported.
	 * @param listener the listener, replacing any earlier one
	 */
	public void listen(Listener listener) {
		this.listener = listener;
	}

	/**
	 * Current state of the breaker. An open breaker whose cool-down is over reads {@link State#OPEN} until the next
	 * call probes the store.
	 * @return the state
	 */
	public State state() {
		return this.state.get();
	}

	/**
	 * Seconds until the breaker lets a probe through, at least 1: what a {@code Retry-After} can say.
	 * @return the seconds
	 */
	public long retryAfterSeconds() {
		if (this.state.get() == State.CLOSED) {
			return 1;
		}
		long remaining = this.coolDownNanos - (System.nanoTime() - this.openedAt.get());
		return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(remaining + TimeUnit.SECONDS.toNanos(1) - 1));
	}

	/**
	 * Calls that went to the store (successful or not) since creation.
	 * @return the count
	 */
	public long calls() {
		return this.calls.sum();
	}

	/**
	 * Calls that failed or timed out since creation.
	 * @return the count
	 */
	public long failures() {
		return this.failures.sum();
	}

	/**
	 * Calls refused without touching the store because the breaker was open, since creation.
	 * @return the count
	 */
	public long rejected() {
		return this.rejected.sum();
	}

	/**
	 * Told of each call that went to the store. Called on the caller's thread: must be cheap and must not block.
	 */
	@FunctionalInterface
	public interface Listener {

		/**
		 * A call completed, failed or timed out.
		 * @param nanos how long it took
		 * @param success whether it returned a result in time
		 */
		void completed(long nanos, boolean success);

	}

}
