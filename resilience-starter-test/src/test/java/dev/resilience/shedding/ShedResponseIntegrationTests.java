package dev.resilience.shedding;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;

import dev.resilience.test.shedding.AutoConfigureWorkerPoolPressure;
import dev.resilience.test.shedding.WorkerPoolPressure;
import dev.resilience.test.shedding.WorkerPoolPressure.Hold;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static dev.resilience.test.shedding.ShedResponseAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rejection as a platform expects it, on a real Tomcat: a configured 503, {@code Retry-After} spread over its
 * window, and a problem document customized by a bean.
 */
@SpringBootTest(classes = { SheddingTestApplication.class, ShedResponseIntegrationTests.Customization.class },
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.tomcat.threads.max=10", "resilience.shedding.rejection-status=503",
				"resilience.shedding.retry-after=2s", "resilience.shedding.retry-after-jitter=4s" })
@AutoConfigureWorkerPoolPressure
class ShedResponseIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WorkerPoolPressure pressure;

	@Test
	void shedRequestsGet503WithRetryAfterSpreadOverTheWindowAndTheCustomizedProblem() {
		Set<String> retryAfters = new HashSet<>();
		try (Hold hold = this.pressure.reach(0.85)) {
			for (int i = 0; i < 40; i++) {
				HttpResponse<String> shed = Http.get(this.port, "/reports/lyon");
				assertThat(shed).isShed().hasRetryAfterSecondsBetween(2, 6);
				assertThat(shed.statusCode()).isEqualTo(503);
				retryAfters.add(shed.headers().firstValue("Retry-After").orElseThrow());
				assertThat(shed.body()).isEqualTo("{\"type\":\"https://errors.example/busy\","
						+ "\"title\":\"Service Unavailable\",\"status\":503,\"detail\":\"Try another instance.\","
						+ "\"retryable\":true,\"instance\":\"/reports/lyon\"}");
			}
			assertThat(Http.get(this.port, "/critical").statusCode()).isEqualTo(200);
		}
		assertThat(retryAfters).as("40 draws from 5 values").hasSizeGreaterThan(1);
	}

	@Configuration(proxyBeanMethods = false)
	static class Customization {

		@Bean
		ShedProblemDetailCustomizer busyProblem() {
			return (problem) -> {
				problem.setType(URI.create("https://errors.example/busy"));
				problem.setDetail("Try another instance.");
				problem.setProperty("retryable", true);
			};
		}

	}

}
