package dev.resilience.httpclient;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.cache.CacheConfig;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.TimeValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Stale responses served when the origin is gone: a real local origin that is stopped (connections refused).
 */
class StaleIfUnreachableTests {

	private HttpServer origin;

	private SharedHttpClient shared;

	private ClientHttpRequestFactory factory;

	@BeforeEach
	void start() throws IOException {
		this.origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		serve("/within", "max-age=60", Duration.ofSeconds(10));
		serve("/beyond", "max-age=60", Duration.ofMinutes(10));
		serve("/must-revalidate", "max-age=60, must-revalidate", Duration.ofSeconds(10));
		serve("/no-cache", "no-cache", Duration.ofSeconds(10));
		serve("/s-maxage", "s-maxage=60", Duration.ofSeconds(10));
		this.origin.setExecutor(Executors.newCachedThreadPool());
		this.origin.start();
		this.shared = new SharedHttpClient(PoolingHttpClientConnectionManagerBuilder.create().build(),
				new MemoryHttpCacheStore(100, 1024 * 1024), CacheConfig.DEFAULT, new CacheOutcomeCounts(), true, true,
				Duration.ofMinutes(1), List.of(), 0, new RetryBudget(0.1, 10), RequestConfig.DEFAULT,
				TimeValue.ofSeconds(30));
		this.factory = new SharedClientHttpRequestFactoryBuilder(this.shared, false, 0)
			.build(HttpClientSettings.defaults().withReadTimeout(Duration.ofSeconds(10)));
	}

	@AfterEach
	void stop() throws IOException {
		this.shared.close();
		this.origin.stop(0);
	}

	@Test
	void originGoneAStaleResponseWithinTheBoundIsServedOnlyWhereTheResponseAllowsIt() throws IOException {
		for (String path : new String[] { "/within", "/beyond", "/must-revalidate", "/no-cache", "/s-maxage" }) {
			assertThat(get(path).body).isEqualTo(path);
		}
		this.origin.stop(0);
		Response stale = get("/within");
		assertThat(stale.body).isEqualTo("/within");
		assertThat(stale.cacheStatus).isEqualTo(CacheOutcome.STALE.cacheStatus());
		assertThat(this.shared.outcomes().count(CacheOutcome.STALE)).isOne();
		for (String path : new String[] { "/beyond", "/must-revalidate", "/no-cache", "/s-maxage" }) {
			assertThatExceptionOfType(IOException.class).as(path).isThrownBy(() -> get(path));
		}
	}

	@Test
	void onlyDisconnectionsCount() {
		assertThat(StaleIfUnreachable.unreachable(new java.net.ConnectException("refused"))).isTrue();
		assertThat(StaleIfUnreachable.unreachable(new java.net.SocketException("Connection reset"))).isTrue();
		assertThat(StaleIfUnreachable.unreachable(new java.net.SocketTimeoutException("Read timed out"))).isTrue();
		assertThat(StaleIfUnreachable.unreachable(new IOException("wrapped", new java.net.ConnectException())))
			.isTrue();
		assertThat(StaleIfUnreachable.unreachable(new javax.net.ssl.SSLHandshakeException("bad certificate")))
			.isFalse();
		assertThat(StaleIfUnreachable.unreachable(new IOException("other"))).isFalse();
	}

	private void serve(String path, String cacheControl, Duration staleBy) {
		this.origin.createContext(path, (exchange) -> {
			byte[] body = path.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Cache-Control", cacheControl);
			// stale on arrival: one minute of freshness, already that old plus staleBy
			exchange.getResponseHeaders().add("Age", Long.toString(60 + staleBy.toSeconds()));
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
	}

	private Response get(String path) throws IOException {
		URI uri = URI.create("http://127.0.0.1:" + this.origin.getAddress().getPort() + path);
		try (ClientHttpResponse response = this.factory.createRequest(uri, HttpMethod.GET).execute()) {
			return new Response(new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8),
					response.getHeaders().getFirst("Cache-Status"));
		}
	}

	private record Response(String body, String cacheStatus) {

	}

}
