package dev.resilience.sample.places;

import java.net.http.HttpResponse;

import dev.resilience.test.etag.ConditionalRequests;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static dev.resilience.test.etag.ConditionalRequests.assertETag;
import static dev.resilience.test.etag.ConditionalRequests.assertFullResponse;
import static dev.resilience.test.etag.ConditionalRequests.assertNoETag;
import static dev.resilience.test.etag.ConditionalRequests.assertPreconditionFailed;
import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class PlaceControllerTests {

	private static final String CASTLE = "{\"id\":\"castle\",\"name\":\"Castle\",\"district\":\"Hradcany\","
			+ "\"category\":\"landmark\",\"capacity\":%d}";

	@LocalServerPort
	private int port;

	@Test
	void placeRevalidatesAndAStaleChangeIsRefused() {
		ConditionalRequests http = ConditionalRequests.onLocalPort(this.port);
		String etag = http.assertRevalidates("/places/castle");
		HttpResponse<String> changed = http.send("PUT", "/places/castle", CASTLE.formatted(3500), "If-Match", etag);
		assertThat(changed.statusCode()).isEqualTo(200);
		HttpResponse<String> fresh = http.get("/places/castle", "If-None-Match", etag);
		assertFullResponse(fresh);
		assertThat(fresh.body()).contains("3500");
		assertThat(assertETag(fresh)).isNotEqualTo(etag);
		http.assertStaleIfMatchRejected("PUT", "/places/castle", CASTLE.formatted(1), etag);
		assertThat(http.get("/places/castle").body()).contains("3500");
	}

	@Test
	void unknownPlaceIs404WithoutETag() {
		HttpResponse<String> response = ConditionalRequests.onLocalPort(this.port).get("/places/atlantis");
		assertThat(response.statusCode()).isEqualTo(404);
		assertNoETag(response);
	}

	@Test
	void starNeverConfirmsAnAbsentPlace() {
		ConditionalRequests http = ConditionalRequests.onLocalPort(this.port);
		HttpResponse<String> response = http.get("/places/nope", "If-None-Match", "*");
		assertThat(response.statusCode()).isEqualTo(404);
		assertNoETag(response);
	}

	@Test
	void ifNoneMatchStarNeverOverwritesAnExistingPlace() {
		ConditionalRequests http = ConditionalRequests.onLocalPort(this.port);
		String museum = "{\"id\":\"national-museum\",\"name\":\"Overwritten\",\"district\":\"x\","
				+ "\"category\":\"museum\",\"capacity\":1}";
		assertPreconditionFailed(http.send("PUT", "/places/national-museum", museum, "If-None-Match", "*"));
		assertETag(http.get("/places/national-museum"));
		assertPreconditionFailed(http.send("PUT", "/places/national-museum", museum, "If-None-Match", "*"));
		assertThat(http.get("/places/national-museum").body()).contains("National Museum").doesNotContain("Overwritten");
	}

	@Test
	void ifMatchStarNeverCreatesAnAbsentPlace() {
		ConditionalRequests http = ConditionalRequests.onLocalPort(this.port);
		String lake = "{\"id\":\"lake\",\"name\":\"Lake\",\"district\":\"South\",\"category\":\"park\","
				+ "\"capacity\":100}";
		assertPreconditionFailed(http.send("PUT", "/places/lake", lake, "If-Match", "*"));
		assertThat(http.get("/places/lake").statusCode()).isEqualTo(404);
		assertPreconditionFailed(http.send("PUT", "/places/lake", lake, "If-Match", "*"));
		assertThat(http.get("/places/lake").statusCode()).isEqualTo(404);
		assertThat(http.send("PUT", "/places/lake", lake, "If-None-Match", "*").statusCode()).as("create").isEqualTo(200);
		assertETag(http.get("/places/lake"));
	}

}
