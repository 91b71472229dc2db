package dev.resilience.httpclient.autoconfigure;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.resilience.support.PropertyChecks;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration of the shared caching HTTP client.
 */
@ConfigurationProperties("resilience.http-client")
public class SharedHttpClientProperties implements Validator {

	/**
	 * Whether every RestClient.Builder, RestTemplateBuilder and HTTP service group uses the one shared pooled
	 * caching client.
	 */
	private boolean enabled = true;

	/**
	 * How long an idle connection is kept alive when the origin's response names no Keep-Alive timeout.
	 */
	private Duration keepAlive = Duration.ofSeconds(30);

	/**
	 * Whether the shared client keeps cookies when a builder's settings do not say. Off: one cookie jar shared by all
	 * users mixes their sessions.
	 */
	private boolean cookies = false;

	private final Pool pool = new Pool();

	private final Cache cache = new Cache();

	private final Retry retry = new Retry();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getKeepAlive() {
		return this.keepAlive;
	}

	public void setKeepAlive(Duration keepAlive) {
		this.keepAlive = keepAlive;
	}

	public boolean isCookies() {
		return this.cookies;
	}

	public void setCookies(boolean cookies) {
		this.cookies = cookies;
	}

	public Pool getPool() {
		return this.pool;
	}

	public Cache getCache() {
		return this.cache;
	}

	public Retry getRetry() {
		return this.retry;
	}

	@Override
	public boolean supports(Class<?> clazz) {
		return SharedHttpClientProperties.class.isAssignableFrom(clazz);
	}

	@Override
	public void validate(Object target, Errors errors) {
		SharedHttpClientProperties properties = (SharedHttpClientProperties) target;
		PropertyChecks.positive(errors, "keepAlive", properties.keepAlive);
		Pool pool = properties.pool;
		PropertyChecks.atLeast(errors, "pool.maxTotal", pool.maxTotal, 1);
		PropertyChecks.atLeast(errors, "pool.maxPerRoute", pool.maxPerRoute, 1);
		if (pool.maxPerRoute > pool.maxTotal) {
			errors.rejectValue("pool.maxPerRoute", "range",
					"must not exceed resilience.http-client.pool.max-total (" + pool.maxTotal + ")");
		}
		PropertyChecks.positive(errors, "pool.acquireTimeout", pool.acquireTimeout);
		PropertyChecks.positive(errors, "pool.timeToLive", pool.timeToLive);
		PropertyChecks.positive(errors, "pool.validateAfterInactivity", pool.validateAfterInactivity);
		PropertyChecks.positive(errors, "pool.evictIdleAfter", pool.evictIdleAfter);
		Cache cache = properties.cache;
		if (cache.store == null) {
			errors.rejectValue("cache.store", "required", "must be one of memory, caffeine, ehcache, redis");
		}
		PropertyChecks.atLeast(errors, "cache.maxEntries", cache.maxEntries, 1);
		PropertyChecks.notNegative(errors, "cache.staleIfUnreachable", cache.staleIfUnreachable);
		for (String header : cache.identityHeaders) {
			if (header == null || !header.trim().matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
				errors.rejectValue("cache.identityHeaders", "token",
						"must be header names, but contains '" + header + "'");
			}
		}
		positive(errors, "cache.maxObjectSize", cache.maxObjectSize);
		positive(errors, "cache.maxSize", cache.maxSize);
		if (cache.maxObjectSize != null && cache.maxSize != null && cache.maxObjectSize.compareTo(cache.maxSize) > 0) {
			errors.rejectValue("cache.maxObjectSize", "range",
					"must not exceed resilience.http-client.cache.max-size (" + cache.maxSize + ")");
		}
		Ehcache ehcache = cache.ehcache;
		positive(errors, "cache.ehcache.heapSize", ehcache.heapSize);
		if (cache.store == Store.EHCACHE && ehcache.heapSize != null && cache.maxObjectSize != null
				&& ehcache.heapSize.compareTo(cache.maxObjectSize) < 0) {
			errors.rejectValue("cache.ehcache.heapSize", "range",
					"must be at least resilience.http-client.cache.max-object-size (" + cache.maxObjectSize + ")");
		}
		notNegative(errors, "cache.ehcache.offHeapSize", ehcache.offHeapSize);
		notNegative(errors, "cache.ehcache.diskSize", ehcache.diskSize);
		Redis redis = cache.redis;
		PropertyChecks.notBlank(errors, "cache.redis.keyPrefix", redis.keyPrefix);
		PropertyChecks.positive(errors, "cache.redis.timeout", redis.timeout);
		PropertyChecks.atLeast(errors, "cache.redis.failureThreshold", redis.failureThreshold, 1);
		PropertyChecks.positive(errors, "cache.redis.coolDown", redis.coolDown);
		positive(errors, "cache.redis.maxEntrySize", redis.maxEntrySize);
		PropertyChecks.positive(errors, "cache.redis.revalidationTimeToLive", redis.revalidationTimeToLive);
		positive(errors, "cache.redis.heapTier.maxSize", redis.heapTier.maxSize);
		PropertyChecks.positive(errors, "cache.redis.heapTier.timeToLive", redis.heapTier.timeToLive);
		Retry retry = properties.retry;
		PropertyChecks.atLeast(errors, "retry.maxRetries", retry.maxRetries, 0);
		if (retry.maxRetries > 3) {
			errors.rejectValue("retry.maxRetries", "range", "must be at most 3: more retries amplify an overload");
		}
		PropertyChecks.fraction(errors, "retry.budget", retry.budget);
		PropertyChecks.atLeast(errors, "retry.burst", retry.burst, 1);
	}

	private static void positive(Errors errors, String field, DataSize value) {
		if (value == null || value.toBytes() <= 0) {
			errors.rejectValue(field, "positive", "must be a positive size, for example 1MB");
		}
	}

	private static void notNegative(Errors errors, String field, DataSize value) {
		if (value == null || value.toBytes() < 0) {
			errors.rejectValue(field, "range", "must be 0 (tier off) or a positive size, for example 64MB");
		}
	}

	/**
	 * Connection pool shared by every client.
	 */
	public static class Pool {

		/**
		 * Most connections open at once, over all origins.
		 */
		private int maxTotal = 200;

		/**
		 * Most connections open at once to one origin (scheme, host and port).
		 */
		private int maxPerRoute = 50;

		/**
		 * Longest a request waits to lease a connection from a full pool before it fails. The timeout defaults set it
		 * to resilience.timeouts.connect.
		 */
		private Duration acquireTimeout = Duration.ofSeconds(3);

		/**
		 * Longest a connection is used, however busy; bounds how long a DNS change or a rebalanced origin goes
		 * unnoticed.
		 */
		private Duration timeToLive = Duration.ofMinutes(5);

		/**
		 * Idle time after which a pooled connection is checked before it is reused.
		 */
		private Duration validateAfterInactivity = Duration.ofSeconds(2);

		/**
		 * Idle time after which a background task closes a pooled connection.
		 */
		private Duration evictIdleAfter = Duration.ofSeconds(30);

		public int getMaxTotal() {
			return this.maxTotal;
		}

		public void setMaxTotal(int maxTotal) {
			this.maxTotal = maxTotal;
		}

		public int getMaxPerRoute() {
			return this.maxPerRoute;
		}

		public void setMaxPerRoute(int maxPerRoute) {
			this.maxPerRoute = maxPerRoute;
		}

		public Duration getAcquireTimeout() {
			return this.acquireTimeout;
		}

		public void setAcquireTimeout(Duration acquireTimeout) {
			this.acquireTimeout = acquireTimeout;
		}

		public Duration getTimeToLive() {
			return this.timeToLive;
		}

		public void setTimeToLive(Duration timeToLive) {
			this.timeToLive = timeToLive;
		}

		public Duration getValidateAfterInactivity() {
			return this.validateAfterInactivity;
		}

		public void setValidateAfterInactivity(Duration validateAfterInactivity) {
			this.validateAfterInactivity = validateAfterInactivity;
		}

		public Duration getEvictIdleAfter() {
			return this.evictIdleAfter;
		}

		public void setEvictIdleAfter(Duration evictIdleAfter) {
			this.evictIdleAfter = evictIdleAfter;
		}

	}

	/**
	 * RFC 9111 cache in front of the pool.
	 */
	public static class Cache {

		/**
		 * Whether responses are cached (and revalidated) per RFC 9111.
		 */
		private boolean enabled = true;

		/**
		 * Where cached responses are kept.
		 */
		private Store store = Store.MEMORY;

		/**
		 * Whether the cache behaves as a shared cache (RFC 9111 §3.5): private responses and responses to requests
		 * with Authorization are not reused. Turn off only when the application serves a single user.
		 */
		private boolean shared = true;

		/**
		 * Most entries kept by the memory store: each entry counts at least max-size / max-entries bytes towards
		 * max-size.
		 */
		private int maxEntries = 1000;

		/**
		 * Largest response body that is cached; larger bodies stream through uncached. HttpClient's 8KB default
		 * skips most JSON.
		 */
		private DataSize maxObjectSize = DataSize.ofKilobytes(512);

		/**
		 * Most bytes kept by the memory and caffeine stores.
		 */
		private DataSize maxSize = DataSize.ofMegabytes(64);

		/**
		 * Whether a stale response is served when the origin fails although neither the request nor the response
		 * carries stale-if-error. A response's own stale-if-error directive (RFC 5861) is always honoured.
		 */
		private boolean staleIfError = false;

		/**
		 * Whether responses without explicit freshness are cached for a fraction of their age since Last-Modified
		 * (RFC 9111 §4.2.2). Off: only what the origin marks cacheable is reused.
		 */
		private boolean heuristicFreshness = false;

		/**
		 * Whether each response carries a debug Cache-Status header (RFC 9211 syntax) naming the cache outcome.
		 */
		private boolean statusHeader = false;

		/**
		 * Whether concurrent GET requests that must go to the origin for the same URL (a miss or a revalidation) wait
		 * for one origin exchange and are then served what it stored. A waiter gives up at its own read timeout.
		 */
		private boolean collapseRequests = true;

		/**
		 * How long past its freshness lifetime a stored response may be served when revalidating it fails because
		 * the origin cannot be reached (connection refused, reset or timed out); 0 to never. Not for 5xx answers,
		 * which stale-if-error governs.
		 */
		private Duration staleIfUnreachable = Duration.ofMinutes(1);

		/**
		 * Request headers that identify the end user, besides Authorization and Cookie (always), for example
		 * X-User-Id. A response to a request that carries one is stored only when the origin allows a shared cache to
		 * reuse it for other users (public, s-maxage or must-revalidate).
		 */
		private List<String> identityHeaders = new ArrayList<>();

		private final Ehcache ehcache = new Ehcache();

		private final Redis redis = new Redis();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Store getStore() {
			return this.store;
		}

		public void setStore(Store store) {
			this.store = store;
		}

		public boolean isShared() {
			return this.shared;
		}

		public void setShared(boolean shared) {
			this.shared = shared;
		}

		public int getMaxEntries() {
			return this.maxEntries;
		}

		public void setMaxEntries(int maxEntries) {
			this.maxEntries = maxEntries;
		}

		public DataSize getMaxObjectSize() {
			return this.maxObjectSize;
		}

		public void setMaxObjectSize(DataSize maxObjectSize) {
			this.maxObjectSize = maxObjectSize;
		}

		public DataSize getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(DataSize maxSize) {
			this.maxSize = maxSize;
		}

		public boolean isStaleIfError() {
			return this.staleIfError;
		}

		public void setStaleIfError(boolean staleIfError) {
			this.staleIfError = staleIfError;
		}

		public boolean isHeuristicFreshness() {
			return this.heuristicFreshness;
		}

		public void setHeuristicFreshness(boolean heuristicFreshness) {
			this.heuristicFreshness = heuristicFreshness;
		}

		public boolean isStatusHeader() {
			return this.statusHeader;
		}

		public void setStatusHeader(boolean statusHeader) {
			this.statusHeader = statusHeader;
		}

		public boolean isCollapseRequests() {
			return this.collapseRequests;
		}

		public void setCollapseRequests(boolean collapseRequests) {
			this.collapseRequests = collapseRequests;
		}

		public Duration getStaleIfUnreachable() {
			return this.staleIfUnreachable;
		}

		public void setStaleIfUnreachable(Duration staleIfUnreachable) {
			this.staleIfUnreachable = staleIfUnreachable;
		}

		public List<String> getIdentityHeaders() {
			return this.identityHeaders;
		}

		public void setIdentityHeaders(List<String> identityHeaders) {
			this.identityHeaders = identityHeaders;
		}

		public Ehcache getEhcache() {
			return this.ehcache;
		}

		public Redis getRedis() {
			return this.redis;
		}

	}

	/**
	 * Tiers of the ehcache store.
	 */
	public static class Ehcache {

		/**
		 * Bytes of bodies kept on the heap tier, which Ehcache always has: it holds heap-size / max-object-size
		 * entries, so that entries of the largest cacheable size fit.
		 */
		private DataSize heapSize = DataSize.ofMegabytes(64);

		/**
		 * Bytes kept off-heap; 0 for no off-heap tier.
		 */
		private DataSize offHeapSize = DataSize.ofBytes(0);

		/**
		 * Bytes kept on disk; 0 for no disk tier.
		 */
		private DataSize diskSize = DataSize.ofBytes(0);

		/**
		 * Directory of the disk tier, which then persists across restarts; give each application (and each JVM)
		 * its own. Without one, the disk tier lives in a fresh temporary directory of its own, deleted when the
		 * application stops. Not used without a disk tier.
		 */
		private File diskPath;

		public DataSize getHeapSize() {
			return this.heapSize;
		}

		public void setHeapSize(DataSize heapSize) {
			this.heapSize = heapSize;
		}

		public DataSize getOffHeapSize() {
			return this.offHeapSize;
		}

		public void setOffHeapSize(DataSize offHeapSize) {
			this.offHeapSize = offHeapSize;
		}

		public DataSize getDiskSize() {
			return this.diskSize;
		}

		public void setDiskSize(DataSize diskSize) {
			this.diskSize = diskSize;
		}

		public File getDiskPath() {
			return this.diskPath;
		}

		public void setDiskPath(File diskPath) {
			this.diskPath = diskPath;
		}

	}

	/**
	 * Redis store, shared by every instance that uses the same Redis and key prefix.
	 */
	public static class Redis {

		/**
		 * Prefix of every key the store writes (one key per cache entry).
		 */
		private String keyPrefix = "resilience:http:";

		/**
		 * How long one store call may take before it counts as failed and the request goes to the origin; shorter
		 * than the application's Redis command timeout, so that a hanging Redis costs a request at most this much.
		 */
		private Duration timeout = Duration.ofMillis(250);

		/**
		 * Consecutive failed store calls after which the circuit breaker opens: calls then fail at once, without
		 * waiting for Redis, and requests go to the origin.
		 */
		private int failureThreshold = 3;

		/**
		 * How long the circuit breaker stays open before one call probes Redis again.
		 */
		private Duration coolDown = Duration.ofSeconds(5);

		/**
		 * Largest serialised entry (body, headers and metadata) stored in Redis; larger entries are not stored.
		 */
		private DataSize maxEntrySize = DataSize.ofMegabytes(1);

		/**
		 * How long at least an entry that can be revalidated (it has an ETag or Last-Modified) or that has no
		 * explicit freshness is kept in Redis. Other entries expire after their freshness lifetime plus the stale
		 * allowance.
		 */
		private Duration revalidationTimeToLive = Duration.ofHours(1);

		private final HeapTier heapTier = new HeapTier();

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public int getFailureThreshold() {
			return this.failureThreshold;
		}

		public void setFailureThreshold(int failureThreshold) {
			this.failureThreshold = failureThreshold;
		}

		public Duration getCoolDown() {
			return this.coolDown;
		}

		public void setCoolDown(Duration coolDown) {
			this.coolDown = coolDown;
		}

		public DataSize getMaxEntrySize() {
			return this.maxEntrySize;
		}

		public void setMaxEntrySize(DataSize maxEntrySize) {
			this.maxEntrySize = maxEntrySize;
		}

		public Duration getRevalidationTimeToLive() {
			return this.revalidationTimeToLive;
		}

		public void setRevalidationTimeToLive(Duration revalidationTimeToLive) {
			this.revalidationTimeToLive = revalidationTimeToLive;
		}

		public HeapTier getHeapTier() {
			return this.heapTier;
		}

	}

	/**
	 * In-heap first tier in front of the Redis store.
	 */
	public static class HeapTier {

		/**
		 * Whether an in-heap tier answers before Redis: a hit then costs no round trip, and an entry another
		 * instance replaced or invalidated may be served here for up to time-to-live.
		 */
		private boolean enabled = false;

		/**
		 * Most bytes (bodies plus headers) kept by the heap tier; each entry counts at least max-size /
		 * resilience.http-client.cache.max-entries.
		 */
		private DataSize maxSize = DataSize.ofMegabytes(16);

		/**
		 * How long the heap tier keeps an entry after it was written or read from Redis: the longest this instance
		 * serves an entry that another instance replaced or invalidated.
		 */
		private Duration timeToLive = Duration.ofSeconds(10);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public DataSize getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(DataSize maxSize) {
			this.maxSize = maxSize;
		}

		public Duration getTimeToLive() {
			return this.timeToLive;
		}

		public void setTimeToLive(Duration timeToLive) {
			this.timeToLive = timeToLive;
		}

	}

	/**
	 * Retry policy of the shared client.
	 */
	public static class Retry {

		/**
		 * Most times one idempotent request is re-sent after an I/O error on a reused connection. Never on a status
		 * code, never with a sleep.
		 */
		private int maxRetries = 1;

		/**
		 * Retries allowed per request, over all requests: a fraction in (0, 1].
		 */
		private double budget = 0.1;

		/**
		 * Most retries that may be spent in a burst before the budget refills.
		 */
		private int burst = 10;

		public int getMaxRetries() {
			return this.maxRetries;
		}

		public void setMaxRetries(int maxRetries) {
			this.maxRetries = maxRetries;
		}

		public double getBudget() {
			return this.budget;
		}

		public void setBudget(double budget) {
			this.budget = budget;
		}

		public int getBurst() {
			return this.burst;
		}

		public void setBurst(int burst) {
			this.burst = burst;
		}

	}

	/**
	 * Cache stores.
	 */
	public enum Store {

		/** In-heap, bounded by entries and bytes, entries kept as objects. */
		MEMORY,

		/** Caffeine (W-TinyLFU), bounded by bytes, entries kept serialised. */
		CAFFEINE,

		/** Ehcache 3 heap / off-heap / disk tiers, bounded by bytes, entries kept serialised. */
		EHCACHE,

		/**
		 * Redis, through the application's RedisConnectionFactory (Lettuce), shared by every instance; entries kept
		 * serialised, optionally behind an in-heap tier.
		 */
		REDIS

	}

}
