package dev.resilience.selfhealing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.resilience.test.selfhealing.AutoConfigureSelfHealingTester;
import dev.resilience.test.selfhealing.Deadlock;
import dev.resilience.test.selfhealing.SelfHealingTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example of {@code docs/self-healing.md} ("Testing your probe configuration"), kept here so that it compiles and
 * passes: the class body is the page's, {@code classes} points at a minimal application instead of the user's.
 */
@SpringBootTest(classes = ProbeConfigurationExampleTests.ExampleApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "resilience.self-healing.on-fatal=exit", "resilience.self-healing.drain-period=0s",
				"management.endpoint.health.show-details=always" })
@AutoConfigureSelfHealingTester
class ProbeConfigurationExampleTests {

	@Autowired SelfHealingTester selfHealing;

	@LocalServerPort int port;

	@AfterEach void heal() { this.selfHealing.reset(); }      // fatal is sticky; the context is shared

	@Test void outOfMemoryTakesInstanceOut() throws Exception {
		this.selfHealing.throwOutOfMemoryErrorInThread();     // through the real uncaught-handler chain
		assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(503);
		assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(503);
		assertThat(this.selfHealing.awaitExit(Duration.ofSeconds(10))).isEqualTo(SelfHealing.EXIT_STATUS);
	}

	@Test void deadlockIsNamed() throws Exception {
		try (Deadlock deadlock = this.selfHealing.deadlock()) {   // two threads that really deadlock; close() ends it
			this.selfHealing.checkForDeadlocks();                 // or wait for the next interval
			assertThat(get("/actuator/health/selfHealing").body()).contains("\"cause\":\"DEADLOCK\"")
				.contains(deadlock.getThreadNames());
		}
	}

	@Test void gcDeathSpiral() throws Exception {
		this.selfHealing.simulate(FatalCause.GC_OVERHEAD);    // GC states cannot be produced safely in a test JVM
		assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(503);
	}

	HttpResponse<String> get(String path) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
					HttpResponse.BodyHandlers.ofString());
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ExampleApplication {

	}

}
