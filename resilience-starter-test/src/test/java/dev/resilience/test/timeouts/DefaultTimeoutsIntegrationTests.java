package dev.resilience.test.timeouts;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import static dev.resilience.test.timeouts.TimeoutFailures.causedByATimeout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A {@code RestClient} from Boot's auto-configured builder, with nothing set but {@code resilience.timeouts.connect}
 * and {@code .read}, against origins that never answer and never accept. Without the starter's defaults both calls
 * would hang (the JDK client has no timeouts of its own) and the bound of the test would fail them.
 */
@SpringBootTest(classes = DefaultTimeoutsIntegrationTests.ClientApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "resilience.timeouts.connect=300ms", "resilience.timeouts.read=300ms" })
class DefaultTimeoutsIntegrationTests {

	/** Upper bound that only catches a hang: many times the configured 300 ms. */
	private static final Duration HANG = Duration.ofSeconds(10);

	@Autowired
	private RestClient.Builder restClientBuilder;

	@Test
	void unresponsiveOriginFailsTheCallByTheReadTimeout() {
		RestClient restClient = this.restClientBuilder.build();
		try (UnresponsiveOrigin origin = UnresponsiveOrigin.start()) {
			assertTimeoutPreemptively(HANG,
					() -> assertThatExceptionOfType(ResourceAccessException.class)
						.isThrownBy(() -> restClient.get().uri(origin.uri()).retrieve().toBodilessEntity())
						.is(causedByATimeout()));
			assertThat(origin.acceptedConnections()).isEqualTo(1);
		}
	}

	@Test
	void unreachableOriginFailsTheCallByTheConnectTimeout() {
		RestClient restClient = this.restClientBuilder.build();
		try (UnreachableOrigin origin = UnreachableOrigin.start()) {
			assertTimeoutPreemptively(HANG,
					() -> assertThatExceptionOfType(ResourceAccessException.class)
						.isThrownBy(() -> restClient.get().uri(origin.uri()).retrieve().toBodilessEntity())
						.is(causedByATimeout()));
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ClientApplication {

	}

}
