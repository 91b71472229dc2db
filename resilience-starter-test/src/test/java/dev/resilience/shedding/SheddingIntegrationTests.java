package dev.resilience.shedding;

import java.net.http.HttpResponse;

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

@SpringBootTest(classes = SheddingTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.tomcat.threads.max=10", "resilience.shedding.retry-after=1500ms",
				"resilience.shedding.retry-after-jitter=0s",
				"management.endpoints.web.exposure.include=health,resilience" })
@AutoConfigureWorkerPoolPressure
class SheddingIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WorkerPoolPressure pressure;

	@Autowired
	PressureGauge gauge;

	@Autowired
	MeterRegistry meterRegistry;

	@Autowired
	SheddableHandlers handlers;

	@Test
	void capacityIsTomcatsWorkerPool() {
		assertThat(this.gauge.capacity().mode()).isEqualTo(PressureGauge.Mode.WORKER_POOL);
		assertThat(this.gauge.capacity().size()).isEqualTo(10);
	}

	@Test
	void sheddableEndpointAnswers429WhileOthersAnswer200AtTheSameMoment() {
		try (Hold hold = this.pressure.reach(0.85)) {
			assertThat(hold.workers()).isEqualTo(8);
			HttpResponse<String> shed = Http.get(this.port, "/reports/lyon");
			assertThat(shed).isShed().hasRetryAfterSeconds(2);
			assertThat(shed.body()).contains("\"instance\":\"/reports/lyon\"");
			assertThat(Http.get(this.port, "/critical").statusCode()).isEqualTo(200);
			assertThat(Http.get(this.port, "/actuator/health").statusCode()).isEqualTo(200);
			assertThat(Http.get(this.port, "/reports/today").statusCode()).isEqualTo(200);
			assertThat(Http.get(this.port, "/missing").statusCode()).isEqualTo(404);
		}
	}

	@Test
	void belowTheThresholdSheddableEndpointAnswers200() {
		try (Hold hold = this.pressure.justBelow(0.85)) {
			assertThat(hold.workers()).isEqualTo(7);
			HttpResponse<String> response = Http.get(this.port, "/reports/lyon");
			assertThat(response).isNotShed();
			assertThat(response.statusCode()).isEqualTo(200);
		}
		assertThat(Http.get(this.port, "/reports/lyon").statusCode()).isEqualTo(200);
	}

	@Test
	void endpointThresholdBeatsTheGlobalOne() {
		try (Hold hold = this.pressure.reach(0.5)) {
			assertThat(Http.get(this.port, "/exports")).isShed();
			assertThat(Http.get(this.port, "/exports/global").statusCode()).isEqualTo(200);
			assertThat(Http.get(this.port, "/reports/lyon").statusCode()).isEqualTo(200);
		}
		try (Hold hold = this.pressure.justBelow(0.5)) {
			assertThat(Http.get(this.port, "/exports").statusCode()).isEqualTo(200);
		}
	}

	@Test
	void rejectionsAreCountedByUriTemplate() {
		double before = rejectedCount("/reports/{city}");
		try (Hold hold = this.pressure.reach(0.85)) {
			assertThat(Http.get(this.port, "/reports/lyon")).isShed();
			assertThat(Http.get(this.port, "/reports/nice")).isShed();
			assertThat(this.meterRegistry.get("resilience.shedding.in.flight").gauge().value())
				.isGreaterThanOrEqualTo(hold.workers());
			assertThat(this.meterRegistry.get("resilience.shedding.pressure").gauge().value())
				.isGreaterThanOrEqualTo(hold.workers() / 10.0);
		}
		assertThat(rejectedCount("/reports/{city}")).isEqualTo(before + 2);
	}

	@Test
	void literalPathsAreResolvedOnceAndAnsweredAlikeEveryTime() {
		double before = rejectedCount("/exports");
		try (Hold hold = this.pressure.reach(0.85)) {
			for (int i = 0; i < 3; i++) {
				assertThat(Http.get(this.port, "/exports")).isShed();
				assertThat(Http.get(this.port, "/reports/today").statusCode()).isEqualTo(200);
				assertThat(Http.get(this.port, "/reports/lyon")).isShed();
			}
		}
		assertThat(rejectedCount("/exports")).isEqualTo(before + 3);
		assertThat(this.handlers.rememberedDirectPaths()).isGreaterThanOrEqualTo(2);
	}

	@Test
	void actuatorEndpointReportsTheSheddingSection() {
		HttpResponse<String> response = Http.get(this.port, "/actuator/resilience/shedding");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"mode\":\"WORKER_POOL\"", "\"capacity\":10", "\"threshold\":0.85",
				"\"dryRun\":false");
		assertThat(Http.get(this.port, "/actuator/resilience").body()).contains("\"shedding\":{");
	}

	private double rejectedCount(String uri) {
		var counter = this.meterRegistry.find("resilience.shedding.rejected")
			.tag("uri", uri)
			.tag("dry.run", "false")
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

}
