package dev.resilience.test.timeouts;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

import dev.resilience.timeouts.TimeoutMetrics;
import dev.resilience.timeouts.TimeoutWarnings;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The timeouts gauges of a real application on an embedded Tomcat whose connector waits forever, whose HTTP clients
 * read for a minute and whose Redis commands wait 30 seconds (with {@code resilience.timeouts.warn-above} at 10s).
 */
class TimeoutMetricsIntegrationTests {

	private static final String[] ARGUMENTS = { "--server.port=0", "--server.address=127.0.0.1",
			"--server.tomcat.connection-timeout=-1", "--spring.http.clients.read-timeout=1m",
			"--spring.data.redis.timeout=30s", "--spring.data.redis.port=1",
			// Redis' connection factory on (it connects lazily: nothing listens on port 1), Jetty off
			"--spring.autoconfigure.exclude=org.springframework.boot.jetty.autoconfigure.servlet."
					+ "JettyServletWebServerAutoConfiguration" };

	@Test
	void gaugesCountTheInfiniteAndOverLongTimeoutsPerClientKind() {
		try (ConfigurableApplicationContext context = start()) {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(values(registry, TimeoutMetrics.INFINITE))
				.isEqualTo(Map.of("http", 0.0, "redis", 0.0, "server", 1.0));
			assertThat(values(registry, TimeoutMetrics.OVER_LIMIT))
				.isEqualTo(Map.of("http", 1.0, "redis", 1.0, "server", 1.0));
			// the same timeouts the startup warnings name, one line each
			assertThat(context.getBean(TimeoutWarnings.class).warnings()).hasSize(3);
		}
	}

	@Test
	void noGaugesWhenTheCapabilityIsOff() {
		try (ConfigurableApplicationContext context = start("--resilience.timeouts.enabled=false")) {
			assertThat(context.getBeansOfType(TimeoutMetrics.class)).isEmpty();
			assertThat(context.getBean(MeterRegistry.class).find(TimeoutMetrics.INFINITE).gauges()).isEmpty();
			assertThat(context.getBean(MeterRegistry.class).find(TimeoutMetrics.OVER_LIMIT).gauges()).isEmpty();
		}
	}

	@Test
	void onceTheContextIsClosedGaugesKeepTheirLastValueAndRecreateNoClient() {
		ConfigurableApplicationContext context = start();
		MeterRegistry registry = context.getBean(MeterRegistry.class);
		DefaultListableBeanFactory beans = (DefaultListableBeanFactory) context.getBeanFactory();
		Map<String, Double> overLimit = values(registry, TimeoutMetrics.OVER_LIMIT);
		context.close();
		assertThat(beans.getSingletonCount()).isZero();
		assertThat(values(registry, TimeoutMetrics.OVER_LIMIT)).isEqualTo(overLimit);
		assertThat(values(registry, TimeoutMetrics.INFINITE)).containsEntry("server", 1.0);
		// reading the clients now would have created their beans again
		assertThat(beans.getSingletonCount()).isZero();
	}

	private static Map<String, Double> values(MeterRegistry registry, String name) {
		Map<String, Double> values = new TreeMap<>();
		for (Gauge gauge : registry.find(name).gauges()) {
			values.put(gauge.getId().getTag("kind"), gauge.value());
		}
		return values;
	}

	private static ConfigurableApplicationContext start(String... more) {
		String[] arguments = Arrays.copyOf(ARGUMENTS, ARGUMENTS.length + more.length);
		System.arraycopy(more, 0, arguments, ARGUMENTS.length, more.length);
		return new SpringApplicationBuilder(WebApplication.class).run(arguments);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class WebApplication {

	}

}
