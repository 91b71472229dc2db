package dev.resilience.shedding;

import java.net.http.HttpResponse;

import dev.resilience.test.shedding.AutoConfigureWorkerPoolPressure;
import dev.resilience.test.shedding.WorkerPoolPressure;
import dev.resilience.test.shedding.WorkerPoolPressure.Hold;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static dev.resilience.test.shedding.ShedResponseAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runtime control through the {@code resilience} endpoint's write operation, with writes allowed: a change takes
 * effect on the next request and is logged with who, what and when.
 */
@SpringBootTest(classes = TierTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.tomcat.threads.max=10", "resilience.shedding.tiers.batch.threshold=0.5",
				"resilience.shedding.tiers.batch.paths=GET /library/**",
				"resilience.shedding.tiers.feeds.threshold=0.3", "resilience.shedding.tiers.feeds.paths=/fn/**",
				"test.own-threshold=0.9", "management.endpoints.web.exposure.include=resilience",
				"management.endpoint.resilience.access=unrestricted" })
@AutoConfigureWorkerPoolPressure
@ExtendWith(OutputCaptureExtension.class)
class RuntimeControlIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WorkerPoolPressure pressure;

	@AfterEach
	void restore() {
		adjust("dry-run", "false");
		adjust("threshold", "0.85");
		adjust("tiers.batch.threshold", "0.5");
	}

	@Test
	void dryRunSwitchTakesEffectOnTheNextRequestAndIsLogged(CapturedOutput output) {
		try (Hold hold = this.pressure.reach(0.5)) {
			assertThat(Http.get(this.port, "/library/reports/7")).isShed();
			HttpResponse<String> changed = adjust("dry-run", "true");
			assertThat(changed.statusCode()).isEqualTo(200);
			assertThat(changed.body()).contains("\"dryRun\":true");
			assertThat(Http.get(this.port, "/library/reports/7").statusCode()).isEqualTo(200);
			assertThat(adjust("dry-run", "false").statusCode()).isEqualTo(200);
			assertThat(Http.get(this.port, "/library/reports/7")).isShed();
		}
		assertThat(output).contains("Resilience setting shedding.dry-run changed from false to true by an "
				+ "unauthenticated caller from 127.0.0.1 at ");
	}

	@Test
	void tierThresholdChangeTakesEffectOnTheNextRequest() {
		try (Hold hold = this.pressure.reach(0.5)) {
			assertThat(Http.get(this.port, "/annotated")).isShed();
			assertThat(adjust("tiers.batch.threshold", "0.9").statusCode()).isEqualTo(200);
			assertThat(Http.get(this.port, "/annotated").statusCode()).isEqualTo(200);
			assertThat(Http.get(this.port, "/library/reports/7").statusCode()).isEqualTo(200);
			assertThat(Http.get(this.port, "/fn/feed")).as("another tier keeps its threshold").isShed();
		}
		try (Hold hold = this.pressure.reach(0.9)) {
			assertThat(Http.get(this.port, "/annotated")).isShed();
		}
	}

	@Test
	void globalThresholdChangeTakesEffectOnTheNextRequest() {
		try (Hold hold = this.pressure.reach(0.5)) {
			assertThat(Http.get(this.port, "/global").statusCode()).isEqualTo(200);
			assertThat(adjust("threshold", "0.5").statusCode()).isEqualTo(200);
			assertThat(Http.get(this.port, "/global")).isShed();
		}
	}

	@Test
	void invalidChangesAreRefusedWith400AndChangeNothing() {
		assertThat(adjust("threshold", "1.5").statusCode()).isEqualTo(400);
		assertThat(adjust("tiers.nope.threshold", "0.5").statusCode()).isEqualTo(400);
		assertThat(adjust("dry-run", "maybe").statusCode()).isEqualTo(400);
		assertThat(adjust("retry-after", "5s").statusCode()).isEqualTo(400);
		assertThat(Http.get(this.port, "/actuator/resilience/shedding").body()).contains("\"threshold\":0.85",
				"\"dryRun\":false", "\"batch\":0.5");
	}

	private HttpResponse<String> adjust(String setting, String value) {
		return Http.send(this.port, "POST", "/actuator/resilience/shedding",
				"{\"setting\":\"" + setting + "\",\"value\":\"" + value + "\"}");
	}

}
