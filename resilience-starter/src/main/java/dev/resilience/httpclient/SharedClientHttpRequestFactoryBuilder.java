package dev.resilience.httpclient;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import org.apache.hc.client5.http.cache.HttpCacheContext;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.cookie.BasicCookieStore;
import org.apache.hc.client5.http.cookie.CookieStore;
import org.apache.hc.client5.http.cookie.StandardCookieSpec;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpComponentsHttpClientBuilder;
import org.springframework.boot.http.client.HttpCookieHandling;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.http.client.InetAddressFilter;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;

/**
 * {@link ClientHttpRequestFactoryBuilder} that puts every request factory Spring Boot builds (one per
 * {@code RestClient.Builder} injection, per {@code RestTemplateBuilder} build and per HTTP service group) on the one
 * {@link SharedHttpClient}. Each factory honours its own {@link HttpClientSettings} per request, through a request
 * configuration computed once when the factory is built:
 * <ul>
 * <li>connect and read timeouts: {@code RequestConfig} connect and response timeouts;</li>
 * <li>redirects: followed unless {@link HttpRedirects#DONT_FOLLOW};</li>
 * <li>cookies: off unless the settings (or {@code resilience.http-client.cookies}) enable them; an enabled factory
 * gets a cookie jar of its own, never one shared with other factories.</li>
 * </ul>
 * Settings that change the connection itself, an SSL bundle or an {@code InetAddressFilter}, cannot share the pool or
 * the cache without breaking them (another TLS identity or trust, or a filtered caller served what an unfiltered one
 * fetched): such factories get a client of their own, built by Spring Boot's {@link HttpComponentsHttpClientBuilder}
 * with the starter's retry policy and the shared retry budget (each of their origin exchanges deposits into it), one
 * per distinct (bundle, filter) pair, without a cache; the shared client closes them when it closes.
 */
public final class SharedClientHttpRequestFactoryBuilder
		implements ClientHttpRequestFactoryBuilder<HttpComponentsClientHttpRequestFactory> {

	private final SharedHttpClient shared;

	private final boolean cookies;

	private final int maxRetries;

	private final CloseableHttpClient sharedView;

	private final Map<ConnectionSettings, CloseableHttpClient> dedicated = new ConcurrentHashMap<>();

	/**
	 * Create a builder.
	 * @param shared the shared client
	 * @param cookies whether cookie handling is on when the settings do not say
	 * @param maxRetries most retries of one request on a client that does not share the pool
	 */
	public SharedClientHttpRequestFactoryBuilder(SharedHttpClient shared, boolean cookies, int maxRetries) {
		this.shared = shared;
		this.cookies = cookies;
		this.maxRetries = maxRetries;
		this.sharedView = new Unclosable(shared.client(), shared.defaultRequestConfig());
	}

	@Override
	public HttpComponentsClientHttpRequestFactory build(HttpClientSettings settings) {
		settings = (settings != null) ? settings : HttpClientSettings.defaults();
		RequestConfig config = requestConfig(settings);
		HttpComponentsClientHttpRequestFactory factory;
		if (settings.sslBundle() != null || settings.inetAddressFilter() != null) {
			factory = new HttpComponentsClientHttpRequestFactory(dedicatedClient(settings));
		}
		else {
			factory = new HttpComponentsClientHttpRequestFactory(this.sharedView);
		}
		CookieStore cookieStore = StandardCookieSpec.IGNORE.equals(config.getCookieSpec()) ? null
				: new BasicCookieStore();
		factory.setHttpContextFactory(contextFactory(config, cookieStore));
		return factory;
	}

	private RequestConfig requestConfig(HttpClientSettings settings) {
		RequestConfig.Builder builder = RequestConfig.copy(this.shared.defaultRequestConfig());
		Duration connectTimeout = settings.connectTimeout();
		if (connectTimeout != null) {
			setConnectTimeout(builder, connectTimeout);
		}
		Duration readTimeout = settings.readTimeout();
		if (readTimeout != null) {
			builder.setResponseTimeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		builder.setRedirectsEnabled(settings.redirects() != HttpRedirects.DONT_FOLLOW);
		HttpCookieHandling cookieHandling = settings.cookieHandling();
		boolean cookiesOn = (cookieHandling != null) ? cookieHandling != HttpCookieHandling.DISABLE : this.cookies;
		builder.setCookieSpec(cookiesOn ? StandardCookieSpec.STRICT : StandardCookieSpec.IGNORE);
		return builder.build();
	}

	@SuppressWarnings("deprecation")
	private static void setConnectTimeout(RequestConfig.Builder builder, Duration connectTimeout) {
		// Per request: the pool's ConnectionConfig is shared by every builder. HttpClient 5.6 still honours it.
		builder.setConnectTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	private static BiFunction<HttpMethod, java.net.URI, HttpContext> contextFactory(RequestConfig config,
			CookieStore cookieStore) {
		return (method, uri) -> {
			HttpCacheContext context = HttpCacheContext.create();
			context.setRequestConfig(config);
			if (cookieStore != null) {
				context.setCookieStore(cookieStore);
			}
			return context;
		};
	}

	private CloseableHttpClient dedicatedClient(HttpClientSettings settings) {
		ConnectionSettings key = new ConnectionSettings(settings.sslBundle(), settings.inetAddressFilter());
		return this.dedicated.computeIfAbsent(key, (k) -> {
			CloseableHttpClient client = new HttpComponentsHttpClientBuilder()
				.withCustomizer((builder) -> builder
					.setRetryStrategy(new BudgetedRetryStrategy(this.maxRetries, this.shared.retryBudget()))
					.addExecInterceptorBefore(ChainElement.PROTOCOL.name(), RetryBudgetDeposit.NAME,
							new RetryBudgetDeposit(this.shared.retryBudget())))
				.build(HttpClientSettings.defaults()
					.withSslBundle(settings.sslBundle())
					.withInetAddressFilter(settings.inetAddressFilter()));
			this.shared.closeWithThis(client);
			return new Unclosable(client, this.shared.defaultRequestConfig());
		});
	}

	/**
	 * Number of clients that do not share the pool (one per distinct SSL bundle and address filter).
	 * @return the number of dedicated clients
	 */
	public int dedicatedClients() {
		return this.dedicated.size();
	}

	private record ConnectionSettings(SslBundle sslBundle, InetAddressFilter inetAddressFilter) {

	}

	/**
	 * A view of a client that request factories may "close" (Spring closes a factory's client when the factory is
	 * destroyed) without closing the client that other factories share.
	 */
	private static final class Unclosable extends CloseableHttpClient
			implements org.apache.hc.client5.http.config.Configurable {

		private final CloseableHttpClient delegate;

		private final RequestConfig config;

		Unclosable(CloseableHttpClient delegate, RequestConfig config) {
			this.delegate = delegate;
			this.config = config;
		}

		@Override
		protected CloseableHttpResponse doExecute(HttpHost target, ClassicHttpRequest request, HttpContext context)
				throws IOException {
			return CloseableHttpResponse.adapt(this.delegate.executeOpen(target, request,
					(context != null) ? context : HttpClientContext.create()));
		}

		@Override
		public RequestConfig getConfig() {
			return this.config;
		}

		@Override
		public void close() {
		}

		@Override
		public void close(CloseMode closeMode) {
		}

	}

}
