package dev.resilience.timeouts.autoconfigure;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import com.zaxxer.hikari.HikariDataSource;
import dev.resilience.timeouts.DataSourceTimeouts;
import dev.resilience.timeouts.EffectiveTimeout;
import dev.resilience.timeouts.HttpClientTimeouts;
import dev.resilience.timeouts.RedisTimeouts;
import dev.resilience.timeouts.RestClientTimeouts;
import dev.resilience.timeouts.TimeoutMetrics;
import dev.resilience.timeouts.TimeoutOrigin;
import dev.resilience.timeouts.TimeoutProfile;
import dev.resilience.timeouts.TimeoutProfiles;
import dev.resilience.timeouts.TimeoutWarnings;
import dev.resilience.timeouts.TimeoutsContributor;
import dev.resilience.timeouts.TimeoutsSection;
import dev.resilience.timeouts.TomcatTimeouts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Context-runner tests of every condition of {@link TimeoutsAutoConfiguration}, with the post-processor applied to
 * the runner's environment as Spring Boot applies it to an application's, and the defaults checked on the client
 * objects that Boot builds from them.
 */
class TimeoutsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withInitializer((context) -> new TimeoutDefaultsEnvironmentPostProcessor()
			.postProcessEnvironment(context.getEnvironment(), new SpringApplication()))
		.withConfiguration(AutoConfigurations.of(TimeoutsAutoConfiguration.class, HttpClientAutoConfiguration.class,
				ImperativeHttpClientAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.http.clients.imperative.factory=jdk",
				"spring.datasource.url=jdbc:h2:mem:timeouts;DB_CLOSE_DELAY=-1");

	@Test
	void registersProfilesSectionWarningsAndAContributorPerClientKind() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(TimeoutProfiles.class)
				.hasSingleBean(TimeoutsSection.class)
				.hasSingleBean(TimeoutWarnings.class)
				.hasSingleBean(HttpClientTimeouts.class)
				.hasSingleBean(RestClientTimeouts.class)
				.hasSingleBean(DataSourceTimeouts.class)
				.hasSingleBean(RedisTimeouts.class)
				.doesNotHaveBean(TomcatTimeouts.class);
			assertThat(context.getBean(TimeoutProfiles.class).names()).containsExactly("batch", "lookup");
			assertThat(context.getBean(TimeoutProfiles.class).get("lookup"))
				.isEqualTo(new TimeoutProfile("lookup", Duration.ofSeconds(3), Duration.ofMillis(500)));
		});
	}

	@Test
	void defaultsLandInTheHikariPool() {
		this.runner.run((context) -> {
			HikariDataSource dataSource = context.getBean(HikariDataSource.class);
			assertThat(dataSource.getConnectionTimeout()).isEqualTo(3000);
			assertThat(dataSource.getValidationTimeout()).isEqualTo(2000);
			try (var connection = dataSource.getConnection()) {
				assertThat(connection.isValid(1)).isTrue();
			}
		});
	}

	@Test
	void disabledLeavesTheHikariPoolWithItsOwnDefaults() {
		this.runner.withPropertyValues("resilience.timeouts.enabled=false").run((context) -> {
			HikariDataSource dataSource = context.getBean(HikariDataSource.class);
			assertThat(dataSource.getConnectionTimeout()).isEqualTo(30000);
			assertThat(dataSource.getValidationTimeout()).isEqualTo(5000);
		});
	}

	@Test
	void userPropertyWinsInTheHikariPool() {
		this.runner.withPropertyValues("spring.datasource.hikari.connection-timeout=1500").run((context) -> {
			HikariDataSource dataSource = context.getBean(HikariDataSource.class);
			assertThat(dataSource.getConnectionTimeout()).isEqualTo(1500);
			assertThat(dataSource.getValidationTimeout()).isEqualTo(2000);
		});
	}

	@Test
	void defaultsLandInTheHttpRequestFactory() {
		this.runner.run((context) -> {
			HttpClientSettings settings = context.getBean(HttpClientSettings.class);
			assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
			assertThat(settings.readTimeout()).isEqualTo(Duration.ofSeconds(2));
			ClientHttpRequestFactory factory = context.getBean(ClientHttpRequestFactory.class);
			assertThat(factory).isInstanceOf(JdkClientHttpRequestFactory.class);
			assertThat(ReflectionTestUtils.getField(factory, "readTimeout")).isEqualTo(Duration.ofSeconds(2));
			HttpClient httpClient = (HttpClient) ReflectionTestUtils.getField(factory, "httpClient");
			assertThat(httpClient.connectTimeout()).contains(Duration.ofSeconds(3));
		});
	}

	@Test
	void disabledLeavesTheHttpRequestFactoryWithoutTimeouts() {
		this.runner.withPropertyValues("resilience.timeouts.enabled=false").run((context) -> {
			HttpClientSettings settings = context.getBean(HttpClientSettings.class);
			assertThat(settings.connectTimeout()).isNull();
			assertThat(settings.readTimeout()).isNull();
			ClientHttpRequestFactory factory = context.getBean(ClientHttpRequestFactory.class);
			assertThat(ReflectionTestUtils.getField(factory, "readTimeout")).isNull();
			HttpClient httpClient = (HttpClient) ReflectionTestUtils.getField(factory, "httpClient");
			assertThat(httpClient.connectTimeout()).isEmpty();
		});
	}

	@Test
	void profileAppliedToARestClientBuilderKeepsTheApplicationsRequestFactoryBuilder() {
		this.runner.withPropertyValues("resilience.timeouts.profiles.reports.read=45s").run((context) -> {
			RestClientTimeouts timeouts = context.getBean(RestClientTimeouts.class);
			HttpClientSettings settings = timeouts.settings("reports");
			assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
			assertThat(settings.readTimeout()).isEqualTo(Duration.ofSeconds(45));
			assertThat(context.getBean(ClientHttpRequestFactoryBuilder.class).build(settings))
				.isInstanceOf(JdkClientHttpRequestFactory.class);
		});
	}

	@Test
	void endpointSectionReportsWhereEachValueCameFrom() {
		this.runner.withPropertyValues("spring.datasource.hikari.validation-timeout=1200").run((context) -> {
			Map<String, Object> section = context.getBean(TimeoutsSection.class).describe();
			assertThat(section).containsEntry("defaultsEnabled", true);
			assertThat(entry(section, "datasource.dataSource", "connection")).containsEntry("value", "3s")
				.containsEntry("origin", "starter-default")
				.containsEntry("property", "spring.datasource.hikari.connection-timeout")
				.containsEntry("infinite", false);
			assertThat(entry(section, "datasource.dataSource", "validation")).containsEntry("value", "1200ms")
				.containsEntry("origin", "user");
			assertThat(entry(section, "http-clients", "read")).containsEntry("value", "2s")
				.containsEntry("origin", "starter-default");
			assertThat(section).extractingByKey("profiles")
				.isEqualTo(Map.of("lookup", Map.of("connect", "3s", "read", "500ms"), "batch",
						Map.of("connect", "3s", "read", "30s")));
		});
	}

	@Test
	void endpointSectionFlagsInfiniteFrameworkDefaults() {
		this.runner.withPropertyValues("resilience.timeouts.enabled=false").run((context) -> {
			Map<String, Object> section = context.getBean(TimeoutsSection.class).describe();
			assertThat(section).containsEntry("defaultsEnabled", false);
			assertThat(entry(section, "http-clients", "read")).containsEntry("value", "infinite")
				.containsEntry("infinite", true)
				.containsEntry("origin", "framework-default");
			assertThat(entry(section, "datasource.dataSource", "connection")).containsEntry("value", "30s")
				.containsEntry("origin", "framework-default");
		});
	}

	@Test
	void endpointSectionReportsAClientBuiltInCode() {
		this.runner.withUserConfiguration(HandBuiltDataSourceConfiguration.class).run((context) -> {
			Map<String, Object> section = context.getBean(TimeoutsSection.class).describe();
			assertThat(entry(section, "datasource.handBuilt", "connection")).containsEntry("value", "7s")
				.containsEntry("origin", "user")
				.extractingByKey("detail")
				.asString()
				.startsWith("client built in code");
		});
	}

	@Test
	void warnsOncePerClientLeftInfiniteOrOverLong() {
		this.runner.withPropertyValues("resilience.timeouts.enabled=false").run((context) -> {
			assertThat(context.getBean(TimeoutWarnings.class).warnings()).containsExactlyInAnyOrder(
					"Timeout 'connect' of http-clients is infinite (framework-default): set "
							+ "spring.http.clients.connect-timeout to at most 10s (see resilience.timeouts.warn-above)",
					"Timeout 'read' of http-clients is infinite (framework-default): set "
							+ "spring.http.clients.read-timeout to at most 10s (see resilience.timeouts.warn-above)",
					"Timeout 'connection' of datasource.dataSource is 30s (framework-default): set "
							+ "spring.datasource.hikari.connection-timeout to at most 10s (see resilience.timeouts.warn-above)");
		});
	}

	@Test
	void noWarningsWithTheStartersDefaults() {
		this.runner.run((context) -> assertThat(context.getBean(TimeoutWarnings.class).warnings()).isEmpty());
	}

	@Test
	void userBeansBackOff() {
		this.runner.withUserConfiguration(UserBeansConfiguration.class).run((context) -> {
			assertThat(context).getBean(TimeoutProfiles.class).isSameAs(context.getBean("customProfiles"));
			assertThat(context).getBean(DataSourceTimeouts.class).isSameAs(context.getBean("customDataSourceTimeouts"));
		});
	}

	@Test
	void withoutHikariThereIsNoDataSourceContributor() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TimeoutsAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(HikariDataSource.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(DataSourceTimeouts.class)
				.hasSingleBean(TimeoutsSection.class));
	}

	@Test
	void withoutLettuceThereIsNoRedisContributor() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TimeoutsAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(LettuceConnectionFactory.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(RedisTimeouts.class)
				.hasSingleBean(TimeoutsSection.class));
	}

	@Test
	void withSpringDataRedisButWithoutLettuceThereIsNoRedisContributor() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TimeoutsAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("io.lettuce"))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(RedisTimeouts.class)
				.hasSingleBean(TimeoutsSection.class));
	}

	@Test
	void hikariPoolThatWaitsForeverIsReportedAsInfinite() {
		this.runner.withPropertyValues("spring.datasource.hikari.connection-timeout=0").run((context) -> {
			Map<String, Object> section = context.getBean(TimeoutsSection.class).describe();
			assertThat(entry(section, "datasource.dataSource", "connection")).containsEntry("value", "infinite")
				.containsEntry("infinite", true)
				.containsEntry("origin", "user");
			assertThat(context.getBean(TimeoutWarnings.class).warnings()).containsExactly(
					"Timeout 'connection' of datasource.dataSource is infinite (user): set "
							+ "spring.datasource.hikari.connection-timeout to at most 10s (see resilience.timeouts.warn-above)");
		});
	}

	@Test
	void gaugesPerClientKindCountInfiniteAndOverLongTimeouts() {
		this.runner.withPropertyValues("spring.datasource.hikari.connection-timeout=0",
				"spring.http.clients.read-timeout=20s")
			.run((context) -> {
				SimpleMeterRegistry registry = new SimpleMeterRegistry();
				context.getBean(TimeoutMetrics.class).bindTo(registry);
				assertThat(registry.get(TimeoutMetrics.INFINITE).tag("kind", "jdbc").gauge().value()).isEqualTo(1);
				assertThat(registry.get(TimeoutMetrics.OVER_LIMIT).tag("kind", "jdbc").gauge().value()).isEqualTo(1);
				assertThat(registry.get(TimeoutMetrics.INFINITE).tag("kind", "http").gauge().value()).isZero();
				assertThat(registry.get(TimeoutMetrics.OVER_LIMIT).tag("kind", "http").gauge().value()).isEqualTo(1);
				assertThat(registry.get(TimeoutMetrics.OVER_LIMIT).tag("kind", "redis").gauge().value()).isZero();
				assertThat(registry.find(TimeoutMetrics.OVER_LIMIT).gauges()).extracting((g) -> g.getId().getTag("kind"))
					.containsExactlyInAnyOrder("http", "jdbc", "redis");
			});
	}

	@Test
	void gaugeOfAFailingContributorKeepsItsLastValue() {
		AtomicBoolean failing = new AtomicBoolean();
		TimeoutsContributor contributor = new TimeoutsContributor() {

			@Override
			public List<EffectiveTimeout> effectiveTimeouts() {
				if (failing.get()) {
					throw new IllegalStateException("client is gone");
				}
				return List.of(new EffectiveTimeout("custom", "read", "custom.read", null, true, TimeoutOrigin.USER,
						"built in code", true));
			}

		};
		TimeoutMetrics metrics = new TimeoutMetrics(List.of(contributor), Duration.ofSeconds(10));
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		metrics.bindTo(registry);
		assertThat(registry.get(TimeoutMetrics.INFINITE).tag("kind", "other").gauge().value()).isNaN();
		metrics.start();
		assertThat(registry.get(TimeoutMetrics.INFINITE).tag("kind", "other").gauge().value()).isEqualTo(1);
		failing.set(true);
		assertThat(registry.get(TimeoutMetrics.INFINITE).tag("kind", "other").gauge().value()).isEqualTo(1);
		metrics.stop();
		assertThat(registry.get(TimeoutMetrics.OVER_LIMIT).tag("kind", "other").gauge().value()).isEqualTo(1);
	}

	@Test
	void noGaugesWhenDisabledOrWithoutMicrometer() {
		this.runner.withPropertyValues("resilience.timeouts.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TimeoutMetrics.class)
				.hasSingleBean(TimeoutWarnings.class));
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(TimeoutMetrics.class));
		this.runner.run((context) -> assertThat(context).hasSingleBean(TimeoutMetrics.class));
	}

	@Test
	void withoutBootsHttpClientSupportThereIsNoHttpContributorOrProfileApplier() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TimeoutsAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(ClientHttpRequestFactoryBuilder.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(HttpClientTimeouts.class)
				.doesNotHaveBean(RestClientTimeouts.class)
				.hasSingleBean(TimeoutProfiles.class));
	}

	@Test
	void invalidPropertyFailsStartupNamingIt() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TimeoutsAutoConfiguration.class))
			.withPropertyValues("resilience.timeouts.warn-above=0s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("resilience.timeouts")
				.hasMessageContaining("warnAbove"));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> entry(Map<String, Object> section, String client, String timeout) {
		Map<String, Map<String, Object>> clients = (Map<String, Map<String, Object>>) section.get("clients");
		assertThat(clients).containsKey(client);
		return (Map<String, Object>) clients.get(client).get(timeout);
	}

	@Configuration(proxyBeanMethods = false)
	static class HandBuiltDataSourceConfiguration {

		@Bean
		HikariDataSource handBuilt() {
			HikariDataSource dataSource = new HikariDataSource();
			dataSource.setJdbcUrl("jdbc:h2:mem:handbuilt");
			dataSource.setConnectionTimeout(7000);
			return dataSource;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeansConfiguration {

		@Bean
		TimeoutProfiles customProfiles() {
			return new TimeoutProfiles(Map.of("only", new TimeoutProfile("only", Duration.ofSeconds(1),
					Duration.ofSeconds(1))));
		}

		@Bean
		DataSourceTimeouts customDataSourceTimeouts(org.springframework.core.env.ConfigurableEnvironment environment,
				org.springframework.beans.factory.ListableBeanFactory beanFactory) {
			return new DataSourceTimeouts(environment, beanFactory);
		}

	}

}
