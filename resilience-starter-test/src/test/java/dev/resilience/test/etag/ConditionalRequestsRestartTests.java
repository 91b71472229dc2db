package dev.resilience.test.etag;

import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.resilience.test.etag.ConditionalRequests.assertETag;
import static dev.resilience.test.etag.ConditionalRequests.assertFullResponse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client holding an entity tag from before a restart must get the full response, never a false {@code 304}: the
 * restarted application has a new, empty version store.
 */
class ConditionalRequestsRestartTests {

	@Test
	void entityTagFromBeforeARestartGetsAFullResponse() {
		String before;
		try (ConfigurableApplicationContext first = start()) {
			ConditionalRequests http = ConditionalRequests.onLocalPort(port(first));
			http.send("PUT", "/things/1", "{\"name\":\"Castle\"}");
			before = http.assertRevalidates("/things/1");
		}
		try (ConfigurableApplicationContext second = start()) {
			ConditionalRequests http = ConditionalRequests.onLocalPort(port(second));
			http.send("PUT", "/things/1", "{\"name\":\"Castle\"}");
			var after = http.get("/things/1", "If-None-Match", before);
			assertFullResponse(after);
			assertThat(assertETag(after)).isNotEqualTo(before);
		}
	}

	private static ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(ConditionalRequestsTestApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"server.shutdown=immediate")
			.run();
	}

	private static int port(ConfigurableApplicationContext context) {
		return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

}
