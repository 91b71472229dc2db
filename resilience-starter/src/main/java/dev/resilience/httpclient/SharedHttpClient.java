package dev.resilience.httpclient;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.cache.CacheConfig;
import org.apache.hc.client5.http.impl.cache.CachingHttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.core5.http.config.NamedElementChain;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.jspecify.annotations.Nullable;

/**
 * The application-wide Apache HttpClient 5: one pooled connection manager (keep-alive a little shorter than the
 * origin's, see {@link KeepAliveMargin}; eviction of idle and expired connections) and, unless the cache is off, one
 * RFC 9111 shared cache in front of it. Every
 * {@code RestClient.Builder}, {@code RestTemplateBuilder} and HTTP service group that Spring Boot creates executes
 * through {@link #client()}; per-builder settings travel with each request (see
 * {@link SharedClientHttpRequestFactoryBuilder}).
 *
 * <p>Exec chain, top to bottom: redirects, retries ({@link BudgetedRetryStrategy}), {@link CacheOutcomeRecorder},
 * {@link ConditionalRequestNormalizer}, {@link MustUnderstand#above()}, {@link RequestCollapser#above()}, HttpClient's
 * cache (storage wrapped by {@link GuardedHttpCacheStorage}), {@link FreshnessHeaderNormalizer},
 * {@link MustUnderstand#below()}, {@link OriginErrorRecorder},
 * {@link RequestCollapser#below()}, {@link RetryBudgetDeposit}, protocol, connect, transport.
 */
public final class SharedHttpClient implements AutoCloseable {

	private final PoolingHttpClientConnectionManager pool;

	private final HttpCacheStore store;

	private final CacheOutcomeCounts counts;

	private final RetryBudget retryBudget;

	private final RequestConfig defaultRequestConfig;

	private final CloseableHttpClient client;

	private final @Nullable RequestCollapser collapser;

	private final List<CloseableHttpClient> dependents = new CopyOnWriteArrayList<>();

	/**
	 * Build the shared client.
	 * @param pool the connection manager, owned (closed) by this client from now on
	 * @param store the cache store, or {@code null} to run without a cache
	 * @param cacheConfig HttpClient's cache configuration
	 * @param counts where cache outcomes are counted, with one tier per tier of the store
	 * @param statusHeader whether to add the debug {@code Cache-Status} response header
	 * @param collapseRequests whether concurrent requests that go to the origin for the same cache key share one
	 * origin exchange (see {@link RequestCollapser})
	 * @param staleIfUnreachable how long past its freshness a stored response may be served when the origin cannot
	 * be reached ({@link Duration#ZERO} for never, see {@link StaleIfUnreachable})
	 * @param identityHeaders request headers that identify the end user ({@code Cookie} and the application's own;
	 * HttpClient handles {@code Authorization}): a response to a request with one is stored only when the origin
	 * allows a shared cache to reuse it; ignored for a private cache
	 * @param maxRetries most retries of one request
	 * @param retryBudget retry budget shared by all requests
	 * @param defaultRequestConfig request configuration used when a request brings none
	 * @param evictIdleAfter how long a connection may stay idle in the pool before it is closed
	 */
	public SharedHttpClient(PoolingHttpClientConnectionManager pool, HttpCacheStore store, CacheConfig cacheConfig,
			CacheOutcomeCounts counts, boolean statusHeader, boolean collapseRequests, Duration staleIfUnreachable,
			Collection<String> identityHeaders, int maxRetries, RetryBudget retryBudget,
			RequestConfig defaultRequestConfig, TimeValue evictIdleAfter) {
		this.pool = pool;
		this.store = store;
		this.counts = counts;
		this.retryBudget = retryBudget;
		this.defaultRequestConfig = defaultRequestConfig;
		HttpClientBuilder builder;
		if (store != null && counts.tiers() < store.tiers().size()) {
			throw new IllegalArgumentException("counts has " + counts.tiers() + " tier(s), the store "
					+ store.tiers().size() + ": create it with new CacheOutcomeCounts(store.tiers().size())");
		}
		if (store != null) {
			GuardedHttpCacheStorage storage = new GuardedHttpCacheStorage(store,
					cacheConfig.isSharedCache() ? identityHeaders : List.of());
			StaleIfUnreachable stale = staleIfUnreachable.isZero() ? null
					: new StaleIfUnreachable(storage, staleIfUnreachable, cacheConfig.isSharedCache());
			this.collapser = collapseRequests ? new RequestCollapser(counts) : null;
			builder = new Builder(retryBudget, counts, statusHeader, this.collapser, stale)
				.setHttpCacheStorage(storage)
				.setCacheConfig(cacheConfig);
		}
		else {
			this.collapser = null;
			builder = new Builder(retryBudget, null, false, null, null);
		}
		this.client = builder.setConnectionManager(pool)
			.setConnectionManagerShared(false)
			.setDefaultRequestConfig(defaultRequestConfig)
			.setRetryStrategy(new BudgetedRetryStrategy(maxRetries, retryBudget))
			.setKeepAliveStrategy(new KeepAliveMargin())
			.evictExpiredConnections()
			.evictIdleConnections(evictIdleAfter)
			.build();
	}

	/**
	 * The shared client. Do not close it: the application context does.
	 * @return the client
	 */
	public CloseableHttpClient client() {
		return this.client;
	}

	/**
	 * The request collapser in the exec chain.
	 * @return the collapser, or {@code null} when collapsing (or the cache) is off
	 */
	@Nullable RequestCollapser collapser() {
		return this.collapser;
	}

	/**
	 * The shared connection pool.
	 * @return the pool
	 */
	public PoolingHttpClientConnectionManager pool() {
		return this.pool;
	}

	/**
	 * The cache store.
	 * @return the store, or {@code null} when the cache is off
	 */
	public HttpCacheStore store() {
		return this.store;
	}

	/**
	 * Cache outcomes counted so far.
	 * @return the counts
	 */
	public CacheOutcomeCounts outcomes() {
		return this.counts;
	}

	/**
	 * The retry budget.
	 * @return the budget
	 */
	public RetryBudget retryBudget() {
		return this.retryBudget;
	}

	/**
	 * Request configuration used when a request brings none.
	 * @return the default request configuration
	 */
	public RequestConfig defaultRequestConfig() {
		return this.defaultRequestConfig;
	}

	/**
	 * Close another client together with this one.
	 * @param dependent a client whose life ends with the shared client's
	 */
	void closeWithThis(CloseableHttpClient dependent) {
		this.dependents.add(dependent);
	}

	@Override
	public void close() throws IOException {
		for (CloseableHttpClient dependent : this.dependents) {
			dependent.close(CloseMode.GRACEFUL);
		}
		this.client.close(CloseMode.GRACEFUL);
		this.pool.close(CloseMode.GRACEFUL);
	}

	/**
	 * A caching client builder that places the starter's handlers around HttpClient's cache. Without a cache it
	 * builds a plain client (the cache handlers are not added).
	 */
	private static final class Builder extends CachingHttpClientBuilder {

		private final RetryBudget retryBudget;

		private final CacheOutcomeCounts counts;

		private final boolean statusHeader;

		private final @Nullable RequestCollapser collapser;

		private final StaleIfUnreachable staleIfUnreachable;

		Builder(RetryBudget retryBudget, CacheOutcomeCounts counts, boolean statusHeader,
				@Nullable RequestCollapser collapser, StaleIfUnreachable staleIfUnreachable) {
			this.retryBudget = retryBudget;
			this.counts = counts;
			this.statusHeader = statusHeader;
			this.collapser = collapser;
			this.staleIfUnreachable = staleIfUnreachable;
		}

		@Override
		protected void customizeExecChain(NamedElementChain<ExecChainHandler> chain) {
			if (this.counts != null) {
				super.customizeExecChain(chain);
			}
			chain.addBefore(ChainElement.PROTOCOL.name(), new RetryBudgetDeposit(this.retryBudget),
					RetryBudgetDeposit.NAME);
			if (this.counts == null) {
				return;
			}
			String caching = ChainElement.CACHING.name();
			chain.addBefore(caching, new CacheOutcomeRecorder(this.counts, this.statusHeader, this.staleIfUnreachable),
					CacheOutcomeRecorder.NAME);
			chain.addBefore(caching, new ConditionalRequestNormalizer(), ConditionalRequestNormalizer.NAME);
			MustUnderstand mustUnderstand = new MustUnderstand();
			chain.addBefore(caching, mustUnderstand.above(), MustUnderstand.ABOVE);
			chain.addAfter(caching, new OriginErrorRecorder(), OriginErrorRecorder.NAME);
			chain.addAfter(caching, mustUnderstand.below(), MustUnderstand.BELOW);
			chain.addAfter(caching, new FreshnessHeaderNormalizer(), FreshnessHeaderNormalizer.NAME);
			if (this.collapser != null) {
				chain.addBefore(caching, this.collapser.above(), RequestCollapser.ABOVE);
				chain.addBefore(RetryBudgetDeposit.NAME, this.collapser.below(), RequestCollapser.BELOW);
			}
		}

	}

}
