package dev.resilience.shedding;

import dev.resilience.test.shedding.AutoConfigureWorkerPoolPressure;
import dev.resilience.test.shedding.WorkerPoolPressure;
import dev.resilience.test.shedding.WorkerPoolPressure.Hold;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static dev.resilience.test.shedding.ShedResponseAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tiers on a real Tomcat: path rules shed handlers nobody annotated, functional endpoints included, each at its
 * tier's threshold while everything else serves.
 */
@SpringBootTest(classes = TierTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.tomcat.threads.max=10", "resilience.shedding.tiers.batch.threshold=0.5",
				"resilience.shedding.tiers.batch.paths=GET /library/**",
				"resilience.shedding.tiers.feeds.threshold=0.3", "resilience.shedding.tiers.feeds.paths=/fn/**",
				"test.own-threshold=0.9" })
@AutoConfigureWorkerPoolPressure
class TierIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WorkerPoolPressure pressure;

	@Autowired
	MeterRegistry meterRegistry;

	@Test
	void pathRuleShedsAFunctionalEndpointAtItsTiersThresholdWhileOthersServe() {
		try (Hold hold = this.pressure.reach(0.3)) {
			assertThat(Http.get(this.port, "/fn/feed")).isShed();
			assertThat(Http.get(this.port, "/fn-critical").statusCode()).isEqualTo(200);
			assertThat(Http.get(this.port, "/library/reports/7").statusCode()).isEqualTo(200);
			assertThat(Http.get(this.port, "/critical").statusCode()).isEqualTo(200);
		}
		try (Hold hold = this.pressure.justBelow(0.3)) {
			assertThat(Http.get(this.port, "/fn/feed").statusCode()).isEqualTo(200);
		}
		assertThat(this.meterRegistry.get("resilience.shedding.rejected")
			.tag("uri", "/fn/**")
			.tag("dry.run", "false")
			.counter()
			.count()).isGreaterThanOrEqualTo(1);
	}

	@Test
	void pathRuleShedsAnUnannotatedControllerAtItsTiersThreshold() {
		try (Hold hold = this.pressure.reach(0.5)) {
			assertThat(Http.get(this.port, "/library/reports/7")).isShed();
			assertThat(Http.get(this.port, "/library/reports/7")).isShed(); // once remembered or not
			assertThat(Http.send(this.port, "POST", "/library/reports/7", null).statusCode())
				.as("the rule is for GET only")
				.isEqualTo(200);
			assertThat(Http.get(this.port, "/critical").statusCode()).isEqualTo(200);
			assertThat(Http.get(this.port, "/actuator/health").statusCode()).isNotEqualTo(429);
		}
		try (Hold hold = this.pressure.justBelow(0.5)) {
			assertThat(Http.get(this.port, "/library/reports/7").statusCode()).isEqualTo(200);
		}
	}

	@Test
	void annotationJoinsTheTierNamedByAPlaceholder() {
		try (Hold hold = this.pressure.reach(0.5)) {
			assertThat(Http.get(this.port, "/annotated")).isShed();
		}
		try (Hold hold = this.pressure.justBelow(0.5)) {
			assertThat(Http.get(this.port, "/annotated").statusCode()).isEqualTo(200);
		}
	}

	@Test
	void handlersOwnThresholdWinsOverItsTiersAndThePathRule() {
		try (Hold hold = this.pressure.reach(0.5)) {
			assertThat(Http.get(this.port, "/library/own").statusCode()).isEqualTo(200);
		}
		try (Hold hold = this.pressure.reach(0.9)) {
			assertThat(Http.get(this.port, "/library/own")).isShed();
		}
	}

}
