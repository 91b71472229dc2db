package dev.resilience.timeouts.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.zaxxer.hikari.HikariDataSource;
import dev.resilience.timeouts.DataSourceTimeouts;
import dev.resilience.timeouts.HttpClientTimeouts;
import dev.resilience.timeouts.JdbcTemplateTimeouts;
import dev.resilience.timeouts.RedisTimeouts;
import dev.resilience.timeouts.RestClientTimeouts;
import dev.resilience.timeouts.TimeoutProfile;
import dev.resilience.timeouts.TimeoutMetrics;
import dev.resilience.timeouts.TimeoutProfiles;
import dev.resilience.timeouts.TimeoutWarnings;
import dev.resilience.timeouts.TimeoutsContributor;
import dev.resilience.timeouts.TimeoutsSection;
import dev.resilience.timeouts.TomcatTimeouts;
import io.lettuce.core.RedisClient;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.autoconfigure.HttpClientProperties;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.client.RestClient;
import org.springframework.web.service.registry.HttpServiceProxyRegistry;

/**
 * Auto-configuration of the timeout profiles, the {@code timeouts} section of the {@code resilience} endpoint and the
 * startup warnings. The defaults themselves are added by {@link TimeoutDefaultsEnvironmentPostProcessor}.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration",
		"org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
		"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration" })
@EnableConfigurationProperties(TimeoutsProperties.class)
public final class TimeoutsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TimeoutProfiles timeoutProfiles(TimeoutsProperties properties) {
		Map<String, TimeoutProfile> profiles = new LinkedHashMap<>();
		properties.getProfiles()
			.forEach((name, profile) -> profiles.put(name,
					new TimeoutProfile(name, properties.connectOf(profile), properties.readOf(profile))));
		return new TimeoutProfiles(profiles);
	}

	@Bean
	@ConditionalOnMissingBean
	TimeoutsSection timeoutsSection(TimeoutsProperties properties, ObjectProvider<TimeoutsContributor> contributors,
			TimeoutProfiles profiles) {
		return new TimeoutsSection(properties.isEnabled(), contributors.orderedStream().toList(), profiles);
	}

	@Bean
	@ConditionalOnMissingBean
	TimeoutWarnings timeoutWarnings(TimeoutsProperties properties, ObjectProvider<TimeoutsContributor> contributors) {
		return new TimeoutWarnings(contributors.orderedStream().toList(), properties.getWarnAbove());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
	@ConditionalOnBooleanProperty(name = "resilience.timeouts.enabled", matchIfMissing = true)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		TimeoutMetrics timeoutMetrics(TimeoutsProperties properties, ObjectProvider<TimeoutsContributor> contributors) {
			return new TimeoutMetrics(contributors.orderedStream().toList(), properties.getWarnAbove());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ClientHttpRequestFactoryBuilder.class, HttpClientProperties.class })
	static class HttpClientTimeoutsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		HttpClientTimeouts httpClientTimeouts(ConfigurableEnvironment environment, ResourceLoader resourceLoader,
				ObjectProvider<HttpClientSettings> settings,
				ObjectProvider<ClientHttpRequestFactoryBuilder<?>> requestFactoryBuilder,
				ObjectProvider<HttpServiceProxyRegistry> registry) {
			return new HttpClientTimeouts(environment, settings.getIfAvailable(HttpClientSettings::defaults),
					requestFactoryBuilder
						.getIfAvailable(() -> ClientHttpRequestFactoryBuilder.detect(resourceLoader.getClassLoader())),
					() -> registry.stream()
						.flatMap((candidate) -> candidate.getGroupNames().stream())
						.collect(Collectors.toCollection(TreeSet::new)));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ RestClient.class, ClientHttpRequestFactoryBuilder.class })
	static class RestClientTimeoutsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RestClientTimeouts restClientTimeouts(TimeoutProfiles profiles, ResourceLoader resourceLoader,
				ObjectProvider<ClientHttpRequestFactoryBuilder<?>> requestFactoryBuilder,
				ObjectProvider<HttpClientSettings> settings) {
			return new RestClientTimeouts(profiles,
					requestFactoryBuilder
						.getIfAvailable(() -> ClientHttpRequestFactoryBuilder.detect(resourceLoader.getClassLoader())),
					settings.getIfAvailable(HttpClientSettings::defaults));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HikariDataSource.class)
	static class DataSourceTimeoutsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		DataSourceTimeouts dataSourceTimeouts(ConfigurableEnvironment environment, ListableBeanFactory beanFactory) {
			return new DataSourceTimeouts(environment, beanFactory);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JdbcTemplate.class)
	static class JdbcTemplateTimeoutsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		JdbcTemplateTimeouts jdbcTemplateTimeouts(ConfigurableEnvironment environment,
				ListableBeanFactory beanFactory) {
			return new JdbcTemplateTimeouts(environment, beanFactory);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ LettuceConnectionFactory.class, RedisClient.class })
	static class RedisTimeoutsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RedisTimeouts redisTimeouts(ConfigurableEnvironment environment, ListableBeanFactory beanFactory) {
			return new RedisTimeouts(environment, beanFactory);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(TomcatWebServer.class)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	static class TomcatTimeoutsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		TomcatTimeouts tomcatTimeouts(ConfigurableEnvironment environment, ApplicationContext context) {
			return new TomcatTimeouts(environment, context);
		}

	}

}
