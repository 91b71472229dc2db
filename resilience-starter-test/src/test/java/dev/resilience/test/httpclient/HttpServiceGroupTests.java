package dev.resilience.test.httpclient;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.registry.ImportHttpServices;

import static dev.resilience.test.httpclient.CacheOutcomeAssert.assertThatCacheOutcome;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An HTTP service group's client runs on the shared client too, with its group settings, and shares the cache with
 * the application's {@link RestClient}s.
 */
@SpringBootTest(classes = HttpServiceGroupTests.App.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = "resilience.http-client.cache.status-header=true")
class HttpServiceGroupTests {

	static final RecordingOrigin origin = start();

	@Autowired
	ForecastApi forecastApi;

	@Autowired
	RestClient.Builder builder;

	@DynamicPropertySource
	static void forecastGroup(DynamicPropertyRegistry registry) {
		registry.add("spring.http.serviceclient.forecast.base-url", origin::baseUrl);
		registry.add("spring.http.serviceclient.forecast.read-timeout", () -> "5s");
	}

	@AfterAll
	static void stopOrigin() {
		origin.close();
	}

	@Test
	void serviceGroupClientUsesTheSharedPoolAndCache() {
		origin.respond("/forecast", (request) -> OriginResponse.ok("sunny").cacheControl("max-age=60"));
		assertThat(this.forecastApi.forecast()).isEqualTo("sunny");
		assertThat(this.forecastApi.forecast()).isEqualTo("sunny");
		assertThatCacheOutcome(this.builder.build().get().uri(origin.uri("/forecast")).retrieve().toEntity(String.class))
			.isHit();
		assertThat(origin.requestCount("/forecast")).isEqualTo(1);
		assertThat(origin.acceptedConnections()).isEqualTo(1);
	}

	private static RecordingOrigin start() {
		try {
			return RecordingOrigin.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	interface ForecastApi {

		@GetExchange("/forecast")
		String forecast();

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@ImportHttpServices(group = "forecast", types = ForecastApi.class)
	static class App {

	}

}
