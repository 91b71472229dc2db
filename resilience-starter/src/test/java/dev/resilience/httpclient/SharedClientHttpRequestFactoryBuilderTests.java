package dev.resilience.httpclient;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.cache.CacheConfig;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.TimeValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.http.client.InetAddressFilter;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Per-builder {@link HttpClientSettings} on the one shared client, against a real local origin.
 */
class SharedClientHttpRequestFactoryBuilderTests {

	private final CountDownLatch release = new CountDownLatch(1);

	private final AtomicInteger cachedRequests = new AtomicInteger();

	private HttpServer origin;

	private SharedHttpClient shared;

	private SharedClientHttpRequestFactoryBuilder builder;

	@BeforeEach
	void start() throws IOException {
		this.origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.origin.createContext("/slow", (exchange) -> {
			try {
				this.release.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			respond(exchange, 200, "late");
		});
		this.origin.createContext("/moved", (exchange) -> {
			exchange.getResponseHeaders().add("Location", "/target");
			respond(exchange, 302, "");
		});
		this.origin.createContext("/target", (exchange) -> respond(exchange, 200, "target"));
		this.origin.createContext("/cached", (exchange) -> {
			this.cachedRequests.incrementAndGet();
			exchange.getResponseHeaders().add("Cache-Control", "max-age=600");
			respond(exchange, 200, "cached");
		});
		this.origin.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
		this.origin.start();
		this.shared = new SharedHttpClient(PoolingHttpClientConnectionManagerBuilder.create().build(),
				new MemoryHttpCacheStore(100, 1024 * 1024), CacheConfig.DEFAULT, new CacheOutcomeCounts(), false, true,
				Duration.ZERO, List.of(), 1,
				new RetryBudget(0.1, 10), RequestConfig.DEFAULT, TimeValue.ofSeconds(30));
		this.builder = new SharedClientHttpRequestFactoryBuilder(this.shared, false, 1);
	}

	@AfterEach
	void stop() throws IOException {
		this.release.countDown();
		this.shared.close();
		this.origin.stop(0);
	}

	@Test
	void readTimeoutOfTheSettingsApplies() {
		HttpComponentsClientHttpRequestFactory factory = this.builder
			.build(HttpClientSettings.defaults().withReadTimeout(Duration.ofMillis(200)));
		assertThatExceptionOfType(SocketTimeoutException.class)
			.isThrownBy(() -> factory.createRequest(uri("/slow"), HttpMethod.GET).execute());
	}

	@Test
	void redirectsAreFollowedOrNotPerSettings() throws IOException {
		HttpComponentsClientHttpRequestFactory following = this.builder.build(HttpClientSettings.defaults());
		HttpComponentsClientHttpRequestFactory notFollowing = this.builder
			.build(HttpClientSettings.defaults().withRedirects(HttpRedirects.DONT_FOLLOW));
		try (ClientHttpResponse response = following.createRequest(uri("/moved"), HttpMethod.GET).execute()) {
			assertThat(response.getStatusCode().value()).isEqualTo(200);
		}
		try (ClientHttpResponse response = notFollowing.createRequest(uri("/moved"), HttpMethod.GET).execute()) {
			assertThat(response.getStatusCode().value()).isEqualTo(302);
		}
	}

	@Test
	void settingsThatChangeTheConnectionGetAClientOfTheirOwnOncePerDistinctValue() throws IOException {
		InetAddressFilter filter = InetAddressFilter.all();
		HttpComponentsClientHttpRequestFactory first = this.builder
			.build(HttpClientSettings.defaults().withInetAddressFilter(filter));
		this.builder.build(HttpClientSettings.defaults().withInetAddressFilter(filter));
		assertThat(this.builder.dedicatedClients()).isEqualTo(1);
		assertThat(first.getHttpClient()).isNotSameAs(this.builder.build(null).getHttpClient());
		try (ClientHttpResponse response = first.createRequest(uri("/target"), HttpMethod.GET).execute()) {
			assertThat(response.getStatusCode().value()).isEqualTo(200);
		}
	}

	@Test
	void destroyingAFactoryDoesNotCloseTheSharedClient() throws Exception {
		this.builder.build(null).destroy();
		try (ClientHttpResponse response = this.builder.build(null)
			.createRequest(uri("/target"), HttpMethod.GET)
			.execute()) {
			assertThat(new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("target");
		}
	}

	@Test
	void cacheHitsDoNotDepositIntoTheRetryBudget() throws IOException {
		RetryBudget budget = emptyBudget();
		HttpComponentsClientHttpRequestFactory factory = this.builder.build(null);
		for (int i = 0; i < 30; i++) {
			get(factory, "/cached");
		}
		assertThat(this.cachedRequests).hasValue(1);
		// one origin request deposits 0.1 of a retry; 29 hits deposit nothing
		assertThat(budget.available()).isZero();
	}

	@Test
	void originRequestsOfTheSharedPoolDepositIntoTheRetryBudget() throws IOException {
		RetryBudget budget = emptyBudget();
		HttpComponentsClientHttpRequestFactory factory = this.builder.build(null);
		for (int i = 0; i < 30; i++) {
			get(factory, "/target");
		}
		assertThat(budget.available()).isEqualTo(3);
	}

	@Test
	void originRequestsOfAClientWithItsOwnPoolDepositIntoTheRetryBudget() throws IOException {
		RetryBudget budget = emptyBudget();
		HttpComponentsClientHttpRequestFactory factory = this.builder
			.build(HttpClientSettings.defaults().withInetAddressFilter(InetAddressFilter.all()));
		for (int i = 0; i < 30; i++) {
			get(factory, "/target");
		}
		assertThat(budget.available()).isEqualTo(3);
	}

	private RetryBudget emptyBudget() {
		RetryBudget budget = this.shared.retryBudget();
		while (budget.tryWithdraw()) {
			// spend the initial burst
		}
		return budget;
	}

	private void get(HttpComponentsClientHttpRequestFactory factory, String path) throws IOException {
		try (ClientHttpResponse response = factory.createRequest(uri(path), HttpMethod.GET).execute()) {
			assertThat(response.getStatusCode().value()).isEqualTo(200);
			response.getBody().readAllBytes();
		}
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.origin.getAddress().getPort() + path);
	}

	private static void respond(com.sun.net.httpserver.HttpExchange exchange, int status, String body)
			throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.sendResponseHeaders(status, (bytes.length > 0) ? bytes.length : -1);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

}
