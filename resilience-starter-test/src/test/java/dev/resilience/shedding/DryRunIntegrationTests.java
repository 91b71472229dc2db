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

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(classes = SheddingTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.tomcat.threads.max=10", "resilience.shedding.dry-run=true" })
@AutoConfigureWorkerPoolPressure
class DryRunIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WorkerPoolPressure pressure;

	@Autowired
	LoadShedder shedder;

	@Autowired
	MeterRegistry meterRegistry;

	@Test
	void dryRunCountsWithoutRejecting() {
		long before = this.shedder.wouldHaveRejected();
		try (Hold hold = this.pressure.reach(0.85)) {
			for (int i = 0; i < 3; i++) {
				HttpResponse<String> response = Http.get(this.port, "/reports/lyon");
				assertThat(response.statusCode()).isEqualTo(200);
			}
		}
		assertThat(this.shedder.wouldHaveRejected()).isEqualTo(before + 3);
		assertThat(this.shedder.rejected()).isZero();
		assertThat(this.meterRegistry.get("resilience.shedding.rejected")
			.tag("uri", "/reports/{city}")
			.tag("dry.run", "true")
			.counter()
			.count()).isGreaterThanOrEqualTo(3);
	}

}
