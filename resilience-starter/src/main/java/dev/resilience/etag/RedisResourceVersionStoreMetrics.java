package dev.resilience.etag;

import dev.resilience.support.RemoteStoreMeters;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Micrometer meters of the {@link RedisResourceVersionStore}: {@code resilience.etag.store.latency} (timer of every
 * call that went to Redis, tagged {@code outcome} {@code success} or {@code failure}, a timeout included),
 * {@code resilience.etag.store.errors} (failed or timed-out calls), {@code resilience.etag.store.rejected} (calls
 * refused by the open circuit breaker), {@code resilience.etag.store.breaker} (0 closed, 1 half-open, 2 open) and
 * {@code resilience.etag.store.pending.changes} (instances changed while Redis was unreachable, not recorded yet).
 */
public final class RedisResourceVersionStoreMetrics {

	/** Name of the timer of store calls. */
	public static final String LATENCY = "resilience.etag.store.latency";

	/** Name of the counter of failed store calls. */
	public static final String ERRORS = "resilience.etag.store.errors";

	/** Name of the counter of store calls refused by the open breaker. */
	public static final String REJECTED = "resilience.etag.store.rejected";

	/** Name of the gauge of the breaker's state. */
	public static final String BREAKER = "resilience.etag.store.breaker";

	/** Name of the gauge of pending changes. */
	public static final String PENDING_CHANGES = "resilience.etag.store.pending.changes";

	/**
	 * Register the meters.
	 * @param store the store
	 * @param registry where the meters are registered
	 */
	public RedisResourceVersionStoreMetrics(RedisResourceVersionStore store, MeterRegistry registry) {
		RemoteStoreMeters.bind(store.guard(), "resilience.etag.store", "Redis resource version store", registry);
		Gauge.builder(PENDING_CHANGES, store, RedisResourceVersionStore::pendingChanges)
			.description("Resource instances changed while Redis was unreachable whose new version is not recorded yet")
			.register(registry);
	}

}
