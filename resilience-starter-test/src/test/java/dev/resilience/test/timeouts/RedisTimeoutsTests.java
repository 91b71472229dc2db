package dev.resilience.test.timeouts;

import java.time.Duration;
import java.util.Map;

import dev.resilience.test.redis.RedisServer;
import dev.resilience.test.redis.RedisServerExtension;
import dev.resilience.timeouts.TimeoutsSection;
import dev.resilience.timeouts.autoconfigure.TimeoutDefaultsEnvironmentPostProcessor;
import dev.resilience.timeouts.autoconfigure.TimeoutsAutoConfiguration;
import io.lettuce.core.RedisCommandTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Lettuce, as Spring Boot configures it, against a real {@code redis-server} started on a free loopback port.
 */
class RedisTimeoutsTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withInitializer((context) -> new TimeoutDefaultsEnvironmentPostProcessor()
			.postProcessEnvironment(context.getEnvironment(), new SpringApplication()))
		.withConfiguration(AutoConfigurations.of(TimeoutsAutoConfiguration.class, DataRedisAutoConfiguration.class))
		.withPropertyValues(redis.server().springDataRedisProperties());

	@Test
	void defaultsLandInTheLettuceClientConfiguration() {
		this.runner.run((context) -> {
			LettuceConnectionFactory factory = context.getBean(LettuceConnectionFactory.class);
			assertThat(factory.getClientConfiguration().getCommandTimeout()).isEqualTo(Duration.ofSeconds(2));
			assertThat(factory.getClientConfiguration().getClientOptions())
				.hasValueSatisfying((options) -> assertThat(options.getSocketOptions().getConnectTimeout())
					.isEqualTo(Duration.ofSeconds(3)));
			StringRedisTemplate redisTemplate = context.getBean(StringRedisTemplate.class);
			redisTemplate.opsForValue().set("city", "Lyon");
			assertThat(redisTemplate.opsForValue().get("city")).isEqualTo("Lyon");
		});
	}

	@Test
	void disabledLeavesLettuceWithItsOwnDefaults() {
		this.runner.withPropertyValues("resilience.timeouts.enabled=false").run((context) -> {
			LettuceConnectionFactory factory = context.getBean(LettuceConnectionFactory.class);
			assertThat(factory.getClientConfiguration().getCommandTimeout()).isEqualTo(Duration.ofSeconds(60));
			Map<String, Object> section = context.getBean(TimeoutsSection.class).describe();
			assertThat(entry(section, "command")).containsEntry("value", "1m")
				.containsEntry("origin", "framework-default");
			assertThat(entry(section, "connect")).containsEntry("value", "10s")
				.containsEntry("origin", "framework-default");
		});
	}

	@Test
	void stalledServerFailsTheCommandByTheReadTimeout(RedisServer server) {
		this.runner.withPropertyValues("resilience.timeouts.read=500ms").run((context) -> {
			StringRedisTemplate redisTemplate = context.getBean(StringRedisTemplate.class);
			connect(redisTemplate);
			assertThat(entry(context.getBean(TimeoutsSection.class).describe(), "command"))
				.containsEntry("value", "500ms")
				.containsEntry("origin", "starter-default");
			server.pause();
			try {
				assertTimeoutPreemptively(Duration.ofSeconds(10),
						() -> assertThatExceptionOfType(QueryTimeoutException.class)
							.isThrownBy(() -> redisTemplate.opsForValue().get("city"))
							.withRootCauseInstanceOf(RedisCommandTimeoutException.class));
			}
			finally {
				server.resume();
			}
		});
	}

	@Test
	void userTimeoutWinsAndIsReportedAsTheUsers() {
		this.runner.withPropertyValues("spring.data.redis.timeout=750ms").run((context) -> {
			LettuceConnectionFactory factory = context.getBean(LettuceConnectionFactory.class);
			assertThat(factory.getClientConfiguration().getCommandTimeout()).isEqualTo(Duration.ofMillis(750));
			assertThat(entry(context.getBean(TimeoutsSection.class).describe(), "command"))
				.containsEntry("value", "750ms")
				.containsEntry("origin", "user");
		});
	}

	/**
	 * Establish the shared connection before the stall: its handshake is bounded by the same short timeout, and the
	 * first one in a cold JVM on a busy machine may not make it.
	 */
	private static void connect(StringRedisTemplate redisTemplate) {
		for (int attempt = 1;; attempt++) {
			try {
				redisTemplate.opsForValue().set("city", "Nantes");
				return;
			}
			catch (RuntimeException ex) {
				if (attempt == 10) {
					throw ex;
				}
			}
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> entry(Map<String, Object> section, String timeout) {
		Map<String, Map<String, Object>> clients = (Map<String, Map<String, Object>>) section.get("clients");
		return (Map<String, Object>) clients.get("redis.redisConnectionFactory").get(timeout);
	}

}
