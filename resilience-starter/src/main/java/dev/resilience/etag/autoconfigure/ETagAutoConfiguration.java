package dev.resilience.etag.autoconfigure;

import java.util.List;

import dev.resilience.etag.ConditionalRequestBodyAdvice;
import dev.resilience.etag.ConditionalRequestCounters;
import dev.resilience.etag.ConditionalRequestHandlers;
import dev.resilience.etag.ConditionalRequestInterceptor;
import dev.resilience.etag.ConditionalRequestMetrics;
import dev.resilience.etag.ConditionalRequestWebMvcConfigurer;
import dev.resilience.etag.ConditionalRequestsSection;
import dev.resilience.etag.InMemoryResourceVersionStore;
import dev.resilience.etag.MicrometerConditionalRequestMetrics;
import dev.resilience.etag.RedisResourceVersionStore;
import dev.resilience.etag.RedisResourceVersionStoreMetrics;
import dev.resilience.etag.ResourceVersionResolver;
import dev.resilience.etag.ResourceVersionStore;
import dev.resilience.etag.ResourceVersions;
import dev.resilience.support.RemoteStoreGuard;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.ClassUtils;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * Auto-configuration of conditional requests: {@code @ETagged} reads answered {@code 304} and stale
 * {@code @ChangesResource} writes answered {@code 412} before the handler runs.
 */
@AutoConfiguration(afterName = {
		"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(HandlerInterceptor.class)
@ConditionalOnBooleanProperty(name = "resilience.etag.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ETagProperties.class)
public final class ETagAutoConfiguration {

	private static final Log logger = LogFactory.getLog(ETagAutoConfiguration.class);

	private static final String REDIS_CONNECTION_FACTORY = "org.springframework.data.redis.connection.RedisConnectionFactory";

	private static final String LETTUCE = "io.lettuce.core.RedisClient";

	@Bean
	@ConditionalOnMissingBean
	ResourceVersions resourceVersions(ResourceVersionStore store, ObjectProvider<ResourceVersionResolver> resolvers) {
		return new ResourceVersions(store, resolvers.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	ConditionalRequestCounters conditionalRequestCounters() {
		return new ConditionalRequestCounters();
	}

	@Bean
	@ConditionalOnMissingBean
	ConditionalRequestHandlers conditionalRequestHandlers(ObjectProvider<RequestMappingInfoHandlerMapping> mappings,
			ObjectProvider<RequestMappingHandlerAdapter> adapters, ETagProperties properties) {
		return new ConditionalRequestHandlers(mappings, adapters, properties.getCacheControl());
	}

	@Bean
	@ConditionalOnMissingBean
	ConditionalRequestInterceptor conditionalRequestInterceptor(ResourceVersions versions,
			ConditionalRequestHandlers handlers, ETagProperties properties,
			ObjectProvider<ConditionalRequestMetrics> metrics) {
		return new ConditionalRequestInterceptor(versions, handlers, properties.getSecret(),
				metrics.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	ConditionalRequestBodyAdvice conditionalRequestBodyAdvice(ConditionalRequestInterceptor interceptor) {
		return new ConditionalRequestBodyAdvice(interceptor);
	}

	@Bean
	@ConditionalOnMissingBean
	ConditionalRequestWebMvcConfigurer conditionalRequestWebMvcConfigurer(ConditionalRequestInterceptor interceptor) {
		return new ConditionalRequestWebMvcConfigurer(interceptor);
	}

	@Bean
	@ConditionalOnMissingBean(name = "etagResilienceSection")
	ConditionalRequestsSection etagResilienceSection(ResourceVersions versions, ConditionalRequestHandlers handlers,
			ConditionalRequestCounters counters) {
		return new ConditionalRequestsSection(versions, handlers, counters);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(ResourceVersionStore.class)
	@Conditional(NotRedisStoreCondition.class)
	static class InMemoryStoreConfiguration {

		@Bean
		InMemoryResourceVersionStore resourceVersionStore(ETagProperties properties) {
			return new InMemoryResourceVersionStore(properties.getMaxEntries());
		}

		@Bean
		InMemoryStoreCaveat inMemoryResourceVersionStoreCaveat(ConditionalRequestHandlers handlers,
				ResourceVersions versions, ETagProperties properties) {
			return new InMemoryStoreCaveat(handlers, versions, properties.getMaxEntries());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(ResourceVersionStore.class)
	@ConditionalOnProperty(name = "resilience.etag.store", havingValue = "redis")
	@ConditionalOnClass(name = REDIS_CONNECTION_FACTORY)
	static class RedisStoreConfiguration {

		@Bean
		RedisResourceVersionStore resourceVersionStore(ETagProperties properties,
				ObjectProvider<RedisConnectionFactory> connectionFactories) {
			RedisConnectionFactory connectionFactory = connectionFactories.getIfAvailable();
			if (connectionFactory == null) {
				throw new IllegalStateException("resilience.etag.store=redis needs a RedisConnectionFactory bean, and "
						+ "there is none: configure Redis (spring.data.redis.*, with Spring Boot's Data Redis "
						+ "auto-configuration enabled) or set resilience.etag.store=memory");
			}
			if (!ClassUtils.isPresent(LETTUCE, null) || !(connectionFactory instanceof LettuceConnectionFactory)) {
				throw new IllegalStateException("resilience.etag.store=redis needs a Lettuce connection factory, and "
						+ "the RedisConnectionFactory bean is a " + connectionFactory.getClass().getName()
						+ ": use Lettuce (Spring Boot's default) or set resilience.etag.store=memory");
			}
			ETagProperties.Redis redis = properties.getRedis();
			RemoteStoreGuard guard = new RemoteStoreGuard("resilience.etag.store (redis)", redis.getTimeout(),
					redis.getFailureThreshold(), redis.getCoolDown(), LogFactory.getLog(RedisResourceVersionStore.class));
			return new RedisResourceVersionStore(connectionFactory, guard, redis.getKeyPrefix(), redis.getTimeToLive(),
					redis.getReservationLease(), redis.getMaxPendingChanges());
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
		@ConditionalOnBean(type = "io.micrometer.core.instrument.MeterRegistry")
		static class RedisStoreMetricsConfiguration {

			@Bean
			@ConditionalOnMissingBean
			RedisResourceVersionStoreMetrics redisResourceVersionStoreMetrics(RedisResourceVersionStore store,
					MeterRegistry registry) {
				return new RedisResourceVersionStoreMetrics(store, registry);
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(ResourceVersionStore.class)
	@ConditionalOnProperty(name = "resilience.etag.store", havingValue = "redis")
	@ConditionalOnMissingClass(REDIS_CONNECTION_FACTORY)
	static class RedisStoreMissingConfiguration {

		@Bean
		ResourceVersionStore resourceVersionStore() {
			throw new IllegalStateException("resilience.etag.store=redis needs Spring Data Redis with Lettuce on the "
					+ "classpath (org.springframework.boot:spring-boot-starter-data-redis), and it is missing: add it "
					+ "or set resilience.etag.store=memory");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
	@ConditionalOnBean(type = "io.micrometer.core.instrument.MeterRegistry")
	static class MicrometerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		MicrometerConditionalRequestMetrics micrometerConditionalRequestMetrics(MeterRegistry registry,
				ConditionalRequestHandlers handlers) {
			return new MicrometerConditionalRequestMetrics(registry, handlers);
		}

	}

	/**
	 * Any {@code resilience.etag.store} but {@code redis}: the in-memory store, whose configuration binds the
	 * properties, so that a value that is not a store fails startup naming the property.
	 */
	static final class NotRedisStoreCondition extends NoneNestedConditions {

		NotRedisStoreCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty(name = "resilience.etag.store", havingValue = "redis")
		static class RedisStore {

		}

	}

	/**
	 * Warns, once all handlers are known, that the auto-configured in-memory store is correct on a single instance
	 * only, if any annotated handler uses it (a resource without a resolver).
	 */
	static final class InMemoryStoreCaveat implements SmartInitializingSingleton {

		private final ConditionalRequestHandlers handlers;

		private final ResourceVersions versions;

		private final long maxEntries;

		InMemoryStoreCaveat(ConditionalRequestHandlers handlers, ResourceVersions versions, long maxEntries) {
			this.handlers = handlers;
			this.versions = versions;
			this.maxEntries = maxEntries;
		}

		@Override
		public void afterSingletonsInstantiated() {
			if (!(this.versions.store() instanceof InMemoryResourceVersionStore)) {
				return;
			}
			List<String> stored = this.handlers.handlersByResource()
				.keySet()
				.stream()
				.filter((resource) -> !this.versions.hasResolver(resource))
				.toList();
			if (!stored.isEmpty()) {
				logger.warn("resilience.etag: in-memory resource version store active for " + stored + " (max-entries="
						+ this.maxEntries + "). It is correct on a single instance only: a change made through one "
						+ "instance is not seen by another, which keeps answering 304 for the old content. When running more "
						+ "than one instance, set resilience.etag.store=redis or provide ResourceVersionResolver beans "
						+ "(or a shared ResourceVersionStore).");
			}
		}

	}

}
