package dev.resilience.sample.selfhealing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.resilience.sample.SampleApplication;
import dev.resilience.selfhealing.FatalCause;
import dev.resilience.selfhealing.SelfHealing;
import dev.resilience.test.selfhealing.AutoConfigureSelfHealingTester;
import dev.resilience.test.selfhealing.SelfHealingTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How an application checks its own probe configuration against self-healing: the congestion service's liveness and
 * readiness groups answer what Kubernetes expects when the service becomes fatal, and its {@code on-fatal: exit} is
 * recorded rather than ending the test JVM.
 */
@SpringBootTest(classes = SampleApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "resilience.self-healing.drain-period=0s")
@AutoConfigureSelfHealingTester
class ProbeConfigurationTests {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	SelfHealingTester selfHealing;

	@AfterEach
	void heal() {
		this.selfHealing.reset();
	}

	@Test
	void probesAreUpWhileHealthy() throws Exception {
		assertThat(status("/actuator/health/liveness")).isEqualTo(200);
		assertThat(status("/actuator/health/readiness")).isEqualTo(200);
	}

	@Test
	void outOfMemoryErrorTakesInstanceOutAndWouldRestartIt() throws Exception {
		this.selfHealing.throwOutOfMemoryErrorInThread();
		assertThat(status("/actuator/health/liveness")).isEqualTo(503);
		assertThat(status("/actuator/health/readiness")).isEqualTo(503);
		assertThat(this.selfHealing.awaitExit(Duration.ofSeconds(30))).isEqualTo(SelfHealing.EXIT_STATUS);
	}

	@Test
	void gcDeathSpiralTakesInstanceOut() throws Exception {
		this.selfHealing.simulate(FatalCause.GC_OVERHEAD);
		assertThat(status("/actuator/health/readiness")).isEqualTo(503);
	}

	private int status(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(30))
			.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
	}

}
