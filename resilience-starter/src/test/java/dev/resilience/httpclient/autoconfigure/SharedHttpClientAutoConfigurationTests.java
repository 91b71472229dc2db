package dev.resilience.httpclient.autoconfigure;

import dev.resilience.httpclient.CaffeineHttpCacheStore;
import dev.resilience.httpclient.EhcacheHttpCacheStore;
import dev.resilience.httpclient.HttpCacheStore;
import dev.resilience.httpclient.MemoryHttpCacheStore;
import dev.resilience.httpclient.SharedClientHttpRequestFactoryBuilder;
import dev.resilience.httpclient.SharedHttpClient;
import dev.resilience.httpclient.SharedHttpClientMetrics;
import dev.resilience.httpclient.SharedHttpClientSection;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.hc.client5.http.impl.cache.CachingHttpClients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ClientHttpRequestFactory;

import static org.assertj.core.api.Assertions.assertThat;

class SharedHttpClientAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SharedHttpClientAutoConfiguration.class,
				HttpClientAutoConfiguration.class, ImperativeHttpClientAutoConfiguration.class));

	@Test
	void sharedClientBacksEveryBootBuiltRequestFactoryByDefault() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(SharedHttpClient.class)
				.hasSingleBean(MemoryHttpCacheStore.class)
				.hasSingleBean(SharedHttpClientSection.class)
				.hasSingleBean(SharedHttpClientMetrics.class);
			assertThat(context.getBean(ClientHttpRequestFactoryBuilder.class))
				.isInstanceOf(SharedClientHttpRequestFactoryBuilder.class);
			assertThat(context.getBean(SharedHttpClient.class).store())
				.isSameAs(context.getBean(HttpCacheStore.class));
		});
	}

	@Test
	void disabledLeavesBootsOwnBuilder() {
		this.runner.withPropertyValues("resilience.http-client.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(SharedHttpClient.class).doesNotHaveBean(HttpCacheStore.class);
			assertThat(context.getBean(ClientHttpRequestFactoryBuilder.class))
				.isInstanceOf(HttpComponentsClientHttpRequestFactoryBuilder.class);
		});
	}

	@Test
	void userRequestFactoryBuilderWins() {
		this.runner.withUserConfiguration(UserBuilderConfiguration.class).run((context) -> {
			assertThat(context.getBean(ClientHttpRequestFactoryBuilder.class))
				.isSameAs(context.getBean("userBuilder"));
			assertThat(context).hasSingleBean(SharedHttpClient.class);
		});
	}

	@Test
	void userStoreWins() {
		this.runner.withUserConfiguration(UserStoreConfiguration.class)
			.withPropertyValues("resilience.http-client.cache.store=caffeine")
			.run((context) -> {
				assertThat(context).hasSingleBean(HttpCacheStore.class).doesNotHaveBean(CaffeineHttpCacheStore.class);
				assertThat(context.getBean(SharedHttpClient.class).store()).isSameAs(context.getBean("userStore"));
			});
	}

	@Test
	void caffeineStore() {
		this.runner.withPropertyValues("resilience.http-client.cache.store=caffeine")
			.run((context) -> assertThat(context).hasSingleBean(CaffeineHttpCacheStore.class)
				.doesNotHaveBean(MemoryHttpCacheStore.class));
	}

	@Test
	void ehcacheStore() {
		this.runner
			.withPropertyValues("resilience.http-client.cache.store=ehcache",
					"resilience.http-client.cache.ehcache.disk-path=target/ehcache-context-test")
			.run((context) -> assertThat(context).hasSingleBean(EhcacheHttpCacheStore.class)
				.doesNotHaveBean(MemoryHttpCacheStore.class));
	}

	@Test
	void ehcacheStoreWithoutEhcacheFailsStartupNamingTheProperty() {
		this.runner.withClassLoader(new FilteredClassLoader("org.ehcache"))
			.withPropertyValues("resilience.http-client.cache.store=ehcache")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("resilience.http-client.cache.store")
				.hasMessageContaining("org.ehcache:ehcache"));
	}

	@Test
	void cacheDisabledRunsThePoolWithoutAStore() {
		this.runner.withPropertyValues("resilience.http-client.cache.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(HttpCacheStore.class);
			assertThat(context.getBean(SharedHttpClient.class).store()).isNull();
		});
	}

	@Test
	void withoutBootHttpClientSupportTheClientStillExistsButNoBuilder() {
		this.runner.withClassLoader(new FilteredClassLoader(ClientHttpRequestFactoryBuilder.class))
			.run((context) -> assertThat(context).hasSingleBean(SharedHttpClient.class)
				.doesNotHaveBean(SharedClientHttpRequestFactoryBuilder.class));
	}

	@Test
	void withoutMicrometerNoMetrics() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterBinder.class))
			.run((context) -> assertThat(context).hasSingleBean(SharedHttpClient.class)
				.doesNotHaveBean(SharedHttpClientMetrics.class));
	}

	@Test
	void withoutHttpClientCacheNothing() {
		this.runner.withClassLoader(new FilteredClassLoader(CachingHttpClients.class))
			.run((context) -> assertThat(context).doesNotHaveBean(SharedHttpClient.class));
	}

	@Test
	void customizersForAnyBuilderAreAppliedThoseForBootsHttpComponentsBuilderAreSkipped() {
		this.runner.withUserConfiguration(CustomizerConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			ClientHttpRequestFactoryBuilder<?> builder = context.getBean(ClientHttpRequestFactoryBuilder.class);
			assertThat(builder).isNotInstanceOf(SharedClientHttpRequestFactoryBuilder.class);
			ClientHttpRequestFactory factory = builder.build();
			assertThat(CustomizerConfiguration.customized).isTrue();
			assertThat(factory).isNotNull();
		});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "resilience.http-client.pool.max-total=0|pool.maxTotal",
			"resilience.http-client.pool.max-per-route=500|pool.maxPerRoute",
			"resilience.http-client.pool.acquire-timeout=0s|pool.acquireTimeout",
			"resilience.http-client.pool.time-to-live=-1s|pool.timeToLive",
			"resilience.http-client.keep-alive=0ms|keepAlive",
			"resilience.http-client.cache.max-object-size=0B|cache.maxObjectSize",
			"resilience.http-client.cache.max-object-size=128MB|cache.maxObjectSize",
			"resilience.http-client.cache.max-entries=0|cache.maxEntries",
			"resilience.http-client.retry.budget=1.5|retry.budget",
			"resilience.http-client.retry.max-retries=10|retry.maxRetries",
			"resilience.http-client.cache.ehcache.disk-size=-1MB|cache.ehcache.diskSize" })
	void invalidPropertyFailsStartupNamingIt(String property, String field) {
		this.runner.withPropertyValues(property)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("resilience.http-client")
				.hasMessageContaining(field));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBuilderConfiguration {

		@Bean
		ClientHttpRequestFactoryBuilder<?> userBuilder() {
			return ClientHttpRequestFactoryBuilder.simple();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserStoreConfiguration {

		@Bean
		HttpCacheStore userStore() {
			return new MemoryHttpCacheStore(10, 1024 * 1024);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizerConfiguration {

		static volatile boolean customized;

		@Bean
		ClientHttpRequestFactoryBuilderCustomizer<ClientHttpRequestFactoryBuilder<?>> anyBuilder() {
			return (builder) -> builder.withCustomizer((factory) -> customized = true);
		}

		@Bean
		ClientHttpRequestFactoryBuilderCustomizer<HttpComponentsClientHttpRequestFactoryBuilder> bootsBuilder() {
			return (builder) -> builder.withHttpClientCustomizer((httpClientBuilder) -> {
				throw new IllegalStateException("must not be applied to the shared client");
			});
		}

	}

}
