package dev.resilience.test.timeouts;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code timeouts} section of {@code /actuator/resilience}, read over HTTP from a real embedded Tomcat whose
 * connector timeouts come from the user (connection) and the starter (keep-alive).
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = TimeoutsEndpointIntegrationTests.WebApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=resilience", "server.tomcat.connection-timeout=8s",
				"spring.http.clients.read-timeout=1500ms" })
class TimeoutsEndpointIntegrationTests {

	@LocalServerPort
	private int port;

	@Test
	void sectionReportsTheTimeoutsInForceAndTheirOrigins() throws Exception {
		Map<String, Object> section = get("/actuator/resilience/timeouts");
		assertThat(section).containsEntry("defaultsEnabled", true);
		assertThat(timeout(section, "tomcat", "connection")).containsEntry("value", "8s")
			.containsEntry("origin", "user")
			.containsEntry("infinite", false)
			.containsEntry("property", "server.tomcat.connection-timeout");
		assertThat(timeout(section, "tomcat", "keep-alive")).containsEntry("value", "65s")
			.containsEntry("origin", "starter-default")
			.containsEntry("detail", "starter default: fixed");
		assertThat(timeout(section, "http-clients", "connect")).containsEntry("value", "3s")
			.containsEntry("origin", "starter-default")
			.containsEntry("detail", "starter default: follows resilience.timeouts.connect");
		assertThat(timeout(section, "http-clients", "read")).containsEntry("value", "1500ms")
			.containsEntry("origin", "user");
	}

	@Test
	void startupLogsNoTimeoutWarningWhenEveryTimeoutIsWithinTheLimit(CapturedOutput output) {
		assertThat(output.getAll()).doesNotContain("Timeout '");
	}

	private Map<String, Object> get(String path) throws Exception {
		HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		HttpResponse<String> response = client.send(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(10))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return JsonParserFactory.getJsonParser().parseMap(response.body());
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> timeout(Map<String, Object> section, String client, String timeout) {
		Map<String, Object> clients = (Map<String, Object>) section.get("clients");
		assertThat(clients).containsKey(client);
		return (Map<String, Object>) ((Map<String, Object>) clients.get(client)).get(timeout);
	}

	/**
	 * On Tomcat, whose connector the starter reads.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class WebApplication {

	}

}
