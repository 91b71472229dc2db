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

}
