package dev.resilience.httpclient;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.resilience.support.ResilienceSection;
import org.apache.hc.core5.pool.PoolStats;

/**
 * The {@code http-client} section of the {@code resilience} actuator endpoint: pool state, cache store, entries,
 * bytes, outcome counts and hit ratio, hits per store tier, requests served through collapsing, the Redis store's
 * state (breaker, calls, failures, rejected calls) when it is used, and the retries the budget would allow now.
 */
public final class SharedHttpClientSection implements ResilienceSection {

	private final SharedHttpClient client;

	public SharedHttpClientSection(SharedHttpClient client) {
		this.client = client;
	}

	@Override
	public String name() {
		return "http-client";
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> section = new LinkedHashMap<>();
		PoolStats stats = this.client.pool().getTotalStats();
		Map<String, Object> pool = new LinkedHashMap<>();
		pool.put("leased", stats.getLeased());
		pool.put("available", stats.getAvailable());
		pool.put("pending", stats.getPending());
		pool.put("max", stats.getMax());
		pool.put("routes", this.client.pool().getRoutes().size());
		section.put("pool", pool);
		Map<String, Object> cache = new LinkedHashMap<>();
		HttpCacheStore store = this.client.store();
		cache.put("enabled", store != null);
		if (store != null) {
			cache.put("store", store.name());
			cache.put("entries", store.entryCount());
			cache.put("bytes", store.sizeInBytes());
			CacheOutcomeCounts outcomes = this.client.outcomes();
			Map<String, Object> counts = new LinkedHashMap<>();
			for (CacheOutcome outcome : CacheOutcome.values()) {
				counts.put(outcome.tag(), outcomes.count(outcome));
			}
			cache.put("outcomes", counts);
			cache.put("hitRatio", outcomes.hitRatio());
			cache.put("collapsed", outcomes.collapsed());
			Map<String, Object> tierHits = new LinkedHashMap<>();
			List<String> tiers = store.tiers();
			for (int i = 0; i < tiers.size(); i++) {
				tierHits.put(tiers.get(i), outcomes.tierHits(i));
			}
			cache.put("tierHits", tierHits);
			RedisHttpCacheStore redis = RedisHttpCacheStore.of(store);
			if (redis != null) {
				cache.put("redis", redis.describe());
			}
		}
		section.put("cache", cache);
		section.put("retryBudget", this.client.retryBudget().available());
		section.put("retryBudgetExhausted", this.client.retryBudget().exhausted());
		return section;
	}

}
