package dev.resilience.benchmarks.etag;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Loopback throughput of one resource three ways, in one run: a plain {@code 200}; {@code ShallowEtagHeaderFilter}
 * with a matching {@code If-None-Match}; {@code @ETagged} with a matching {@code If-None-Match}. Each caller is a
 * thread with its own keep-alive HTTP/1.1 connection (a plain socket: on a small machine the JDK HttpClient's own
 * overhead would dominate the 304 path) sending one request after another for a fixed time; the scenarios are
 * interleaved over several rounds and the median requests per second per scenario is reported.
 *
 * <p>Settings (system properties): {@code bench.callers} (default 8), {@code bench.seconds} per measurement
 * (default 8), {@code bench.warmup} seconds per scenario before the first round (default 3), {@code bench.rounds}
 * (default 3).
 */
public final class ConditionalRequestsLoadBenchmark {

	private static final Map<String, String> SCENARIOS = Map.of("plain 200", "/plain/places/castle",
			"ShallowEtagHeaderFilter 304", "/shallow/places/castle", "@ETagged 304", "/etagged/places/castle");

	private static final List<String> ORDER = List.of("plain 200", "ShallowEtagHeaderFilter 304", "@ETagged 304");

	private ConditionalRequestsLoadBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int callers = Integer.getInteger("bench.callers", 8);
		int seconds = Integer.getInteger("bench.seconds", 8);
		int warmup = Integer.getInteger("bench.warmup", 3);
		int rounds = Integer.getInteger("bench.rounds", 3);
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(PlaceBenchmarkApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"logging.level.root=warn",
					// keep every caller on one connection for the whole run (Tomcat closes after 100 requests by default)
					"server.tomcat.max-keep-alive-requests=-1")
			.run()) {
			URI base = URI.create("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"));
			System.out.printf("conditional requests: %d callers, %d s x %d rounds per scenario, %d cores, %s, %s%n",
					callers, seconds, rounds, Runtime.getRuntime().availableProcessors(),
					System.getProperty("java.version"), Instant.now());
			for (String scenario : ORDER) {
				measure(base, scenario, callers, warmup);
			}
			Map<String, List<Double>> results = new LinkedHashMap<>();
			for (int round = 0; round < rounds; round++) {
				for (String scenario : ORDER) {
					double rps = measure(base, scenario, callers, seconds);
					results.computeIfAbsent(scenario, (s) -> new ArrayList<>()).add(rps);
					System.out.printf("round %d  %-28s %10.0f req/s%n", round + 1, scenario, rps);
				}
			}
			double plain = median(results.get("plain 200"));
			System.out.println();
			System.out.printf("%-28s %12s %10s%n", "scenario", "median req/s", "vs plain");
			for (String scenario : ORDER) {
				double median = median(results.get(scenario));
				System.out.printf("%-28s %12.0f %9.1fx%n", scenario, median, median / plain);
			}
		}
	}

	private static double measure(URI base, String scenario, int callers, int seconds) throws Exception {
		URI uri = base.resolve(SCENARIOS.get(scenario));
		boolean conditional = !scenario.startsWith("plain");
		int expected = conditional ? 304 : 200;
		AtomicBoolean running = new AtomicBoolean(true);
		ExecutorService pool = Executors.newFixedThreadPool(callers);
		try {
			List<Future<Long>> counts = new ArrayList<>();
			for (int i = 0; i < callers; i++) {
				counts.add(pool.submit(() -> call(uri, conditional, expected, running)));
			}
			Thread.sleep(seconds * 1000L);
			running.set(false);
			long total = 0;
			for (Future<Long> count : counts) {
				total += count.get();
			}
			return total / (double) seconds;
		}
		finally {
			running.set(false);
			pool.shutdownNow();
		}
	}

	private static long call(URI uri, boolean conditional, int expected, AtomicBoolean running) throws IOException {
		try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
			socket.setTcpNoDelay(true);
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
			String plainRequest = "GET " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getAuthority() + "\r\n";
			String etag = null;
			if (conditional) {
				out.write((plainRequest + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
				etag = readResponse(in, 200);
			}
			byte[] request = (plainRequest + ((etag != null) ? "If-None-Match: " + etag + "\r\n" : "") + "\r\n")
				.getBytes(StandardCharsets.ISO_8859_1);
			long count = 0;
			while (running.get()) {
				out.write(request);
				readResponse(in, expected);
				count++;
			}
			return count;
		}
	}

	/**
	 * Read one HTTP/1.1 response (status line, headers, a Content-Length or chunked body) from a keep-alive
	 * connection.
	 * @return the response's ETag, or {@code null}
	 */
	private static String readResponse(InputStream in, int expected) throws IOException {
		String status = readLine(in);
		int code = Integer.parseInt(status.substring(9, 12));
		if (code != expected) {
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
		return etag;
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

	private static double median(List<Double> values) {
		List<Double> sorted = values.stream().sorted().toList();
		int middle = sorted.size() / 2;
		return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
	}

}
