package dev.resilience.benchmarks.httpclient;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.resilience.benchmarks.BenchmarkRedisConnection;
import dev.resilience.httpclient.SharedHttpClient;
import dev.resilience.test.net.TcpLink;
import dev.resilience.test.redis.RedisServer;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The shared HTTP client against an origin behind a user-space TCP delay proxy ({@link TcpLink#withDelay}, a fixed
 * one-way delay per direction; the kernel here has no {@code netem}), in one bounded run on loopback:
 * <ol>
 * <li>launch day with delay: a BFF relays each request to the upstream through the link; the BFF's client is the
 * starter's (keep-alive pool) or HttpURLConnection with keep-alive off. Requests per second, and TIME_WAIT sockets
 * towards the link afterwards;</li>
 * <li>a cold popular key: 50 callers at once on one cold cacheable URL of a slow origin, origin requests with request
 * collapsing (the default) and without ({@code cache.collapse-requests=false});</li>
 * <li>cache-hit latency of each store and tier (in-heap {@code memory}; {@code redis} on a local
 * {@code redis-server}; {@code heap+redis}, the heap tier in front of it) against an origin round trip through the
 * link.</li>
 * </ol>
 * For the first two the cache store is whatever the properties choose: every {@code -Dresilience.*} or
 * {@code -Dspring.*} system property reaches the application (for example
 * {@code -Dresilience.http-client.cache.store=caffeine}).
 * {@code -Dbench.delay-ms} one-way delay (default 1), {@code -Dbench.seconds} per throughput phase (default 10),
 * {@code -Dbench.threads} load threads (default 16), {@code -Dbench.rounds} cold-key rounds (default 5).
 */
public final class DelayedOriginBenchmark {

	private static final byte[] PAYLOAD = ("{\"items\":[" + "{\"id\":1,\"name\":\"upstream item\"},".repeat(30)
			+ "{\"id\":0}]}")
		.getBytes(StandardCharsets.UTF_8);

	private static final Duration DELAY = Duration.ofMillis(Long.getLong("bench.delay-ms", 1));

	private static final int SECONDS = Integer.getInteger("bench.seconds", 10);

	private static final int THREADS = Integer.getInteger("bench.threads", 16);

	private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);

	private static final int CALLERS = 50;

	private DelayedOriginBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		System.setProperty("sun.net.httpserver.nodelay", "true");
		// the keep-alive-off client: HttpURLConnection closes each connection gracefully (TIME_WAIT on this side)
		System.setProperty("http.keepAlive", "false");
		System.out.printf("cores=%d one-way-delay=%s seconds/phase=%d load-threads=%d java=%s load-average=%s%n",
				Runtime.getRuntime().availableProcessors(), DELAY, SECONDS, THREADS,
				System.getProperty("java.version"), loadAverage());
		try (ConfigurableApplicationContext collapsing = context(); ConfigurableApplicationContext notCollapsing = context(
				"resilience.http-client.cache.collapse-requests=false")) {
			RestClient starter = collapsing.getBean(RestClient.Builder.class).build();
			System.out.println("store: " + collapsing.getBean(SharedHttpClient.class).store().name());
			launchDay(starter);
			coldKey(starter, notCollapsing.getBean(RestClient.Builder.class).build());
		}
		try (RedisServer redis = RedisServer.start();
				ConfigurableApplicationContext memory = context();
				ConfigurableApplicationContext onRedis = redisContext(redis, false);
				ConfigurableApplicationContext onHeapAndRedis = redisContext(redis, true)) {
			Map<String, RestClient> tiers = new LinkedHashMap<>();
			for (ConfigurableApplicationContext context : List.of(memory, onRedis, onHeapAndRedis)) {
				tiers.put(context.getBean(SharedHttpClient.class).store().name(),
						context.getBean(RestClient.Builder.class).build());
			}
			System.out.println("redis: " + redis.version() + " (" + redis.executable().source() + ")");
			latency(tiers);
		}
		System.out.println("load-average at the end: " + loadAverage());
	}

	private static ConfigurableApplicationContext context(String... properties) {
		return new SpringApplicationBuilder(HttpClientBenchmark.App.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "logging.level.root=warn",
					"spring.http.clients.connect-timeout=2s", "spring.http.clients.read-timeout=10s")
			.properties(properties)
			.run();
	}

	private static ConfigurableApplicationContext redisContext(RedisServer redis, boolean heapTier) {
		return new SpringApplicationBuilder(HttpClientBenchmark.App.class, BenchmarkRedisConnection.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "logging.level.root=warn",
					"spring.http.clients.connect-timeout=2s", "spring.http.clients.read-timeout=10s",
					"resilience.http-client.cache.store=redis", "bench.redis.port=" + redis.port(),
					"resilience.http-client.cache.redis.key-prefix=bench:" + (heapTier ? "tiered:" : "redis:"),
					"resilience.http-client.cache.redis.heap-tier.enabled=" + heapTier)
			.run();
	}

	private static void launchDay(RestClient starter) throws Exception {
		System.out.println("## 1. launch day: BFF -> delay link -> upstream");
		Result keepAlive = bffRun("starter (keep-alive pool)", starter);
		RestClient noKeepAlive = RestClient.builder().requestFactory(new SimpleClientHttpRequestFactory()).build();
		Result closing = bffRun("keep-alive off (HttpURLConnection, http.keepAlive=false)", noKeepAlive);
		System.out.printf("| client | req/s | connections opened | TIME_WAIT to the link after the run |%n|---|---|---|---|%n");
		for (Result result : List.of(keepAlive, closing)) {
			System.out.printf("| %s | %.0f | %d | %d |%n", result.name, result.perSecond, result.connections,
					result.timeWait);
		}
		System.out.printf("ratio starter / keep-alive off: %.2fx%n", keepAlive.perSecond / closing.perSecond);
	}

	private static Result bffRun(String name, RestClient client) throws Exception {
		HttpServer upstream = HttpClientBenchmark.server(8);
		upstream.createContext("/data", (exchange) -> respond(exchange, "no-store"));
		upstream.start();
		try (TcpLink link = TcpLink.to("127.0.0.1", upstream.getAddress().getPort()).withDelay(DELAY, DELAY)) {
			URI upstreamUri = URI.create("http://127.0.0.1:" + link.port() + "/data");
			HttpServer bff = HttpClientBenchmark.bff(client, upstreamUri, THREADS);
			try {
				URI bffUri = URI.create("http://127.0.0.1:" + bff.getAddress().getPort() + "/bff");
				HttpClient load = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
				HttpRequest request = HttpRequest.newBuilder(bffUri).build();
				HttpClientBenchmark.run(THREADS, 2, () -> load.send(request, HttpResponse.BodyHandlers.discarding()));
				long before = link.acceptedConnections();
				long ok = HttpClientBenchmark.run(THREADS, SECONDS, () -> {
					HttpResponse<Void> response = load.send(request, HttpResponse.BodyHandlers.discarding());
					if (response.statusCode() != 200) {
						throw new IOException("BFF answered " + response.statusCode());
					}
				});
				return new Result(name, (double) ok / SECONDS, link.acceptedConnections() - before,
						HttpClientBenchmark.timeWait(link.port()));
			}
			finally {
				bff.stop(0);
			}
		}
		finally {
			upstream.stop(0);
		}
	}

	private static void coldKey(RestClient collapsing, RestClient notCollapsing) throws Exception {
		System.out.printf("## 2. cold popular key: %d callers at once, origin takes 50 ms, %d rounds%n", CALLERS,
				ROUNDS);
		AtomicInteger originRequests = new AtomicInteger();
		HttpServer origin = HttpClientBenchmark.server(CALLERS + 8);
		origin.createContext("/", (exchange) -> {
			originRequests.incrementAndGet();
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			respond(exchange, "max-age=3600");
		});
		origin.start();
		ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
		try (TcpLink link = TcpLink.to("127.0.0.1", origin.getAddress().getPort()).withDelay(DELAY, DELAY)) {
			String base = "http://127.0.0.1:" + link.port() + "/cold-";
			System.out.printf("| client | origin requests per round (median) | all rounds | wall ms per round (median) |%n"
					+ "|---|---|---|---|%n");
			for (boolean collapse : new boolean[] { true, false }) {
				RestClient client = collapse ? collapsing : notCollapsing;
				int[] perRound = new int[ROUNDS];
				long[] millis = new long[ROUNDS];
				for (int round = 0; round < ROUNDS; round++) {
					URI uri = URI.create(base + collapse + "-" + round);
					int before = originRequests.get();
					CountDownLatch start = new CountDownLatch(1);
					List<Future<byte[]>> bodies = new ArrayList<>();
					for (int i = 0; i < CALLERS; i++) {
						bodies.add(callers.submit(() -> {
							start.await();
							return client.get().uri(uri).retrieve().body(byte[].class);
						}));
					}
					long begin = System.nanoTime();
					start.countDown();
					for (Future<byte[]> body : bodies) {
						if (body.get(30, TimeUnit.SECONDS).length != PAYLOAD.length) {
							throw new IllegalStateException("short body");
						}
					}
					millis[round] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
					perRound[round] = originRequests.get() - before;
				}
				int total = Arrays.stream(perRound).sum();
				Arrays.sort(perRound);
				Arrays.sort(millis);
				System.out.printf("| %s | %d | %d of %d requests | %d |%n",
						collapse ? "starter, collapsing (default)" : "starter, collapse-requests=false",
						perRound[ROUNDS / 2], total, ROUNDS * CALLERS, millis[ROUNDS / 2]);
			}
		}
		finally {
			callers.shutdownNow();
			origin.stop(0);
		}
	}

	private static void latency(Map<String, RestClient> stores) throws Exception {
		System.out.println("## 3. cache-hit latency per store and tier vs origin round trip through the link "
				+ "(one thread, RestClient)");
		HttpServer origin = HttpClientBenchmark.server(4);
		origin.createContext("/cached", (exchange) -> respond(exchange, "max-age=3600"));
		origin.createContext("/fresh", (exchange) -> respond(exchange, "no-store"));
		origin.start();
		try (TcpLink link = TcpLink.to("127.0.0.1", origin.getAddress().getPort()).withDelay(DELAY, DELAY)) {
			String base = "http://127.0.0.1:" + link.port();
			URI cached = URI.create(base + "/cached");
			URI fresh = URI.create(base + "/fresh");
			RestClient first = stores.values().iterator().next();
			long[] roundTrip = HttpClientBenchmark.sample(1_000,
					() -> first.get().uri(fresh).retrieve().body(byte[].class));
			System.out.printf("| path | median µs | p99 µs | origin / hit (medians) |%n|---|---|---|---|%n");
			for (Map.Entry<String, RestClient> store : stores.entrySet()) {
				RestClient client = store.getValue();
				long[] hit = HttpClientBenchmark.sample(10_000,
						() -> client.get().uri(cached).retrieve().body(byte[].class));
				System.out.printf("| cache hit, %s store | %.1f | %.1f | %.1fx |%n", store.getKey(),
						hit[hit.length / 2] / 1e3, hit[hit.length * 99 / 100] / 1e3,
						(double) roundTrip[roundTrip.length / 2] / hit[hit.length / 2]);
			}
			System.out.printf("| origin round trip through the link (keep-alive) | %.1f | %.1f | 1.0x |%n",
					roundTrip[roundTrip.length / 2] / 1e3, roundTrip[roundTrip.length * 99 / 100] / 1e3);
		}
		finally {
			origin.stop(0);
		}
	}

	private static void respond(HttpExchange exchange, String cacheControl) throws IOException {
		exchange.getRequestBody().readAllBytes();
		exchange.getResponseHeaders().add("Cache-Control", cacheControl);
		exchange.getResponseHeaders().add("Content-Type", "application/json");
		exchange.sendResponseHeaders(200, PAYLOAD.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(PAYLOAD);
		}
	}

	private static String loadAverage() throws IOException {
		Path loadavg = Path.of("/proc/loadavg");
		return Files.exists(loadavg) ? Files.readString(loadavg).trim() : "n/a";
	}

	private record Result(String name, double perSecond, long connections, int timeWait) {
	}

}
