package dev.resilience.test.httpclient;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pooled connections and the origin's {@code Keep-Alive} timeout, on a real local origin.
 */
@SpringBootTest(classes = KeepAliveTests.App.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = "resilience.http-client.pool.validate-after-inactivity=1s")
class KeepAliveTests {

	@Autowired
	RestClient.Builder builder;

	// The origin closes the idle connection when its 3 s are over; sending on it just before then races that close
	// (NoHttpResponseException, a retry): the pool gives it up a second early instead.
	@Test
	void anIdleConnectionIsNotReusedInTheLastSecondOfTheOriginsKeepAliveTimeout()
			throws IOException, InterruptedException {
		try (RecordingOrigin origin = RecordingOrigin.start()) {
			origin.respond("/kept", (request) -> OriginResponse.ok("kept").header("Keep-Alive", "timeout=3"));
			RestClient client = this.builder.build();
			assertThat(client.get().uri(origin.uri("/kept")).retrieve().body(String.class)).isEqualTo("kept");
			Thread.sleep(2500);
			assertThat(client.get().uri(origin.uri("/kept")).retrieve().body(String.class)).isEqualTo("kept");
			assertThat(origin.acceptedConnections()).isEqualTo(2);
		}
	}

	@Test
	void anIdleConnectionIsReusedWellWithinTheOriginsKeepAliveTimeout() throws IOException {
		try (RecordingOrigin origin = RecordingOrigin.start()) {
			origin.respond("/kept", (request) -> OriginResponse.ok("kept").header("Keep-Alive", "timeout=30"));
			RestClient client = this.builder.build();
			client.get().uri(origin.uri("/kept")).retrieve().body(String.class);
			client.get().uri(origin.uri("/kept")).retrieve().body(String.class);
			assertThat(origin.acceptedConnections()).isEqualTo(1);
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

}
