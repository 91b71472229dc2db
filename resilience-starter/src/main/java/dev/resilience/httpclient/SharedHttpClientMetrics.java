package dev.resilience.httpclient;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.httpcomponents.hc5.PoolingHttpClientConnectionManagerMetricsBinder;

/**
 * Metrics of the shared client: {@code resilience.http.cache.requests} (function counters over
 * {@link CacheOutcomeCounts}, tag {@code outcome}), {@code resilience.http.cache.collapsed} (followers served through
 * request collapsing), {@code resilience.http.cache.entries} and
 * {@code resilience.http.cache.size} (where the store can tell), and the pool metrics of Micrometer's HttpClient 5
 * binder ({@code httpcomponents.httpclient.pool.*}, tag {@code httpclient=shared}). Nothing on the request path
 * touches Micrometer.
 */
public final class SharedHttpClientMetrics implements MeterBinder {

	/** Name of the cache outcome counter. */
	public static final String CACHE_REQUESTS = "resilience.http.cache.requests";

	/** Name of the counter of requests served through request collapsing. */
	public static final String CACHE_COLLAPSED = "resilience.http.cache.collapsed";

	private final SharedHttpClient client;

	public SharedHttpClientMetrics(SharedHttpClient client) {
		this.client = client;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		new PoolingHttpClientConnectionManagerMetricsBinder(this.client.pool(), "shared").bindTo(registry);
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
		if (store.entryCount() >= 0) {
			Gauge.builder("resilience.http.cache.entries", store, HttpCacheStore::entryCount)
				.description("Entries in the shared HTTP cache")
				.tag("store", store.name())
				.register(registry);
		}
		if (store.sizeInBytes() >= 0) {
			Gauge.builder("resilience.http.cache.size", store, HttpCacheStore::sizeInBytes)
				.description("Bytes held by the shared HTTP cache")
				.baseUnit("bytes")
				.tag("store", store.name())
				.register(registry);
		}
	}

}
