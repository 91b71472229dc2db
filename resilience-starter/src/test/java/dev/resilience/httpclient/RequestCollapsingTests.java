package dev.resilience.httpclient;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
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
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Request collapsing against a real local origin that holds its answer until the test releases it. The test releases
 * the origin only once every other caller is parked waiting, so what is asserted does not depend on timing.
 */
class RequestCollapsingTests {

	private static final Duration HANG = Duration.ofSeconds(60);

	private final CountDownLatch release = new CountDownLatch(1);

	private final AtomicInteger originRequests = new AtomicInteger();

	private final ExecutorService callers = Executors.newCachedThreadPool();

	private HttpServer origin;

	private SharedHttpClient shared;

	private ClientHttpRequestFactory factory;

	@BeforeEach
	void start() throws IOException {
		this.origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.origin.createContext("/cold", (exchange) -> {
			hold(exchange);
			exchange.getResponseHeaders().add("Cache-Control", "max-age=60");
			respond(exchange, "cold body");
		});
		this.origin.createContext("/vary", (exchange) -> {
			hold(exchange);
			exchange.getResponseHeaders().add("Cache-Control", "max-age=60");
			exchange.getResponseHeaders().add("Vary", "Accept");
			respond(exchange, "variant " + exchange.getRequestHeaders().getFirst("Accept"));
		});
		this.origin.createContext("/fails", (exchange) -> {
			hold(exchange);
			exchange.close();
		});
		this.origin.createContext("/distinct/", (exchange) -> {
			exchange.getResponseHeaders().add("Cache-Control", "max-age=60");
			respond(exchange, "distinct body");
		});
		this.origin.createContext("/broken/", HttpExchange::close);
		this.origin.setExecutor(Executors.newCachedThreadPool());
		this.origin.start();
		this.shared = new SharedHttpClient(PoolingHttpClientConnectionManagerBuilder.create().build(),
				new MemoryHttpCacheStore(100, 1024 * 1024), CacheConfig.DEFAULT, new CacheOutcomeCounts(), false, true,
				Duration.ZERO, List.of(), 0, new RetryBudget(0.1, 10), RequestConfig.DEFAULT, TimeValue.ofSeconds(30));
		this.factory = new SharedClientHttpRequestFactoryBuilder(this.shared, false, 0)
			.build(HttpClientSettings.defaults().withReadTimeout(HANG));
	}

	@AfterEach
	void stop() throws IOException {
		this.release.countDown();
		this.callers.shutdownNow();
		this.shared.close();
		this.origin.stop(0);
	}

	@Test
	void twentyConcurrentCallersOnAColdUrlMakeOneOriginRequest() throws Exception {
		assertTimeoutPreemptively(HANG, () -> {
			List<Future<String>> bodies = callConcurrently(20, () -> get(this.factory, "/cold", null));
			awaitParked(19, 1);
			this.release.countDown();
			for (Future<String> body : bodies) {
				assertThat(body.get()).isEqualTo("cold body");
			}
			assertThat(this.originRequests).hasValue(1);
			assertThat(this.shared.outcomes().collapsed()).isEqualTo(19);
			assertThat(this.shared.outcomes().count(CacheOutcome.HIT)).isEqualTo(19);
		});
	}

	@Test
	void everyFlightLandsWhateverTheNumberOfDistinctUrls() throws Exception {
		RequestCollapser collapser = this.shared.collapser();
		assertThat(collapser).isNotNull();
		assertTimeoutPreemptively(HANG, () -> {
			List<Future<String>> calls = new ArrayList<>();
			for (int i = 0; i < 2_000; i++) {
				String path = ((i % 10 == 0) ? "/broken/" : "/distinct/") + i;
				calls.add(this.callers.submit(() -> {
					try {
						return get(this.factory, path, null);
					}
					catch (IOException ex) {
						return "failed";
					}
				}));
			}
			int failed = 0;
			for (Future<String> call : calls) {
				failed += call.get().equals("failed") ? 1 : 0;
			}
			assertThat(failed).isEqualTo(200);
		});
		assertThat(collapser.flightsInProgress()).isZero();
	}

	@Test
	void theLeadersErrorIsTheFollowersError() throws Exception {
		assertTimeoutPreemptively(HANG, () -> {
			List<Future<String>> results = callConcurrently(5, () -> get(this.factory, "/fails", null));
			awaitParked(4, 1);
			this.release.countDown();
			for (Future<String> result : results) {
				assertThatExceptionOfType(java.util.concurrent.ExecutionException.class).isThrownBy(result::get)
					.havingCause()
					.isInstanceOf(IOException.class);
			}
			assertThat(this.originRequests).hasValue(1);
			assertThat(this.shared.outcomes().collapsed()).isZero();
		});
	}

	@Test
	void aFollowerGivesUpAtItsOwnReadTimeout() throws Exception {
		assertTimeoutPreemptively(HANG, () -> {
			ClientHttpRequestFactory impatient = new SharedClientHttpRequestFactoryBuilder(this.shared, false, 0)
				.build(HttpClientSettings.defaults().withReadTimeout(Duration.ofMillis(200)));
			List<Future<String>> leader = callConcurrently(1, () -> get(this.factory, "/cold", null));
			awaitParked(0, 1);
			assertThatExceptionOfType(SocketTimeoutException.class)
				.isThrownBy(() -> get(impatient, "/cold", null))
				.withMessageContaining("waiting for a concurrent request to the same URL");
			this.release.countDown();
			assertThat(leader.get(0).get()).isEqualTo("cold body");
			assertThat(this.originRequests).hasValue(1);
		});
	}

	@Test
	void requestsThatMustNotBeServedFromTheCacheAreNotCollapsed() throws Exception {
		assertTimeoutPreemptively(HANG, () -> {
			List<Future<String>> bodies = callConcurrently(5, () -> get(this.factory, "/cold", "no-cache"));
			// each reaches the origin on its own; collapsed, only one would and this would hang
			awaitParked(0, 5);
			this.release.countDown();
			for (Future<String> body : bodies) {
				assertThat(body.get()).isEqualTo("cold body");
			}
			assertThat(this.shared.outcomes().collapsed()).isZero();
		});
	}

	@Test
	void aFollowerForAnotherVariantFetchesItsOwn() throws Exception {
		assertTimeoutPreemptively(HANG, () -> {
			List<Future<String>> json = callConcurrently(1, () -> get(this.factory, "/vary", null, "application/json"));
			awaitParked(0, 1);
			List<Future<String>> text = callConcurrently(1, () -> get(this.factory, "/vary", null, "text/plain"));
			awaitParked(1, 1);
			this.release.countDown();
			assertThat(json.get(0).get()).isEqualTo("variant application/json");
			assertThat(text.get(0).get()).isEqualTo("variant text/plain");
			assertThat(this.originRequests).hasValue(2);
			assertThat(this.shared.outcomes().collapsed()).isZero();
		});
	}

	private List<Future<String>> callConcurrently(int callers, java.util.concurrent.Callable<String> call) {
		List<Future<String>> results = new ArrayList<>();
		for (int i = 0; i < callers; i++) {
			results.add(this.callers.submit(call));
		}
		return results;
	}

	/**
	 * Wait until {@code origin} requests reached the origin and {@code parked} callers wait for a leader.
	 */
	private void awaitParked(int parked, int origin) throws InterruptedException {
		while (this.originRequests.get() < origin || parkedCallers() < parked) {
			Thread.sleep(10);
		}
	}

	private static long parkedCallers() {
		return Thread.getAllStackTraces()
			.entrySet()
			.stream()
			.filter((thread) -> thread.getKey().getState() != Thread.State.RUNNABLE)
			.filter((thread) -> java.util.Arrays.stream(thread.getValue())
				.anyMatch((frame) -> frame.getClassName().equals(RequestCollapser.class.getName())
						&& frame.getMethodName().equals("await")))
			.count();
	}

	private void hold(HttpExchange exchange) {
		this.originRequests.incrementAndGet();
		try {
			this.release.await(60, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private String get(ClientHttpRequestFactory factory, String path, String cacheControl, String... accept)
			throws IOException {
		URI uri = URI.create("http://127.0.0.1:" + this.origin.getAddress().getPort() + path);
		ClientHttpRequest request = factory.createRequest(uri, HttpMethod.GET);
		if (cacheControl != null) {
			request.getHeaders().add("Cache-Control", cacheControl);
		}
		for (String value : accept) {
			request.getHeaders().add("Accept", value);
		}
		try (ClientHttpResponse response = request.execute()) {
			return new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	private static void respond(HttpExchange exchange, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.sendResponseHeaders(200, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

}
