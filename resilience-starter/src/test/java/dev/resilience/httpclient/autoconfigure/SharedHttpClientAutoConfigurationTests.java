package dev.resilience.httpclient.autoconfigure;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import dev.resilience.httpclient.CaffeineHttpCacheStore;
import dev.resilience.httpclient.EhcacheHttpCacheStore;
import dev.resilience.httpclient.HttpCacheStore;
import dev.resilience.httpclient.MemoryHttpCacheStore;
import dev.resilience.httpclient.RedisHttpCacheStore;
import dev.resilience.httpclient.SharedClientHttpRequestFactoryBuilder;
import dev.resilience.httpclient.SharedHttpClient;
import dev.resilience.httpclient.SharedHttpClientMetrics;
import dev.resilience.httpclient.SharedHttpClientSection;
import dev.resilience.httpclient.TieredHttpCacheStore;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.hc.client5.http.impl.cache.CachingHttpClients;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.JdkClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
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
	void redisStoreUsesTheApplicationsLettuceConnectionFactory() {
		this.runner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues("resilience.http-client.cache.store=redis",
					"resilience.http-client.cache.redis.key-prefix=app:http:")
			.run((context) -> {
				assertThat(context).hasSingleBean(RedisConnectionFactory.class)
					.doesNotHaveBean(MemoryHttpCacheStore.class);
				HttpCacheStore store = context.getBean(HttpCacheStore.class);
				assertThat(store).isInstanceOf(RedisHttpCacheStore.class);
				assertThat(((RedisHttpCacheStore) store).prefix()).isEqualTo("app:http:");
				assertThat(store.tiers()).containsExactly("redis");
			});
	}

	@Test
	void redisStoreWithTheHeapTierPutsTheHeapInFront() {
		this.runner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues("resilience.http-client.cache.store=redis",
					"resilience.http-client.cache.redis.heap-tier.enabled=true")
			.run((context) -> {
				HttpCacheStore store = context.getBean(HttpCacheStore.class);
				assertThat(store).isInstanceOf(TieredHttpCacheStore.class);
				assertThat(store.tiers()).containsExactly("heap", "redis");
				assertThat(((TieredHttpCacheStore) store).shared()).isInstanceOf(RedisHttpCacheStore.class);
			});
	}

	@Test
	void redisStoreWithoutAConnectionFactoryFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("resilience.http-client.cache.store=redis")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("resilience.http-client.cache.store")
				.hasMessageContaining("RedisConnectionFactory"));
	}

	@Test
	void redisStoreWithoutSpringDataRedisFailsStartupNamingTheProperty() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.data.redis", "io.lettuce"))
			.withPropertyValues("resilience.http-client.cache.store=redis")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("resilience.http-client.cache.store")
				.hasMessageContaining("spring-boot-starter-data-redis"));
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
	void customizersForAnyBuilderAreAppliedThoseForAnotherBuilderTypeAreNamedInAWarn(CapturedOutput output) {
		this.runner.withUserConfiguration(CustomizerConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			ClientHttpRequestFactoryBuilder<?> builder = context.getBean(ClientHttpRequestFactoryBuilder.class);
			assertThat(builder).isNotInstanceOf(SharedClientHttpRequestFactoryBuilder.class);
			ClientHttpRequestFactory factory = builder.build();
			assertThat(CustomizerConfiguration.customized).isTrue();
			assertThat(factory).isNotNull();
			assertThat(output).containsPattern("WARN .*Not applied to the shared HTTP client: "
					+ "ClientHttpRequestFactoryBuilderCustomizer \\['bootsBuilder', 'jdkBuilder'\\]")
				.doesNotContain("'anyBuilder'");
		});
	}

	@Test
	void anExplicitFactoryChoiceBacksOffAndSaysSo(CapturedOutput output) {
		this.runner.withPropertyValues("spring.http.clients.imperative.factory=jdk").run((context) -> {
			assertThat(context).doesNotHaveBean(SharedHttpClient.class)
				.doesNotHaveBean(HttpCacheStore.class)
				.doesNotHaveBean(SharedHttpClientSection.class)
				.doesNotHaveBean(SharedHttpClientMetrics.class);
			assertThat(context.getBean(ClientHttpRequestFactoryBuilder.class))
				.isInstanceOf(JdkClientHttpRequestFactoryBuilder.class);
			assertThat(output).contains(
					"Shared HTTP client backed off: spring.http.clients.imperative.factory=jdk chooses Spring Boot's");
		});
	}

	@Test
	void withoutAnExplicitFactoryChoiceNothingIsSaid(CapturedOutput output) {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(SharedHttpClient.class);
			assertThat(output).doesNotContain("backed off");
		});
	}

	@ParameterizedTest
	@CsvSource({ "'',Apache-HttpClient/", "jdk,Java-http-client/", "simple,Java/",
			"http-components,Apache-HttpClient/" })
	void theClientAnOriginSeesIsTheOneChosen(String factory, String userAgent) throws IOException {
		HttpServer origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		List<String> userAgents = new CopyOnWriteArrayList<>();
		origin.createContext("/", (exchange) -> {
			userAgents.add(exchange.getRequestHeaders().getFirst("User-Agent"));
			exchange.sendResponseHeaders(204, -1);
			exchange.close();
		});
		origin.start();
		try {
			ApplicationContextRunner runner = factory.isEmpty() ? this.runner
					: this.runner.withPropertyValues("spring.http.clients.imperative.factory=" + factory);
			runner.run((context) -> {
				ClientHttpRequestFactory requestFactory = context.getBean(ClientHttpRequestFactoryBuilder.class)
					.build(HttpClientSettings.defaults());
				URI uri = URI.create("http://127.0.0.1:" + origin.getAddress().getPort() + "/");
				try (ClientHttpResponse response = requestFactory.createRequest(uri, HttpMethod.GET).execute()) {
					assertThat(response.getStatusCode().value()).isEqualTo(204);
				}
				assertThat(context.containsBean("sharedHttpClient")).isEqualTo(factory.isEmpty());
			});
		}
		finally {
			origin.stop(0);
		}
		assertThat(userAgents).singleElement(InstanceOfAssertFactories.STRING).startsWith(userAgent);
	}

	@Test
	void disabledWithAnExplicitFactoryLeavesBootsChoice() {
		this.runner
			.withPropertyValues("resilience.http-client.enabled=false", "spring.http.clients.imperative.factory=jdk")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(SharedHttpClient.class);
				assertThat(context.getBean(ClientHttpRequestFactoryBuilder.class))
					.isInstanceOf(JdkClientHttpRequestFactoryBuilder.class);
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "0B", "16MB" })
	void twoApplicationsWithTheDefaultEhcacheDirectoryDoNotCollide(String diskSize) {
		ApplicationContextRunner ehcache = this.runner.withPropertyValues("resilience.http-client.cache.store=ehcache",
				"resilience.http-client.cache.ehcache.disk-size=" + diskSize);
		ehcache.run((first) -> ehcache.run((second) -> {
			assertThat(first).hasNotFailed();
			assertThat(second).hasNotFailed();
			Path firstDirectory = first.getBean(EhcacheHttpCacheStore.class).temporaryDirectory();
			Path secondDirectory = second.getBean(EhcacheHttpCacheStore.class).temporaryDirectory();
			if (diskSize.equals("0B")) {
				assertThat(firstDirectory).isNull();
				assertThat(secondDirectory).isNull();
			}
			else {
				assertThat(firstDirectory).isDirectory().isNotEqualTo(secondDirectory);
			}
		}));
	}

	@Test
	void ehcacheStoreWithoutADiskTierNeedsNoDirectory() {
		this.runner.withPropertyValues("resilience.http-client.cache.store=ehcache").run((context) -> {
			assertThat(context).hasSingleBean(EhcacheHttpCacheStore.class);
			assertThat(context.getBean(EhcacheHttpCacheStore.class).temporaryDirectory()).isNull();
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
			"resilience.http-client.cache.ehcache.disk-size=-1MB|cache.ehcache.diskSize",
			"resilience.http-client.cache.ehcache.heap-size=0B|cache.ehcache.heapSize",
			"resilience.http-client.cache.stale-if-unreachable=-1s|cache.staleIfUnreachable",
			"resilience.http-client.cache.redis.key-prefix=|cache.redis.keyPrefix",
			"resilience.http-client.cache.redis.timeout=0ms|cache.redis.timeout",
			"resilience.http-client.cache.redis.failure-threshold=0|cache.redis.failureThreshold",
			"resilience.http-client.cache.redis.cool-down=0s|cache.redis.coolDown",
			"resilience.http-client.cache.redis.max-entry-size=0B|cache.redis.maxEntrySize",
			"resilience.http-client.cache.redis.revalidation-time-to-live=0s|cache.redis.revalidationTimeToLive",
			"resilience.http-client.cache.redis.heap-tier.max-size=0B|cache.redis.heapTier.maxSize",
			"resilience.http-client.cache.redis.heap-tier.time-to-live=0s|cache.redis.heapTier.timeToLive" })
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

		@Bean
		JdkCustomizer jdkBuilder() {
			return new JdkCustomizer();
		}

	}

	static class JdkCustomizer
			implements ClientHttpRequestFactoryBuilderCustomizer<JdkClientHttpRequestFactoryBuilder> {

		@Override
		public JdkClientHttpRequestFactoryBuilder customize(JdkClientHttpRequestFactoryBuilder builder) {
			throw new IllegalStateException("must not be applied to the shared client");
		}

	}

}
