package dev.resilience.httpclient.autoconfigure;

import java.io.File;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.resilience.httpclient.CacheOutcomeCounts;
import dev.resilience.httpclient.CaffeineHttpCacheStore;
import dev.resilience.httpclient.EhcacheHttpCacheStore;
import dev.resilience.httpclient.HttpCacheStore;
import dev.resilience.httpclient.MemoryHttpCacheStore;
import dev.resilience.httpclient.RedisHttpCacheStore;
import dev.resilience.httpclient.RetryBudget;
import dev.resilience.httpclient.SharedClientHttpRequestFactoryBuilder;
import dev.resilience.httpclient.SharedHttpClient;
import dev.resilience.httpclient.SharedHttpClientMetrics;
import dev.resilience.httpclient.SharedHttpClientSection;
import dev.resilience.httpclient.TieredHttpCacheStore;
import dev.resilience.support.RemoteStoreGuard;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.cookie.StandardCookieSpec;
import org.apache.hc.client5.http.impl.cache.CacheConfig;
import org.apache.hc.client5.http.impl.cache.CachingHttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.boot.util.LambdaSafe;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of the one shared, pooled, caching Apache HttpClient 5 behind every {@code RestClient.Builder},
 * {@code RestTemplateBuilder} and HTTP service group. Runs before Spring Boot's imperative HTTP client
 * auto-configuration, whose {@link ClientHttpRequestFactoryBuilder} bean then backs off. When the application chooses
 * a request factory itself ({@value #FACTORY_PROPERTY}), the shared client backs off instead and says so at startup.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration",
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass(CachingHttpClients.class)
@ConditionalOnBooleanProperty(name = "resilience.http-client.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SharedHttpClientProperties.class)
public final class SharedHttpClientAutoConfiguration {

	/** Spring Boot's property that chooses the request factory of every imperative client. */
	static final String FACTORY_PROPERTY = "spring.http.clients.imperative.factory";

	private static final Log logger = LogFactory.getLog(SharedHttpClientAutoConfiguration.class);

	private static final String STORE_PROPERTY = "resilience.http-client.cache.store";

	private static final String REDIS_CONNECTION_FACTORY = "org.springframework.data.redis.connection.RedisConnectionFactory";

	private static final String LETTUCE = "io.lettuce.core.RedisClient";

	static List<String> identityHeaders(SharedHttpClientProperties.Cache cache) {
		List<String> headers = new ArrayList<>(List.of("Cookie"));
		headers.addAll(cache.getIdentityHeaders());
		return headers;
	}

	static CacheConfig cacheConfig(SharedHttpClientProperties.Cache cache) {
		return CacheConfig.custom()
			.setMaxObjectSize(cache.getMaxObjectSize().toBytes())
			.setMaxCacheEntries(cache.getMaxEntries())
			.setSharedCache(cache.isShared())
			.setHeuristicCachingEnabled(cache.isHeuristicFreshness())
			.setStaleIfErrorEnabled(cache.isStaleIfError())
			// RFC 9111 §4.3.4: a response received on revalidation replaces the stored one. With the check on,
			// httpclient5-cache compares Date headers and may keep (and serve) the old entry instead.
			.setFreshnessCheckEnabled(false)
			// RFC 9111 dropped RFC 2616's query-string exclusion. httpclient5-cache 5.6.3 refuses a response to a URL
			// with a query unless it has explicit freshness, except when this flag is true: despite its name, true
			// stores such responses (no-cache or validator-only) and revalidates them like any other.
			.setNeverCacheHTTP11ResponsesWithQueryString(true)
			.build();
	}

	private static TimeValue millis(java.time.Duration duration) {
		return TimeValue.of(duration.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Active when the application chose a request factory: none of the shared client's beans exist, and one line at
	 * startup says why.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(FACTORY_PROPERTY)
	static class ExplicitFactoryConfiguration {

		ExplicitFactoryConfiguration(Environment environment) {
			logger.info("Shared HTTP client backed off: " + FACTORY_PROPERTY + "="
					+ environment.getProperty(FACTORY_PROPERTY) + " chooses Spring Boot's own request factory, so"
					+ " RestClient, RestTemplate and HTTP service clients run without the shared pool, cache and"
					+ " retry policy. Remove the property to use the shared client.");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(NoExplicitFactoryCondition.class)
	static class SharedClientConfiguration {

		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean
		SharedHttpClient sharedHttpClient(SharedHttpClientProperties properties,
				ObjectProvider<HttpCacheStore> store) {
			SharedHttpClientProperties.Pool pool = properties.getPool();
			SharedHttpClientProperties.Cache cache = properties.getCache();
			SharedHttpClientProperties.Retry retry = properties.getRetry();
			PoolingHttpClientConnectionManager connectionManager = PoolingHttpClientConnectionManagerBuilder.create()
				.setMaxConnTotal(pool.getMaxTotal())
				.setMaxConnPerRoute(pool.getMaxPerRoute())
				.setDefaultConnectionConfig(ConnectionConfig.custom()
					.setTimeToLive(millis(pool.getTimeToLive()))
					.setValidateAfterInactivity(millis(pool.getValidateAfterInactivity()))
					.build())
				.build();
			RequestConfig requestConfig = RequestConfig.custom()
				.setConnectionRequestTimeout(Timeout.ofMilliseconds(pool.getAcquireTimeout().toMillis()))
				.setConnectionKeepAlive(millis(properties.getKeepAlive()))
				.setCookieSpec(properties.isCookies() ? StandardCookieSpec.STRICT : StandardCookieSpec.IGNORE)
				.build();
			HttpCacheStore cacheStore = cache.isEnabled() ? store.getIfAvailable() : null;
			if (cache.isEnabled() && cacheStore == null) {
				// memory and caffeine always have a store bean; only ehcache and redis can lack their library
				throw new InvalidConfigurationPropertyValueException(STORE_PROPERTY, cache.getStore(),
						(cache.getStore() == SharedHttpClientProperties.Store.REDIS)
								? "redis needs Spring Data Redis with Lettuce on the class path"
										+ " (org.springframework.boot:spring-boot-starter-data-redis)"
								: "ehcache needs org.ehcache:ehcache on the class path");
			}
			CacheOutcomeCounts counts = new CacheOutcomeCounts((cacheStore != null) ? cacheStore.tiers().size() : 1);
			return new SharedHttpClient(connectionManager, cacheStore, cacheConfig(cache), counts,
					cache.isStatusHeader(), cache.isCollapseRequests(), cache.getStaleIfUnreachable(),
					identityHeaders(cache), retry.getMaxRetries(),
					new RetryBudget(retry.getBudget(), retry.getBurst()), requestConfig,
					millis(pool.getEvictIdleAfter()));
		}

		@Bean
		@ConditionalOnMissingBean(name = "sharedHttpClientSection")
		SharedHttpClientSection sharedHttpClientSection(SharedHttpClient sharedHttpClient) {
			return new SharedHttpClientSection(sharedHttpClient);
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnBooleanProperty(name = "resilience.http-client.cache.enabled", matchIfMissing = true)
		@ConditionalOnMissingBean(HttpCacheStore.class)
		static class StoreConfiguration {

			@Bean
			@ConditionalOnProperty(name = "resilience.http-client.cache.store", havingValue = "memory",
					matchIfMissing = true)
			MemoryHttpCacheStore memoryHttpCacheStore(SharedHttpClientProperties properties) {
				SharedHttpClientProperties.Cache cache = properties.getCache();
				return new MemoryHttpCacheStore(cache.getMaxEntries(), cache.getMaxSize().toBytes());
			}

			@Bean
			@ConditionalOnProperty(name = "resilience.http-client.cache.store", havingValue = "caffeine")
			CaffeineHttpCacheStore caffeineHttpCacheStore(SharedHttpClientProperties properties) {
				SharedHttpClientProperties.Cache cache = properties.getCache();
				return new CaffeineHttpCacheStore(cache.getMaxSize().toBytes(),
						cacheConfig(cache).getMaxUpdateRetries());
			}

		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = "org.ehcache.Cache")
		@ConditionalOnBooleanProperty(name = "resilience.http-client.cache.enabled", matchIfMissing = true)
		@ConditionalOnProperty(name = "resilience.http-client.cache.store", havingValue = "ehcache")
		@ConditionalOnMissingBean(HttpCacheStore.class)
		static class EhcacheStoreConfiguration {

			@Bean(destroyMethod = "close")
			EhcacheHttpCacheStore ehcacheHttpCacheStore(SharedHttpClientProperties properties) {
				SharedHttpClientProperties.Cache cache = properties.getCache();
				SharedHttpClientProperties.Ehcache ehcache = cache.getEhcache();
				File diskPath = ehcache.getDiskPath();
				return new EhcacheHttpCacheStore(ehcache.getHeapSize().toBytes(), ehcache.getOffHeapSize().toBytes(),
						ehcache.getDiskSize().toBytes(), diskPath, cacheConfig(cache));
			}

		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = REDIS_CONNECTION_FACTORY)
		@ConditionalOnBooleanProperty(name = "resilience.http-client.cache.enabled", matchIfMissing = true)
		@ConditionalOnProperty(name = STORE_PROPERTY, havingValue = "redis")
		@ConditionalOnMissingBean(HttpCacheStore.class)
		static class RedisStoreConfiguration {

			@Bean
			HttpCacheStore redisHttpCacheStore(SharedHttpClientProperties properties,
					ObjectProvider<RedisConnectionFactory> connectionFactories) {
				RedisConnectionFactory connectionFactory = connectionFactories.getIfAvailable();
				if (connectionFactory == null) {
					throw new InvalidConfigurationPropertyValueException(STORE_PROPERTY, "redis",
							"redis needs a RedisConnectionFactory bean, and there is none: configure Redis"
									+ " (spring.data.redis.*, with Spring Boot's Data Redis auto-configuration"
									+ " enabled) or choose another store");
				}
				if (!ClassUtils.isPresent(LETTUCE, null) || !(connectionFactory instanceof LettuceConnectionFactory)) {
					throw new InvalidConfigurationPropertyValueException(STORE_PROPERTY, "redis",
							"redis needs a Lettuce connection factory, and the RedisConnectionFactory bean is a "
									+ connectionFactory.getClass().getName()
									+ ": use Lettuce (Spring Boot's default) or choose another store");
				}
				SharedHttpClientProperties.Cache cache = properties.getCache();
				SharedHttpClientProperties.Redis redis = cache.getRedis();
				RemoteStoreGuard guard = new RemoteStoreGuard(STORE_PROPERTY + " (redis)", redis.getTimeout(),
						redis.getFailureThreshold(), redis.getCoolDown(), LogFactory.getLog(RedisHttpCacheStore.class));
				RedisHttpCacheStore store = new RedisHttpCacheStore(connectionFactory, guard, redis.getKeyPrefix(),
						redis.getMaxEntrySize().toBytes(), cache.getStaleIfUnreachable(),
						redis.getRevalidationTimeToLive(), cache.isShared(), cacheConfig(cache).getMaxUpdateRetries());
				SharedHttpClientProperties.HeapTier heapTier = redis.getHeapTier();
				if (!heapTier.isEnabled()) {
					return store;
				}
				return new TieredHttpCacheStore(new MemoryHttpCacheStore(cache.getMaxEntries(),
						heapTier.getMaxSize().toBytes(), heapTier.getTimeToLive()), store);
			}

		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(ClientHttpRequestFactoryBuilder.class)
		static class RequestFactoryBuilderConfiguration {

			/**
			 * Replaces Spring Boot's builder (which backs off). Users'
			 * {@link ClientHttpRequestFactoryBuilderCustomizer} beans are applied in order through Spring Boot's
			 * {@link LambdaSafe}, as Spring Boot applies them: those declared for any builder type (or for
			 * {@link SharedClientHttpRequestFactoryBuilder}) run; those declared for another concrete builder type,
			 * such as {@code HttpComponentsClientHttpRequestFactoryBuilder}, cannot apply and are named in a WARN.
			 */
			@Bean
			@ConditionalOnMissingBean(ClientHttpRequestFactoryBuilder.class)
			ClientHttpRequestFactoryBuilder<?> clientHttpRequestFactoryBuilder(SharedHttpClient sharedHttpClient,
					SharedHttpClientProperties properties,
					ObjectProvider<ClientHttpRequestFactoryBuilderCustomizer<?>> customizers,
					ListableBeanFactory beanFactory) {
				SharedClientHttpRequestFactoryBuilder builder = new SharedClientHttpRequestFactoryBuilder(
						sharedHttpClient, properties.isCookies(), properties.getRetry().getMaxRetries());
				return customize(builder, customizers.orderedStream().toList(), beanFactory);
			}

			@SuppressWarnings({ "unchecked", "rawtypes" })
			private static ClientHttpRequestFactoryBuilder<?> customize(ClientHttpRequestFactoryBuilder<?> builder,
					List<ClientHttpRequestFactoryBuilderCustomizer<?>> customizers, ListableBeanFactory beanFactory) {
				ClientHttpRequestFactoryBuilder<?> result = builder;
				List<ClientHttpRequestFactoryBuilderCustomizer<?>> skipped = new ArrayList<>();
				for (ClientHttpRequestFactoryBuilderCustomizer customizer : customizers) {
					ClientHttpRequestFactoryBuilder<?> current = result;
					LambdaSafe.InvocationResult<ClientHttpRequestFactoryBuilder<?>> invocation = LambdaSafe
						.callback(ClientHttpRequestFactoryBuilderCustomizer.class, customizer, current)
						.withLogger(SharedHttpClientAutoConfiguration.class)
						.invokeAnd((c) -> c.customize(current));
					if (invocation.hasResult()) {
						result = invocation.get();
					}
					else {
						skipped.add(customizer);
					}
				}
				if (!skipped.isEmpty()) {
					logger.warn("Not applied to the shared HTTP client: ClientHttpRequestFactoryBuilderCustomizer "
							+ names(skipped, beanFactory) + " customize another builder type, which is not in use."
							+ " Declare them for ClientHttpRequestFactoryBuilder<?> or"
							+ " SharedClientHttpRequestFactoryBuilder, tune Apache HttpClient with a SharedHttpClient"
							+ " bean, or set " + FACTORY_PROPERTY + " to use Spring Boot's builder instead of the"
							+ " shared client.");
				}
				return result;
			}

			@SuppressWarnings("rawtypes")
			private static List<String> names(List<ClientHttpRequestFactoryBuilderCustomizer<?>> customizers,
					ListableBeanFactory beanFactory) {
				Map<Object, String> names = new IdentityHashMap<>();
				Map<String, ClientHttpRequestFactoryBuilderCustomizer> beans = beanFactory
					.getBeansOfType(ClientHttpRequestFactoryBuilderCustomizer.class, true, false);
				beans.forEach((name, bean) -> names.put(bean, name));
				return customizers.stream()
					.map((customizer) -> "'" + names.getOrDefault(customizer, customizer.toString()) + "'")
					.toList();
			}

		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(MeterBinder.class)
		static class MetricsConfiguration {

			@Bean
			@ConditionalOnMissingBean
			SharedHttpClientMetrics sharedHttpClientMetrics(SharedHttpClient sharedHttpClient) {
				return new SharedHttpClientMetrics(sharedHttpClient);
			}

		}

	}

	static final class NoExplicitFactoryCondition extends NoneNestedConditions {

		NoExplicitFactoryCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty(FACTORY_PROPERTY)
		static class ExplicitFactory {

		}

	}

}
