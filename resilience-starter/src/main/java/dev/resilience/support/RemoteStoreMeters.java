package dev.resilience.support;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Micrometer meters of a {@link RemoteStoreGuard}, under a store's prefix: {@code <prefix>.latency} (timer of every
 * call that went to the store, tagged {@code outcome} {@code success} or {@code failure}, a timeout included),
 * {@code <prefix>.errors} (failed or timed-out calls), {@code <prefix>.rejected} (calls refused by the open circuit
 * breaker) and {@code <prefix>.breaker} (0 closed, 1 half-open, 2 open).
 */
public final class RemoteStoreMeters {

	private RemoteStoreMeters() {
	}

	/**
	 * Register the meters of a guard.
	 * @param guard the store's guard
	 * @param prefix the meters' name prefix, for example {@code resilience.etag.store}
	 * @param store what the store is, for the descriptions, for example {@code Redis resource version store}
	 * @param registry where the meters are registered
	 */
	public static void bind(RemoteStoreGuard guard, String prefix, String store, MeterRegistry registry) {
		Timer success = Timer.builder(prefix + ".latency")
			.description("Calls of the " + store)
			.tag("outcome", "success")
			.register(registry);
		Timer failure = Timer.builder(prefix + ".latency")
			.description("Calls of the " + store)
			.tag("outcome", "failure")
			.register(registry);
		guard.listen((nanos, ok) -> (ok ? success : failure).record(nanos, TimeUnit.NANOSECONDS));
		FunctionCounter.builder(prefix + ".errors", guard, RemoteStoreGuard::failures)
			.description("Calls of the " + store + " that failed or timed out")
			.register(registry);
		FunctionCounter.builder(prefix + ".rejected", guard, RemoteStoreGuard::rejected)
			.description("Calls of the " + store + " refused by its open circuit breaker")
			.register(registry);
		Gauge.builder(prefix + ".breaker", guard, (g) -> switch (g.state()) {
			case CLOSED -> 0;
			case HALF_OPEN -> 1;
			case OPEN -> 2;
		}).description("Circuit breaker of the " + store + ": 0 closed, 1 half-open, 2 open").register(registry);
	}

}
