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
import dev.resilience.etag.ResourceVersionResolver;
import dev.resilience.etag.ResourceVersionStore;
import dev.resilience.etag.ResourceVersions;
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
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * Auto-configuration of conditional requests: {@code @ETagged} reads answered {@code 304} and stale
 * {@code @ChangesResource} writes answered {@code 412} before the handler runs.
 */
@AutoConfiguration(afterName = {
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(HandlerInterceptor.class)
@ConditionalOnBooleanProperty(name = "resilience.etag.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ETagProperties.class)
public final class ETagAutoConfiguration {

	private static final Log logger = LogFactory.getLog(ETagAutoConfiguration.class);

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
	@ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
	@ConditionalOnBean(type = "io.micrometer.core.instrument.MeterRegistry")
	static class MicrometerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		MicrometerConditionalRequestMetrics micrometerConditionalRequestMetrics(MeterRegistry registry) {
			return new MicrometerConditionalRequestMetrics(registry);
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
						+ "instance is not seen by another, which keeps answering 304 for the old content. Provide a "
						+ "shared ResourceVersionStore or ResourceVersionResolver beans when running more than one "
						+ "instance.");
			}
		}

	}

}
