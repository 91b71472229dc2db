package dev.resilience.test.timeouts;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With the defaults turned off, a real application on an embedded Tomcat logs one WARN line per client left with an
 * infinite or over-long timeout, naming the property to set.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = TimeoutWarningsIntegrationTests.WebApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "resilience.timeouts.enabled=false", "spring.http.clients.connect-timeout=2s" })
class TimeoutWarningsIntegrationTests {

	@Test
	void oneWarningLinePerClientLeftWithAnInfiniteOrOverLongTimeout(CapturedOutput output) {
		List<String> warnings = output.getAll()
			.lines()
			.filter((line) -> line.contains("WARN") && line.contains("Timeout '"))
			.toList();
		assertThat(warnings).hasSize(2);
		assertThat(warnings).anySatisfy((line) -> assertThat(line).endsWith(
				"Timeout 'connection' of tomcat is 1m (framework-default): set server.tomcat.connection-timeout "
						+ "to at most 10s (see resilience.timeouts.warn-above)"));
		assertThat(warnings).anySatisfy((line) -> assertThat(line)
			.endsWith("Timeout 'read' of http-clients is infinite (framework-default): set "
					+ "spring.http.clients.read-timeout to at most 10s (see resilience.timeouts.warn-above)"));
	}

	/**
	 * On Tomcat, whose connector the starter reads.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class WebApplication {

	}

}
