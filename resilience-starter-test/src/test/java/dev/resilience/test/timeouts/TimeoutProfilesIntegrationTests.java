package dev.resilience.test.timeouts;

import java.time.Duration;
import java.util.Map;

import dev.resilience.timeouts.RestClientTimeouts;
import dev.resilience.timeouts.TimeoutsSection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.registry.ImportHttpServices;

import static dev.resilience.test.timeouts.TimeoutFailures.causedByATimeout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Profiles against an origin that never answers, with a global read timeout (30 s) far beyond the test's bound: a call
 * fails within the bound only if the profile's 300 ms is the timeout in force.
 */
@SpringBootTest(classes = TimeoutProfilesIntegrationTests.ClientApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "resilience.timeouts.read=30s", "resilience.timeouts.profiles.quick.read=300ms",
				"resilience.timeouts.serviceclient.congestion.profile=quick" })
class TimeoutProfilesIntegrationTests {

	private static final Duration HANG = Duration.ofSeconds(10);

	private static final UnresponsiveOrigin origin = UnresponsiveOrigin.start();

	@Autowired
	private RestClient.Builder restClientBuilder;

	@Autowired
	private RestClientTimeouts restClientTimeouts;

	@Autowired
	private CongestionApi congestionApi;

	@Autowired
	private TimeoutsSection section;

	@DynamicPropertySource
	static void origins(DynamicPropertyRegistry registry) {
		registry.add("spring.http.serviceclient.congestion.base-url", () -> origin.uri().toString());
		registry.add("spring.http.serviceclient.weather.base-url", () -> origin.uri().toString());
	}

	@AfterAll
	static void stopOrigin() {
		origin.close();
	}

	@Test
	void profileAppliedToARestClientGivesItTheProfilesReadTimeout() {
		RestClient restClient = this.restClientBuilder.apply(this.restClientTimeouts.fromProfile("quick")).build();
		assertTimeoutPreemptively(HANG,
				() -> assertThatExceptionOfType(ResourceAccessException.class)
					.isThrownBy(() -> restClient.get().uri(origin.uri()).retrieve().toBodilessEntity())
					.is(causedByATimeout()));
	}

	@Test
	void profileAssignedToAServiceGroupGivesItsClientTheProfilesReadTimeout() {
		assertTimeoutPreemptively(HANG, () -> assertThatExceptionOfType(ResourceAccessException.class)
			.isThrownBy(this.congestionApi::current)
			.is(causedByATimeout()));
	}

	@Test
	void endpointSectionShowsEachGroupsTimeoutAndWhereItCameFrom() {
		Map<String, Object> congestion = client("http-serviceclient.congestion");
		assertThat(read(congestion)).containsEntry("value", "300ms")
			.containsEntry("origin", "starter-default")
			.containsEntry("property", "spring.http.serviceclient.congestion.read-timeout")
			.containsEntry("detail",
					"starter default: profile 'quick' from resilience.timeouts.serviceclient.congestion.profile");
		Map<String, Object> weather = client("http-serviceclient.weather");
		assertThat(read(weather)).containsEntry("value", "30s")
			.containsEntry("origin", "starter-default")
			.containsEntry("detail", "inherited from spring.http.clients.read-timeout "
					+ "(starter default: follows resilience.timeouts.read)");
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> client(String name) {
		Map<String, Object> clients = (Map<String, Object>) this.section.describe().get("clients");
		assertThat(clients).containsKey(name);
		return (Map<String, Object>) clients.get(name);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> read(Map<String, Object> client) {
		return (Map<String, Object>) client.get("read");
	}

	interface CongestionApi {

		@GetExchange("/congestion")
		String current();

	}

	interface WeatherApi {

		@GetExchange("/weather")
		String current();

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@ImportHttpServices(group = "congestion", types = CongestionApi.class)
	@ImportHttpServices(group = "weather", types = WeatherApi.class)
	static class ClientApplication {

	}

}
