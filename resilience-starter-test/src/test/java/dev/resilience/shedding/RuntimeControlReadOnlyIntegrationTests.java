package dev.resilience.shedding;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code resilience} endpoint is read-only unless its access is raised: a write is refused and changes nothing.
 */
@SpringBootTest(classes = SheddingTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "management.endpoints.web.exposure.include=resilience")
class RuntimeControlReadOnlyIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	LoadShedder shedder;

	@Test
	void writeIsRefusedUnderDefaultAccess() {
		assertThat(Http.send(this.port, "POST", "/actuator/resilience/shedding",
				"{\"setting\":\"dry-run\",\"value\":\"true\"}").statusCode()).isEqualTo(405);
		assertThat(this.shedder.isDryRun()).isFalse();
		assertThat(Http.get(this.port, "/actuator/resilience/shedding").statusCode()).isEqualTo(200);
	}

}
