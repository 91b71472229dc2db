package dev.resilience.timeouts.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.resilience.timeouts.EffectiveTimeout;
import dev.resilience.timeouts.TimeoutOrigin;
import dev.resilience.timeouts.TimeoutOrigins;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.validation.ValidationErrors;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.validation.FieldError;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Runs a real {@link SpringApplication}: the post-processor is picked up from {@code META-INF/spring.factories}, the
 * application's configuration comes from a file, environment variables, the command line and default properties.
 */
class TimeoutDefaultsEnvironmentPostProcessorTests {

	@Test
	void addsTheDefaultsAsTheLastPropertySource() {
		ConfigurableEnvironment environment = run();
		List<String> names = new ArrayList<>();
		environment.getPropertySources().forEach((source) -> names.add(source.getName()));
		assertThat(names.get(names.size() - 1)).isEqualTo(TimeoutOrigins.DEFAULTS_PROPERTY_SOURCE);
		assertThat(duration(environment, "spring.http.clients.connect-timeout")).isEqualTo(Duration.ofSeconds(3));
		assertThat(duration(environment, "spring.http.clients.read-timeout")).isEqualTo(Duration.ofSeconds(2));
		assertThat(duration(environment, "resilience.http-client.pool.acquire-timeout"))
			.isEqualTo(Duration.ofSeconds(3));
		assertThat(environment.getProperty("spring.datasource.hikari.connection-timeout")).isEqualTo("3000");
		assertThat(environment.getProperty("spring.datasource.hikari.validation-timeout")).isEqualTo("2000");
		assertThat(duration(environment, "spring.data.redis.connect-timeout")).isEqualTo(Duration.ofSeconds(3));
		assertThat(duration(environment, "spring.data.redis.timeout")).isEqualTo(Duration.ofSeconds(2));
		assertThat(duration(environment, "server.tomcat.connection-timeout")).isEqualTo(Duration.ofSeconds(10));
		assertThat(duration(environment, "server.tomcat.keep-alive-timeout")).isEqualTo(Duration.ofSeconds(65));
		assertThat(environment.containsProperty("spring.mvc.async.request-timeout")).isFalse();
		assertThat(duration(environment, "resilience.timeouts.profiles.lookup.read")).isEqualTo(Duration.ofMillis(500));
		assertThat(duration(environment, "resilience.timeouts.profiles.batch.read")).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void userConfigurationWinsFromEverySource() {
		SpringApplication application = application();
		application.setEnvironment(environmentWithVariables(Map.of("SPRING_DATA_REDIS_TIMEOUT", "750ms",
				"SPRING_CONFIG_LOCATION", "classpath:timeouts/user.properties")));
		application.setDefaultProperties(Map.of("spring.datasource.hikari.connection-timeout", "1500"));
		ConfigurableEnvironment environment = run(application, "--spring.http.clients.read-timeout=7s");
		assertThat(duration(environment, "spring.http.clients.read-timeout")).isEqualTo(Duration.ofSeconds(7));
		assertThat(duration(environment, "spring.data.redis.timeout")).isEqualTo(Duration.ofMillis(750));
		assertThat(duration(environment, "spring.data.redis.connect-timeout")).isEqualTo(Duration.ofSeconds(4));
		assertThat(duration(environment, "server.tomcat.connection-timeout")).isEqualTo(Duration.ofSeconds(20));
		assertThat(environment.getProperty("spring.datasource.hikari.connection-timeout")).isEqualTo("1500");
		assertThat(duration(environment, "spring.http.clients.connect-timeout")).isEqualTo(Duration.ofSeconds(3));
		TimeoutOrigins origins = new TimeoutOrigins(environment);
		assertThat(origin(origins, "spring.http.clients.read-timeout")).satisfies((timeout) -> {
			assertThat(timeout.origin()).isEqualTo(TimeoutOrigin.USER);
			assertThat(timeout.detail()).contains("commandLineArgs");
		});
		assertThat(origin(origins, "spring.data.redis.timeout")).satisfies((timeout) -> {
			assertThat(timeout.origin()).isEqualTo(TimeoutOrigin.USER);
			assertThat(timeout.detail()).contains("SPRING_DATA_REDIS_TIMEOUT");
		});
		assertThat(origin(origins, "spring.data.redis.connect-timeout")).satisfies((timeout) -> {
			assertThat(timeout.origin()).isEqualTo(TimeoutOrigin.USER);
			assertThat(timeout.detail()).contains("timeouts/user.properties");
		});
		assertThat(origin(origins, "spring.datasource.hikari.connection-timeout").origin())
			.isEqualTo(TimeoutOrigin.USER);
		assertThat(origin(origins, "spring.http.clients.connect-timeout").origin())
			.isEqualTo(TimeoutOrigin.STARTER_DEFAULT);
	}

	@Test
	void propertySourceAnnotationWinsInTheBuiltPool() {
		SpringApplication application = application(PropertySourceConfiguration.class);
		try (ConfigurableApplicationContext context = application.run("--spring.datasource.url=jdbc:h2:mem:ps")) {
			HikariDataSource dataSource = context.getBean(HikariDataSource.class);
			assertThat(dataSource.getConnectionTimeout()).isEqualTo(1234);
			assertThat(dataSource.getValidationTimeout()).isEqualTo(2000);
			ConfigurableEnvironment environment = context.getEnvironment();
			assertThat(duration(environment, "spring.http.clients.read-timeout")).isEqualTo(Duration.ofSeconds(9));
			TimeoutOrigins origins = new TimeoutOrigins(environment);
			assertThat(origin(origins, "spring.datasource.hikari.connection-timeout")).satisfies((timeout) -> {
				assertThat(timeout.origin()).isEqualTo(TimeoutOrigin.USER);
				assertThat(timeout.detail()).contains("property-source.properties");
			});
			assertThat(origin(origins, "spring.datasource.hikari.validation-timeout").origin())
				.isEqualTo(TimeoutOrigin.STARTER_DEFAULT);
		}
	}

	@Test
	void defaultsFollowTimeoutsSetInAPropertySourceAnnotation() {
		SpringApplication application = application(TimeoutsPropertySourceConfiguration.class);
		try (ConfigurableApplicationContext context = application.run("--spring.datasource.url=jdbc:h2:mem:tps")) {
			HikariDataSource dataSource = context.getBean(HikariDataSource.class);
			assertThat(dataSource.getConnectionTimeout()).isEqualTo(1500);
			assertThat(dataSource.getValidationTimeout()).isEqualTo(700);
			ConfigurableEnvironment environment = context.getEnvironment();
			assertThat(duration(environment, "spring.http.clients.read-timeout")).isEqualTo(Duration.ofMillis(700));
			assertThat(duration(environment, "spring.data.redis.connect-timeout"))
				.isEqualTo(Duration.ofMillis(1500));
		}
	}

	@Test
	void defaultPropertyWinsInTheBuiltPool() {
		SpringApplication application = application(DataSourceConfiguration.class);
		application.setDefaultProperties(Map.of("spring.datasource.hikari.connection-timeout", "1500",
				"spring.datasource.hikari.validation-timeout", "600"));
		try (ConfigurableApplicationContext context = application.run("--spring.datasource.url=jdbc:h2:mem:dp")) {
			HikariDataSource dataSource = context.getBean(HikariDataSource.class);
			assertThat(dataSource.getConnectionTimeout()).isEqualTo(1500);
			assertThat(dataSource.getValidationTimeout()).isEqualTo(600);
			assertThat(origin(new TimeoutOrigins(context.getEnvironment()),
					"spring.datasource.hikari.connection-timeout").origin()).isEqualTo(TimeoutOrigin.USER);
		}
	}

	@Test
	void propertySourceAnnotationWinsOverTheDefaultsAndDefaultPropertiesStayBelowIt() {
		SpringApplication application = application(PropertySourceConfiguration.class);
		application.setDefaultProperties(Map.of("spring.datasource.hikari.connection-timeout", "1500"));
		try (ConfigurableApplicationContext context = application.run("--spring.datasource.url=jdbc:h2:mem:both")) {
			assertThat(context.getBean(HikariDataSource.class).getConnectionTimeout()).isEqualTo(1234);
			List<String> names = new ArrayList<>();
			context.getEnvironment().getPropertySources().forEach((source) -> names.add(source.getName()));
			assertThat(names).containsSubsequence("class path resource [timeouts/property-source.properties]",
					TimeoutOrigins.DEFAULTS_PROPERTY_SOURCE);
			assertThat(names.get(names.size() - 1)).isEqualTo("defaultProperties");
		}
	}

	@Test
	void connectAndReadMoveEveryClientDefault() {
		ConfigurableEnvironment environment = run(application(), "--resilience.timeouts.connect=1s",
				"--resilience.timeouts.read=400ms");
		assertThat(duration(environment, "spring.http.clients.connect-timeout")).isEqualTo(Duration.ofSeconds(1));
		assertThat(duration(environment, "spring.http.clients.read-timeout")).isEqualTo(Duration.ofMillis(400));
		assertThat(duration(environment, "resilience.http-client.pool.acquire-timeout"))
			.isEqualTo(Duration.ofSeconds(1));
		assertThat(environment.getProperty("spring.datasource.hikari.connection-timeout")).isEqualTo("1000");
		assertThat(environment.getProperty("spring.datasource.hikari.validation-timeout")).isEqualTo("400");
		assertThat(duration(environment, "spring.data.redis.connect-timeout")).isEqualTo(Duration.ofSeconds(1));
		assertThat(duration(environment, "spring.data.redis.timeout")).isEqualTo(Duration.ofMillis(400));
	}

	@Test
	void hikariValidationStaysAboveHikarisFloor() {
		ConfigurableEnvironment environment = run(application(), "--resilience.timeouts.read=100ms");
		assertThat(environment.getProperty("spring.datasource.hikari.validation-timeout")).isEqualTo("250");
	}

	@Test
	void disabledAddsNothing() {
		ConfigurableEnvironment environment = run(application(), "--resilience.timeouts.enabled=false");
		assertThat(environment.getPropertySources().contains(TimeoutOrigins.DEFAULTS_PROPERTY_SOURCE)).isFalse();
		assertThat(environment.containsProperty("spring.http.clients.connect-timeout")).isFalse();
		assertThat(environment.containsProperty("spring.datasource.hikari.connection-timeout")).isFalse();
		assertThat(environment.containsProperty("server.tomcat.connection-timeout")).isFalse();
		assertThat(environment.containsProperty("resilience.timeouts.profiles.lookup.read")).isFalse();
	}

	@Test
	void serviceGroupGetsItsProfileThroughBootsOwnProperties() {
		ConfigurableEnvironment environment = run(application(),
				"--resilience.timeouts.serviceclient.orders.profile=lookup",
				"--resilience.timeouts.profiles.reports.connect=1s", "--resilience.timeouts.profiles.reports.read=45s",
				"--resilience.timeouts.serviceclient.reports.profile=reports");
		assertThat(duration(environment, "spring.http.serviceclient.orders.read-timeout"))
			.isEqualTo(Duration.ofMillis(500));
		assertThat(duration(environment, "spring.http.serviceclient.orders.connect-timeout"))
			.isEqualTo(Duration.ofSeconds(3));
		assertThat(duration(environment, "spring.http.serviceclient.reports.read-timeout"))
			.isEqualTo(Duration.ofSeconds(45));
		assertThat(duration(environment, "spring.http.serviceclient.reports.connect-timeout"))
			.isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void groupPropertySetByTheUserWinsOverItsProfile() {
		ConfigurableEnvironment environment = run(application(),
				"--resilience.timeouts.serviceclient.orders.profile=lookup",
				"--spring.http.serviceclient.orders.read-timeout=800ms");
		assertThat(duration(environment, "spring.http.serviceclient.orders.read-timeout"))
			.isEqualTo(Duration.ofMillis(800));
		assertThat(duration(environment, "spring.http.serviceclient.orders.connect-timeout"))
			.isEqualTo(Duration.ofSeconds(3));
	}

	@Test
	void builtInProfileCanBeRetunedOneValueAtATime() {
		ConfigurableEnvironment environment = run(application(), "--resilience.timeouts.profiles.lookup.connect=1s",
				"--resilience.timeouts.serviceclient.orders.profile=lookup");
		assertThat(duration(environment, "spring.http.serviceclient.orders.connect-timeout"))
			.isEqualTo(Duration.ofSeconds(1));
		assertThat(duration(environment, "spring.http.serviceclient.orders.read-timeout"))
			.isEqualTo(Duration.ofMillis(500));
	}

	@Test
	void nonPositiveReadFailsStartupNamingTheProperty() {
		assertThatException().isThrownBy(() -> run(application(), "--resilience.timeouts.read=0s"))
			.satisfies((ex) -> assertThat(rejected(ex)).containsExactly(
					"resilience.timeouts.read: must be a positive duration, for example 1s or 500ms"));
	}

	@Test
	void connectBelowHikarisFloorFailsStartupNamingTheProperty() {
		assertThatException().isThrownBy(() -> run(application(), "--resilience.timeouts.connect=100ms"))
			.satisfies((ex) -> assertThat(rejected(ex))
				.containsExactly("resilience.timeouts.connect: must be at least 250ms (Hikari's floor)"));
	}

	@Test
	void nonPositiveProfileTimeoutFailsStartupNamingTheProperty() {
		assertThatException().isThrownBy(() -> run(application(), "--resilience.timeouts.profiles.lookup.read=-1s"))
			.satisfies((ex) -> assertThat(rejected(ex)).containsExactly(
					"resilience.timeouts.profiles[lookup].read: must be a positive duration, for example 1s or 500ms"));
	}

	@Test
	void unknownProfileFailsStartupNamingTheAssignment() {
		assertThatException()
			.isThrownBy(() -> run(application(), "--resilience.timeouts.serviceclient.orders.profile=lookpu"))
			.satisfies((ex) -> assertThat(rejected(ex)).containsExactly("resilience.timeouts.serviceclient[orders]"
					+ ".profile: names no profile under resilience.timeouts.profiles; defined profiles: [batch, lookup]"));
	}

	/**
	 * The properties and reasons that Spring Boot's failure analysis reports for a failed startup.
	 */
	private static List<String> rejected(Throwable ex) {
		Throwable cause = ex;
		while (cause != null && !(cause instanceof BindValidationException)) {
			cause = cause.getCause();
		}
		assertThat(cause).as("a BindValidationException in the cause chain of %s", ex).isNotNull();
		ValidationErrors errors = ((BindValidationException) cause).getValidationErrors();
		return errors.getAllErrors()
			.stream()
			.map((error) -> errors.getName().append(((FieldError) error).getField()) + ": "
					+ error.getDefaultMessage())
			.toList();
	}

	private static EffectiveTimeout origin(TimeoutOrigins origins, String property) {
		return origins.describeProperty("client", "timeout", property, null, true, true);
	}

	private static Duration duration(ConfigurableEnvironment environment, String property) {
		return Binder.get(environment).bind(property, Duration.class).orElse(null);
	}

	private static ConfigurableEnvironment run(String... args) {
		return run(application(), args);
	}

	private static ConfigurableEnvironment run(SpringApplication application, String... args) {
		try (ConfigurableApplicationContext context = application.run(args)) {
			return context.getEnvironment();
		}
	}

	private static SpringApplication application() {
		return application(EmptyConfiguration.class);
	}

	private static SpringApplication application(Class<?> configuration) {
		SpringApplication application = new SpringApplication(configuration);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setLogStartupInfo(false);
		return application;
	}

	private static StandardEnvironment environmentWithVariables(Map<String, Object> variables) {
		StandardEnvironment environment = new StandardEnvironment();
		PropertySource<?> variablesSource = new SystemEnvironmentPropertySource(
				StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables);
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variablesSource);
		return environment;
	}

	@Configuration(proxyBeanMethods = false)
	static class EmptyConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(DataSourceAutoConfiguration.class)
	static class DataSourceConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(DataSourceAutoConfiguration.class)
	@org.springframework.context.annotation.PropertySource("classpath:timeouts/property-source.properties")
	static class PropertySourceConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(DataSourceAutoConfiguration.class)
	@org.springframework.context.annotation.PropertySource("classpath:timeouts/property-source-timeouts.properties")
	static class TimeoutsPropertySourceConfiguration {

	}

}
