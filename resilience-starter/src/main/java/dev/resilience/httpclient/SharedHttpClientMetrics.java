package dev.resilience.httpclient;

import java.util.List;

import dev.resilience.support.RemoteStoreMeters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.httpcomponents.hc5.PoolingHttpClientConnectionManagerMetricsBinder;

/**
 * Metrics of the shared client, named after its {@code resilience.http-client.*} properties:
 * <ul>
 * <li>{@code resilience.http.client.cache.requests} (function counters over {@link CacheOutcomeCounts}, tag
 * {@code outcome}), {@code resilience.http.client.cache.collapsed} (followers served through request collapsing),
 * {@code resilience.http.client.cache.tier.hits} (hits by the store tier that held the entry, tag {@code tier}),
 * {@code resilience.http.client.cache.entries} and {@code resilience.http.client.cache.size} (where the store can
 * tell, tag {@code store});</li>
 * <li>with the Redis store, {@code resilience.http.client.cache.store.latency} (timer of every call that went to
 * Redis, tag {@code outcome} {@code success} or {@code failure}, a timeout included),
 * {@code resilience.http.client.cache.store.errors} (failed or timed-out calls),
 * {@code resilience.http.client.cache.store.rejected} (calls refused by the open circuit breaker) and
 * {@code resilience.http.client.cache.store.breaker} (0 closed, 1 half-open, 2 open);</li>
 * <li>{@code resilience.http.client.retry.budget.exhausted} (retries refused because the budget was empty);</li>
 * <li>the pool metrics of Micrometer's HttpClient 5 binder ({@code httpcomponents.httpclient.pool.*}, tag
 * {@code httpclient=shared}).</li>
 * </ul>
 * Every counter is registered when the binder is bound, at startup. Nothing on the request path touches Micrometer.
 */
public final class SharedHttpClientMetrics implements MeterBinder {

	/** Name of the cache outcome counter. */
	public static final String CACHE_REQUESTS = "resilience.http.client.cache.requests";

	/** Name of the counter of requests served through request collapsing. */
	public static final String CACHE_COLLAPSED = "resilience.http.client.cache.collapsed";

	/** Name of the counter of hits by store tier. */
	public static final String CACHE_TIER_HITS = "resilience.http.client.cache.tier.hits";

	/** Name of the gauge of stored entries. */
	public static final String CACHE_ENTRIES = "resilience.http.client.cache.entries";

	/** Name of the gauge of stored bytes. */
	public static final String CACHE_SIZE = "resilience.http.client.cache.size";

	private static final String STORE_PREFIX = "resilience.http.client.cache.store";

	/** Name of the timer of Redis store calls. */
	public static final String STORE_LATENCY = STORE_PREFIX + ".latency";

	/** Name of the counter of failed Redis store calls. */
	public static final String STORE_ERRORS = STORE_PREFIX + ".errors";

	/** Name of the counter of Redis store calls refused by the open breaker. */
	public static final String STORE_REJECTED = STORE_PREFIX + ".rejected";

	/** Name of the gauge of the Redis store's breaker state. */
	public static final String STORE_BREAKER = STORE_PREFIX + ".breaker";

	/** Name of the counter of retries refused by the empty retry budget. */
	public static final String RETRY_BUDGET_EXHAUSTED = "resilience.http.client.retry.budget.exhausted";

	private final SharedHttpClient client;

	public SharedHttpClientMetrics(SharedHttpClient client) {
		this.client = client;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		new PoolingHttpClientConnectionManagerMetricsBinder(this.client.pool(), "shared").bindTo(registry);
		FunctionCounter.builder(RETRY_BUDGET_EXHAUSTED, this.client.retryBudget(), RetryBudget::exhausted)
			.description("Retries of the shared HTTP client refused because the retry budget was empty")
			.register(registry);
		HttpCacheStore store = this.client.store();
		if (store == null) {
			return;
		}
		CacheOutcomeCounts counts = this.client.outcomes();
		for (CacheOutcome outcome : CacheOutcome.values()) {
			FunctionCounter.builder(CACHE_REQUESTS, counts, (c) -> c.count(outcome))
				.description("Responses of the shared HTTP client by cache outcome")
				.tag("outcome", outcome.tag())
				.register(registry);
		}
		FunctionCounter.builder(CACHE_COLLAPSED, counts, CacheOutcomeCounts::collapsed)
			.description("Requests that waited for a concurrent request to the same URL and were served what it stored")
			.register(registry);
		List<String> tiers = store.tiers();
		for (int i = 0; i < tiers.size(); i++) {
			int tier = i;
			FunctionCounter.builder(CACHE_TIER_HITS, counts, (c) -> c.tierHits(tier))
				.description("Cache hits of the shared HTTP client by the store tier that held the entry")
				.tag("tier", tiers.get(i))
				.register(registry);
		}
		if (store.entryCount() >= 0) {
			Gauge.builder(CACHE_ENTRIES, store, HttpCacheStore::entryCount)
				.description("Entries in the shared HTTP cache (the heap tier of a tiered store)")
				.tag("store", store.name())
				.register(registry);
		}
		if (store.sizeInBytes() >= 0) {
			Gauge.builder(CACHE_SIZE, store, HttpCacheStore::sizeInBytes)
				.description("Bytes held by the shared HTTP cache (the heap tier of a tiered store)")
				.baseUnit("bytes")
				.tag("store", store.name())
				.register(registry);
		}
		RedisHttpCacheStore redis = RedisHttpCacheStore.of(store);
		if (redis != null) {
			RemoteStoreMeters.bind(redis.guard(), STORE_PREFIX, "Redis HTTP cache store", registry);
		}
	}

}
