package dev.resilience.selfhealing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import dev.resilience.test.selfhealing.AutoConfigureSelfHealingTester;
import dev.resilience.test.selfhealing.Deadlock;
import dev.resilience.test.selfhealing.SelfHealingTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Self-healing on a real embedded Tomcat, driven through {@link SelfHealingTester} as an application's own test would:
 * the probes flip, {@code on-fatal=exit} is recorded instead of ending this JVM, and {@link SelfHealingTester#reset()}
 * brings the shared context back.
 */
@SpringBootTest(classes = SelfHealingTesterIntegrationTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=health,resilience",
				"management.endpoint.health.show-details=always", "resilience.self-healing.on-fatal=exit",
				"resilience.self-healing.drain-period=100ms", "resilience.self-healing.deadlock-check-interval=1s" })
@AutoConfigureSelfHealingTester
class SelfHealingTesterIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	@LocalServerPort
	int port;

	@Autowired
	SelfHealingTester selfHealing;

	@Autowired
	DeadlockMonitor deadlockMonitor;

	@Autowired
	ChecksAtBroken checksAtBroken;

	@AfterEach
	void heal() {
		this.selfHealing.reset();
		this.checksAtBroken.value.set(-1);
	}

	@Test
	void livenessAndReadinessProbesAreOnWithoutConfigurationAndUp() throws Exception {
		assertStatus("/actuator/health/liveness", 200, "\"UP\"");
		assertStatus("/actuator/health/readiness", 200, "\"UP\"");
		assertStatus("/actuator/health/selfHealing", 200, "\"fatal\":false");
		assertStatus("/actuator/resilience/self-healing", 200, "\"onFatal\":\"exit\"");
	}

	@Test
	void outOfMemoryErrorInThreadTurnsProbesDownAndExitIsRecordedNotMade() throws Exception {
		this.selfHealing.throwOutOfMemoryErrorInThread();
		assertThat(this.selfHealing.getFatality().cause()).isEqualTo(FatalCause.OUT_OF_MEMORY);
		assertStatus("/actuator/health/liveness", 503, "\"DOWN\"");
		assertStatus("/actuator/health/readiness", 503, "\"OUT_OF_SERVICE\"");
		assertStatus("/actuator/health/selfHealing", 503, "OutOfMemoryError in thread \\\"self-healing-tester-oom\\\"");
		assertThat(this.selfHealing.awaitExit(TIMEOUT)).isEqualTo(SelfHealing.EXIT_STATUS);
	}

	@Test
	void outOfMemoryErrorInRequestIsSeenOnItsWayOutOfTomcat() throws Exception {
		try {
			get("/allocate-too-much");
		}
		catch (IOException ex) {
			// Tomcat may drop the connection of a worker that died of an Error
		}
		Fatality fatality = this.selfHealing.awaitFatal(TIMEOUT);
		assertThat(fatality.detail()).startsWith("OutOfMemoryError in request GET /allocate-too-much");
		assertStatus("/actuator/health/liveness", 503, "\"DOWN\"");
	}

	@Test
	void simulatedGcDeathSpiralShowsInHealthDetails() throws Exception {
		this.selfHealing.simulate(FatalCause.GC_OVERHEAD);
		assertStatus("/actuator/health/selfHealing", 503, "\"cause\":\"GC_OVERHEAD\"");
		assertStatus("/actuator/health/readiness", 503, "\"OUT_OF_SERVICE\"");
	}

	@Test
	void resetBringsProbesBack() throws Exception {
		this.selfHealing.simulate(FatalCause.HEAP_AFTER_GC);
		assertStatus("/actuator/health/liveness", 503, "\"DOWN\"");
		this.selfHealing.reset();
		assertStatus("/actuator/health/liveness", 200, "\"UP\"");
		assertStatus("/actuator/health/readiness", 200, "\"UP\"");
	}

	@Test
	void realDeadlockIsDetectedWithinOneCheckIntervalAndNamedByTheEndpoint() throws Exception {
		try (Deadlock deadlock = this.selfHealing.deadlock()) {
			long checksBefore = this.deadlockMonitor.getChecks();
			Fatality fatality = this.selfHealing.awaitFatal(TIMEOUT);
			assertThat(fatality.cause()).isEqualTo(FatalCause.DEADLOCK);
			// the check in progress when the deadlock formed may miss it; the next one must not
			assertThat(this.checksAtBroken.value.get() + 1).isLessThanOrEqualTo(checksBefore + 2);
			HttpResponse<String> health = get("/actuator/health/selfHealing");
			assertThat(health.statusCode()).isEqualTo(503);
			assertThat(health.body()).contains("\"cause\":\"DEADLOCK\"")
				.contains(deadlock.getThreadNames().get(0))
				.contains(deadlock.getThreadNames().get(1));
			assertStatus("/actuator/resilience/self-healing", 200, deadlock.getThreadNames().get(0));
		}
	}

	private void assertStatus(String path, int status, String bodyPart) throws IOException, InterruptedException {
		HttpResponse<String> response = get(path);
		assertThat(response.statusCode()).as("%s: %s", path, response.body()).isEqualTo(status);
		assertThat(response.body()).contains(bodyPart);
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(TIMEOUT)
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** Deadlock checks counted when liveness turned BROKEN: published inside the detecting check. */
	static class ChecksAtBroken implements ApplicationListener<AvailabilityChangeEvent<LivenessState>> {

		final AtomicLong value = new AtomicLong(-1);

		private final DeadlockMonitor monitor;

		ChecksAtBroken(DeadlockMonitor monitor) {
			this.monitor = monitor;
		}

		@Override
		public void onApplicationEvent(AvailabilityChangeEvent<LivenessState> event) {
			if (event.getState() == LivenessState.BROKEN) {
				this.value.compareAndSet(-1, this.monitor.getChecks());
			}
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(AllocatingController.class)
	static class TestApplication {

		@Bean
		ChecksAtBroken checksAtBroken(DeadlockMonitor monitor) {
			return new ChecksAtBroken(monitor);
		}

	}

	@RestController
	static class AllocatingController {

		@GetMapping("/allocate-too-much")
		int allocateTooMuch() {
			// refused by the JVM at once, without filling the heap: a real OutOfMemoryError in a request thread
			return new long[Integer.MAX_VALUE].length;
		}

	}

}
