package dev.resilience.benchmarks.httpclient;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.resilience.httpclient.SharedHttpClient;
import okhttp3.Cache;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.io.entity.EntityUtils;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The shared HTTP client's three measurements, in one bounded run on loopback:
 * <ol>
 * <li>launch day: a small BFF relays each request to an upstream; the BFF's client is the starter's (keep-alive pool)
 * or HttpURLConnection with keep-alive off. Requests per second and TIME_WAIT sockets towards the upstream
 * afterwards ({@code ss -tan state time-wait});</li>
 * <li>cache-hit latency against an origin round trip (keep-alive), through a Boot-built {@link RestClient};</li>
 * <li>cache-hit throughput of the starter's client against OkHttp's {@link Cache} on the same response.</li>
 * </ol>
 * Durations: {@code -Dbench.seconds} per throughput phase (default 10), {@code -Dbench.threads} load threads
 * (default 16).
 */
public final class HttpClientBenchmark {

	private static final byte[] PAYLOAD = ("{\"items\":[" + "{\"id\":1,\"name\":\"upstream item\"},".repeat(30)
			+ "{\"id\":0}]}")
		.getBytes(StandardCharsets.UTF_8);

	private static final int SECONDS = Integer.getInteger("bench.seconds", 10);

	private static final int THREADS = Integer.getInteger("bench.threads", 16);

	private HttpClientBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		// the JDK HTTP server writes headers and body separately: without TCP_NODELAY every keep-alive exchange
		// waits for a delayed ACK (~40 ms), which would measure the test servers instead of the clients
		System.setProperty("sun.net.httpserver.nodelay", "true");
		// the keep-alive-off client is HttpURLConnection with keep-alive disabled: it closes each connection
		// gracefully, leaving a TIME_WAIT socket as the incident's client did (HttpClient 5 would reset the
		// connection instead). Read once, before the first HttpURLConnection; nothing else here uses it.
		System.setProperty("http.keepAlive", "false");
		System.out.printf("cores=%d seconds/phase=%d load-threads=%d java=%s%n",
				Runtime.getRuntime().availableProcessors(), SECONDS, THREADS, System.getProperty("java.version"));
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "logging.level.root=warn",
					"spring.http.clients.connect-timeout=2s", "spring.http.clients.read-timeout=10s")
			.run()) {
			RestClient starter = context.getBean(RestClient.Builder.class).build();
			launchDay(starter);
			latency(starter);
			cacheHitThroughput(starter, context.getBean(SharedHttpClient.class).client());
		}
	}

	private static void launchDay(RestClient starter) throws Exception {
		System.out.println("## 1. launch day: BFF -> upstream");
		Result keepAlive = bffRun("starter (keep-alive pool)", starter);
		RestClient noKeepAlive = RestClient.builder().requestFactory(new SimpleClientHttpRequestFactory()).build();
		Result closing = bffRun("keep-alive off (HttpURLConnection, http.keepAlive=false)", noKeepAlive);
		System.out.printf("| client | req/s | TIME_WAIT to upstream after the run |%n|---|---|---|%n");
		System.out.printf("| %s | %.0f | %d |%n", keepAlive.name, keepAlive.perSecond, keepAlive.timeWait);
		System.out.printf("| %s | %.0f | %d |%n", closing.name, closing.perSecond, closing.timeWait);
		System.out.printf("ratio starter / keep-alive off: %.2fx%n", keepAlive.perSecond / closing.perSecond);
	}

	private static Result bffRun(String name, RestClient client) throws Exception {
		HttpServer upstream = server(8);
		upstream.createContext("/data", (exchange) -> respond(exchange, "no-store"));
		upstream.start();
		int upstreamPort = upstream.getAddress().getPort();
		URI upstreamUri = URI.create("http://127.0.0.1:" + upstreamPort + "/data");
		HttpServer bff = bff(client, upstreamUri, THREADS);
		try {
			URI bffUri = URI.create("http://127.0.0.1:" + bff.getAddress().getPort() + "/bff");
			HttpClient load = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
			HttpRequest request = HttpRequest.newBuilder(bffUri).build();
			run(THREADS, 2, () -> load.send(request, HttpResponse.BodyHandlers.discarding()));
			long ok = run(THREADS, SECONDS, () -> {
				HttpResponse<Void> response = load.send(request, HttpResponse.BodyHandlers.discarding());
				if (response.statusCode() != 200) {
					throw new IOException("BFF answered " + response.statusCode());
				}
			});
			return new Result(name, (double) ok / SECONDS, timeWait(upstreamPort));
		}
		finally {
			bff.stop(0);
			upstream.stop(0);
		}
	}

	private static void latency(RestClient starter) throws IOException, InterruptedException {
		System.out.println("## 2. cache-hit latency vs origin round trip (one thread, RestClient)");
		HttpServer origin = server(4);
		origin.createContext("/cached", (exchange) -> respond(exchange, "max-age=3600"));
		origin.createContext("/fresh", (exchange) -> respond(exchange, "no-store"));
		origin.start();
		try {
			String base = "http://127.0.0.1:" + origin.getAddress().getPort();
			URI cached = URI.create(base + "/cached");
			URI fresh = URI.create(base + "/fresh");
			long[] hit = sample(10_000, () -> starter.get().uri(cached).retrieve().body(byte[].class));
			long[] roundTrip = sample(2_000, () -> starter.get().uri(fresh).retrieve().body(byte[].class));
			System.out.printf("| path | median µs | p99 µs |%n|---|---|---|%n");
			System.out.printf("| cache hit | %.1f | %.1f |%n", hit[hit.length / 2] / 1e3, hit[hit.length * 99 / 100] / 1e3);
			System.out.printf("| origin round trip (keep-alive) | %.1f | %.1f |%n", roundTrip[roundTrip.length / 2] / 1e3,
					roundTrip[roundTrip.length * 99 / 100] / 1e3);
			System.out.printf("median ratio origin / hit: %.1fx%n",
					(double) roundTrip[roundTrip.length / 2] / hit[hit.length / 2]);
		}
		finally {
			origin.stop(0);
		}
	}

	private static void cacheHitThroughput(RestClient starter, CloseableHttpClient starterClient) throws Exception {
		System.out.println("## 3. cache-hit throughput: starter vs OkHttp Cache (same response, 2 threads)");
		HttpServer origin = server(4);
		origin.createContext("/cached", (exchange) -> respond(exchange, "max-age=3600"));
		origin.start();
		File okCacheDir = Files.createTempDirectory("okhttp-cache").toFile();
		OkHttpClient ok = new OkHttpClient.Builder().cache(new Cache(okCacheDir, 64L * 1024 * 1024)).build();
		try {
			String uri = "http://127.0.0.1:" + origin.getAddress().getPort() + "/cached";
			URI cached = URI.create(uri);
			Request okRequest = new Request.Builder().url(uri).build();
			Task restClientHit = () -> starter.get().uri(cached).retrieve().body(byte[].class);
			Task apacheHit = () -> starterClient.execute(new HttpGet(cached),
					(response) -> EntityUtils.toByteArray(response.getEntity()));
			Task okHit = () -> {
				try (Response response = ok.newCall(okRequest).execute()) {
					response.body().bytes();
				}
			};
			for (Task warm : List.of(restClientHit, apacheHit, okHit)) {
				run(2, 2, warm);
			}
			double viaRestClient = (double) run(2, SECONDS, restClientHit) / SECONDS;
			double direct = (double) run(2, SECONDS, apacheHit) / SECONDS;
			double okHttp = (double) run(2, SECONDS, okHit) / SECONDS;
			System.out.printf("| client | cache hits/s |%n|---|---|%n");
			System.out.printf("| starter, through RestClient | %.0f |%n", viaRestClient);
			System.out.printf("| starter, HttpClient directly | %.0f |%n", direct);
			System.out.printf("| OkHttp 4.12 Cache | %.0f |%n", okHttp);
			System.out.printf("ratio starter (direct) / OkHttp: %.2fx; starter (RestClient) / OkHttp: %.2fx%n",
					direct / okHttp, viaRestClient / okHttp);
		}
		finally {
			ok.dispatcher().executorService().shutdown();
			ok.connectionPool().evictAll();
			ok.cache().delete();
			origin.stop(0);
		}
	}

	static long[] sample(int iterations, Task task) throws IOException, InterruptedException {
		for (int i = 0; i < iterations / 4; i++) {
			task.run();
		}
		long[] samples = new long[iterations];
		for (int i = 0; i < iterations; i++) {
			long start = System.nanoTime();
			task.run();
			samples[i] = System.nanoTime() - start;
		}
		Arrays.sort(samples);
		return samples;
	}

	static long run(int threads, int seconds, Task task) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		LongAdder done = new LongAdder();
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		List<Future<?>> futures = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			futures.add(pool.submit(() -> {
				while (System.nanoTime() < end) {
					try {
						task.run();
						done.increment();
					}
					catch (Exception ex) {
						// counted as not done
					}
				}
				return null;
			}));
		}
		for (Future<?> future : futures) {
			future.get();
		}
		pool.shutdown();
		return done.sum();
	}

	static int timeWait(int port) throws IOException, InterruptedException {
		Process ss = new ProcessBuilder("ss", "-tan", "state", "time-wait").redirectErrorStream(true).start();
		String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		ss.waitFor(10, TimeUnit.SECONDS);
		String suffix = ":" + port;
		int count = 0;
		for (String line : out.split("\n")) {
			for (String column : line.trim().split("\\s+")) {
				if (column.endsWith(suffix)) {
					count++;
					break;
				}
			}
		}
		return count;
	}

	/**
	 * A started BFF: {@code /bff} relays each request to the upstream through the client under test, {@code 502} when
	 * that fails.
	 */
	static HttpServer bff(RestClient client, URI upstreamUri, int threads) throws IOException {
		HttpServer bff = server(threads);
		bff.createContext("/bff", (exchange) -> {
			byte[] body;
			try {
				body = client.get().uri(upstreamUri).retrieve().body(byte[].class);
			}
			catch (RuntimeException ex) {
				body = null;
			}
			if (body == null) {
				exchange.sendResponseHeaders(502, -1);
				exchange.close();
				return;
			}
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		bff.start();
		return bff;
	}

	static HttpServer server(int threads) throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
		server.setExecutor(Executors.newFixedThreadPool(threads, (runnable) -> {
			Thread thread = new Thread(runnable, "bench-server");
			thread.setDaemon(true);
			return thread;
		}));
		return server;
	}

	private static void respond(HttpExchange exchange, String cacheControl) throws IOException {
		exchange.getResponseHeaders().add("Cache-Control", cacheControl);
		exchange.getResponseHeaders().add("Content-Type", "application/json");
		exchange.sendResponseHeaders(200, PAYLOAD.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(PAYLOAD);
		}
	}

	@FunctionalInterface
	interface Task {

		void run() throws IOException, InterruptedException;

	}

	private record Result(String name, double perSecond, int timeWait) {
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

}
