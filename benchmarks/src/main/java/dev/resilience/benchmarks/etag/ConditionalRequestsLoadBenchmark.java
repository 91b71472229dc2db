package dev.resilience.benchmarks.etag;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.resilience.benchmarks.BenchmarkRedisConnection;
import dev.resilience.etag.RedisResourceVersionStore;
import dev.resilience.support.RemoteStoreGuard;
import dev.resilience.test.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Loopback throughput of one resource four ways, in one run: a plain {@code 200}; {@code ShallowEtagHeaderFilter}
 * with a matching {@code If-None-Match}; {@code @ETagged} with a matching {@code If-None-Match}, its versions in
 * memory, and the same with {@code resilience.etag.store=redis} on a local {@code redis-server} (a second instance of
 * the application). For each scenario it also reports the 99th percentile of the request latency, and for the Redis
 * one the store's Redis round trips per request (the calls its guard made) and the commands Redis executed per request
 * (from {@code INFO commandstats} before and after each measurement, those run inside scripts included). Each caller is a
 * thread with its own keep-alive HTTP/1.1 connection (a plain socket: on a small machine the JDK HttpClient's own
 * overhead would dominate the 304 path) sending one request after another for a fixed time; the scenarios are
 * interleaved over several rounds and the median requests per second per scenario is reported.
 *
 * <p>Settings (system properties): {@code bench.callers} (default 8), {@code bench.seconds} per measurement
 * (default 8), {@code bench.warmup} seconds per scenario before the first round (default 3), {@code bench.rounds}
 * (default 3).
 */
public final class ConditionalRequestsLoadBenchmark {

	private static final String REDIS = "@ETagged 304 (redis store)";

	private static final Map<String, String> SCENARIOS = Map.of("plain 200", "/plain/places/castle",
			"ShallowEtagHeaderFilter 304", "/shallow/places/castle", "@ETagged 304", "/etagged/places/castle", REDIS,
			"/etagged/places/castle");

	private static final List<String> ORDER = List.of("plain 200", "ShallowEtagHeaderFilter 304", "@ETagged 304",
			REDIS);

	private ConditionalRequestsLoadBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int callers = Integer.getInteger("bench.callers", 8);
		int seconds = Integer.getInteger("bench.seconds", 8);
		int warmup = Integer.getInteger("bench.warmup", 3);
		int rounds = Integer.getInteger("bench.rounds", 3);
		String[] properties = { "server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
				"logging.level.root=warn",
				// keep every caller on one connection for the whole run (Tomcat closes after 100 requests by default)
				"server.tomcat.max-keep-alive-requests=-1" };
		try (RedisServer redis = RedisServer.start();
				ConfigurableApplicationContext memory = new SpringApplicationBuilder(PlaceBenchmarkApplication.class)
					.properties(properties)
					.run();
				ConfigurableApplicationContext shared = new SpringApplicationBuilder(PlaceBenchmarkApplication.class,
						BenchmarkRedisConnection.class)
					.properties(properties)
					.properties("resilience.etag.store=redis", "bench.redis.port=" + redis.port())
					.run();
				RedisCommandStats stats = new RedisCommandStats(redis,
						shared.getBean(RedisResourceVersionStore.class).guard())) {
			Map<String, URI> bases = new LinkedHashMap<>();
			for (String scenario : ORDER) {
				bases.put(scenario, base(scenario.equals(REDIS) ? shared : memory));
			}
			System.out.printf("conditional requests: %d callers, %d s x %d rounds per scenario, %d cores, %s, redis %s "
					+ "(%s), %s, load average %.2f%n", callers, seconds, rounds, Runtime.getRuntime().availableProcessors(),
					System.getProperty("java.version"), redis.version(), redis.executable().source(), Instant.now(),
					ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
			for (String scenario : ORDER) {
				measure(bases.get(scenario), scenario, callers, warmup);
			}
			// a cold JVM can miss the store's 250 ms timeout on its first calls and open the breaker for 5 s
			awaitNotModified(bases.get(REDIS).resolve(SCENARIOS.get(REDIS)));
			Map<String, List<Measurement>> results = new LinkedHashMap<>();
			for (int round = 0; round < rounds; round++) {
				for (String scenario : ORDER) {
					long[] before = scenario.equals(REDIS) ? stats.calls() : null;
					Measurement measurement = measure(bases.get(scenario), scenario, callers, seconds);
					long[] after = scenario.equals(REDIS) ? stats.calls() : null;
					String redisCalls = (before != null) ? String.format(
							"  %.3f round trips/request (%.3f commands Redis executed)",
							(after[0] - before[0]) / (double) measurement.requests(),
							(after[1] - before[1]) / (double) measurement.requests()) : "";
					results.computeIfAbsent(scenario, (s) -> new ArrayList<>()).add(measurement);
					System.out.printf("round %d  %-28s %10.0f req/s  p99 %6.2f ms%s%s%n", round + 1, scenario,
							measurement.rps(), measurement.p99Millis(),
							redisCalls,
							(measurement.full() > 0) ? "  " + measurement.full() + " answered 200" : "");
				}
			}
			double plain = median(results.get("plain 200").stream().map(Measurement::rps).toList());
			double inMemory = median(results.get("@ETagged 304").stream().map(Measurement::rps).toList());
			System.out.println();
			System.out.printf("%-28s %12s %10s %12s %12s%n", "scenario", "median req/s", "vs plain", "vs in-memory",
					"median p99");
			for (String scenario : ORDER) {
				double median = median(results.get(scenario).stream().map(Measurement::rps).toList());
				double p99 = median(results.get(scenario).stream().map(Measurement::p99Millis).toList());
				System.out.printf("%-28s %12.0f %9.1fx %11.2fx %9.2f ms%n", scenario, median, median / plain,
						median / inMemory, p99);
			}
			System.out.printf("load average at the end: %.2f%n",
					ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
		}
	}

	private static void awaitNotModified(URI uri) throws Exception {
		long deadline = System.nanoTime() + 60_000_000_000L;
		while (System.nanoTime() - deadline < 0) {
			try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
				socket.setSoTimeout(10_000);
				OutputStream out = socket.getOutputStream();
				InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
				String request = "GET " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getAuthority() + "\r\n";
				out.write((request + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
				String etag = readResponse(in, 200, false);
				if (!etag.isEmpty()) {
					out.write((request + "If-None-Match: " + etag + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
					if (readResponse(in, 304, true) != null) {
						return;
					}
				}
			}
			Thread.sleep(500);
		}
		throw new IllegalStateException(uri + " never answered 304");
	}

	private static URI base(ConfigurableApplicationContext context) {
		return URI.create("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"));
	}

	private static Measurement measure(URI base, String scenario, int callers, int seconds) throws Exception {
		URI uri = base.resolve(SCENARIOS.get(scenario));
		boolean conditional = !scenario.startsWith("plain");
		int expected = conditional ? 304 : 200;
		AtomicBoolean running = new AtomicBoolean(true);
		ExecutorService pool = Executors.newFixedThreadPool(callers);
		try {
			List<Future<Latencies>> callersLatencies = new ArrayList<>();
			for (int i = 0; i < callers; i++) {
				callersLatencies.add(pool.submit(() -> call(uri, conditional, expected, running)));
			}
			Thread.sleep(seconds * 1000L);
			running.set(false);
			Latencies all = new Latencies();
			for (Future<Latencies> latencies : callersLatencies) {
				all.addAll(latencies.get());
			}
			return new Measurement(all.size() / (double) seconds, all.size(), all.percentile(0.99) / 1e6,
					all.unexpected);
		}
		finally {
			running.set(false);
			pool.shutdownNow();
		}
	}

	private static Latencies call(URI uri, boolean conditional, int expected, AtomicBoolean running)
			throws IOException {
		try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
			socket.setTcpNoDelay(true);
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
			String plainRequest = "GET " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getAuthority() + "\r\n";
			String etag = null;
			if (conditional) {
				out.write((plainRequest + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
				etag = readResponse(in, 200, false);
				if (etag == null || etag.isEmpty()) {
					throw new IllegalStateException(uri + " answered without an ETag");
				}
			}
			byte[] request = (plainRequest + ((etag != null) ? "If-None-Match: " + etag + "\r\n" : "") + "\r\n")
				.getBytes(StandardCharsets.ISO_8859_1);
			Latencies latencies = new Latencies();
			while (running.get()) {
				long start = System.nanoTime();
				out.write(request);
				if (readResponse(in, expected, true) == null) {
					latencies.unexpected++;
				}
				latencies.add(System.nanoTime() - start);
			}
			return latencies;
		}
	}

	/**
	 * Read one HTTP/1.1 response (status line, headers, a Content-Length or chunked body) from a keep-alive
	 * connection.
	 * @param tolerate whether a status other than {@code expected} is counted rather than thrown (a {@code 200} while
	 * the Redis store's breaker is open)
	 * @return the response's ETag, or {@code ""} if it has none, or {@code null} if its status was not the expected
	 * one
	 */
	private static String readResponse(InputStream in, int expected, boolean tolerate) throws IOException {
		String status = readLine(in);
		int code = Integer.parseInt(status.substring(9, 12));
		if (code != expected && !(tolerate && code == 200)) {
			throw new IllegalStateException("answered " + status + ", expected " + expected);
		}
		long length = 0;
		boolean chunked = false;
		String etag = null;
		for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
			String lower = line.toLowerCase(Locale.ROOT);
			if (lower.startsWith("content-length:")) {
				length = Long.parseLong(line.substring(15).trim());
			}
			else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
				chunked = true;
			}
			else if (lower.startsWith("etag:")) {
				etag = line.substring(5).trim();
			}
		}
		if (chunked) {
			for (long size = Long.parseLong(readLine(in).trim(), 16); size > 0;
					size = Long.parseLong(readLine(in).trim(), 16)) {
				skip(in, size);
				readLine(in);
			}
			readLine(in);
		}
		else {
			skip(in, length);
		}
		if (code != expected) {
			return null;
		}
		return (etag != null) ? etag : "";
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder(64);
		for (int c = in.read(); c != '\n'; c = in.read()) {
			if (c < 0) {
				throw new EOFException("connection closed");
			}
			if (c != '\r') {
				line.append((char) c);
			}
		}
		return line.toString();
	}

	private static void skip(InputStream in, long length) throws IOException {
		long remaining = length;
		while (remaining > 0) {
			long skipped = in.skip(remaining);
			if (skipped <= 0) {
				if (in.read() < 0) {
					throw new EOFException("connection closed");
				}
				skipped = 1;
			}
			remaining -= skipped;
		}
	}

	/**
	 * One measurement of a scenario.
	 * @param rps requests per second
	 * @param requests requests answered
	 * @param p99Millis 99th percentile of the latency, in milliseconds
	 * @param full requests of a 304 scenario answered 200 instead (the Redis store's breaker open)
	 */
	private record Measurement(double rps, long requests, double p99Millis, long full) {
	}

	/** Request latencies of one caller, in nanoseconds. */
	private static final class Latencies {

		private long[] values = new long[1 << 16];

		private int size;

		private long unexpected;

		void add(long nanos) {
			if (this.size == this.values.length) {
				this.values = Arrays.copyOf(this.values, this.size * 2);
			}
			this.values[this.size++] = nanos;
		}

		void addAll(Latencies other) {
			this.unexpected += other.unexpected;
			for (int i = 0; i < other.size; i++) {
				add(other.values[i]);
			}
		}

		int size() {
			return this.size;
		}

		double percentile(double fraction) {
			if (this.size == 0) {
				return Double.NaN;
			}
			long[] sorted = Arrays.copyOf(this.values, this.size);
			Arrays.sort(sorted);
			return sorted[Math.min(this.size - 1, (int) Math.ceil(fraction * this.size) - 1)];
		}

	}

	/** Round trips of the Redis store and commands the Redis server executed, except {@code INFO} itself. */
	private static final class RedisCommandStats implements AutoCloseable {

		private final RedisClient client;

		private final StatefulRedisConnection<String, String> connection;

		private final RemoteStoreGuard guard;

		RedisCommandStats(RedisServer redis, RemoteStoreGuard guard) {
			this.client = RedisClient.create(redis.url());
			this.connection = this.client.connect();
			this.guard = guard;
		}

		/**
		 * As {@code [round trips, commands]}: round trips are the calls the store made (each one command sent and its
		 * reply); commands are all those the server executed, the ones scripts call inside it included.
		 */
		long[] calls() {
			long[] calls = { this.guard.calls(), 0 };
			for (String line : this.connection.sync().info("commandstats").split("\r?\n")) {
				if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_info:")) {
					int start = line.indexOf("calls=") + 6;
					calls[1] += Long.parseLong(line.substring(start, line.indexOf(',', start)));
				}
			}
			return calls;
		}

		@Override
		public void close() {
			this.connection.close();
			this.client.shutdown();
		}

	}

	private static double median(List<Double> values) {
		List<Double> sorted = values.stream().sorted().toList();
		int middle = sorted.size() / 2;
		return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
	}

}
