package dev.resilience.sample.weather;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's weather endpoint on a real embedded server, calling the sample's own upstream feed through the shared
 * caching client.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WeatherEndpointTests {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	WeatherFeed feed;

	@Test
	void secondCallIsServedFromTheSharedCache() throws Exception {
		String first = get("/weather/bergen");
		String second = get("/weather/bergen");
		assertThat(first).contains("\"cacheStatus\":\"resilience; fwd=miss\"").contains("bergen");
		assertThat(second).contains("\"cacheStatus\":\"resilience; hit\"").contains("\"feedFullResponses\":");
		assertThat(this.feed.fullResponses()).isEqualTo(1);
	}

	@Test
	void actuatorShowsTheHttpClientSection() throws Exception {
		get("/weather/oslo");
		assertThat(get("/actuator/resilience/http-client")).contains("\"pool\"")
			.contains("\"store\":\"memory\"")
			.contains("\"hitRatio\"");
	}

	private String get(String path) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body();
	}

}
