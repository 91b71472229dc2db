package dev.resilience.sample.congestion;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.resilience.test.shedding.AutoConfigureWorkerPoolPressure;
import dev.resilience.test.shedding.WorkerPoolPressure;
import dev.resilience.test.shedding.WorkerPoolPressure.Hold;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static dev.resilience.test.shedding.ShedResponseAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample as its users see it: under worker-pool pressure the nightly report is shed while the app's lookups,
 * health and metrics keep answering.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.tomcat.threads.max=20", "sample.report-query-time=10ms" })
@AutoConfigureWorkerPoolPressure
class CongestionSheddingTests {

	private static final HttpClient client = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	WorkerPoolPressure pressure;

	@Test
	void reportIsShedWhileLookupsHealthAndMetricsAnswer() throws Exception {
		assertThat(get("/reports/congestion?hours=1").statusCode()).isEqualTo(200);
		try (Hold hold = this.pressure.reach(0.85)) {
			assertThat(get("/reports/congestion")).isShed().hasRetryAfterSecondsBetween(2, 4);
			assertThat(get("/congestion/central-station").statusCode()).isEqualTo(200);
			assertThat(get("/actuator/health").statusCode()).isEqualTo(200);
		}
		HttpResponse<String> metrics = get("/actuator/prometheus");
		assertThat(metrics.body()).contains("resilience_shedding_rejected_total{dry_run=\"false\",uri=\"/reports/congestion\"")
			.contains("resilience_shedding_pressure");
	}

	@Test
	void unknownPlaceIs404() throws Exception {
		assertThat(get("/congestion/nowhere").statusCode()).isEqualTo(404);
	}

	private HttpResponse<String> get(String path) throws Exception {
		return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
