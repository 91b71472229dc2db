package dev.resilience.sample.demo;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import dev.resilience.sample.SampleApplication;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Launch day, live: starts the sample app in its own JVM on loopback, then, once with shedding on and once with
 * shedding in dry run (rejections counted, never sent: the service as it would be without shedding), drives a spike
 * at the {@code @Sheddable} report while a steady client calls the critical lookup, printing a row every second.
 * Bounded in time; stops the app at the end, or when this JVM is stopped.
 *
 * <pre class="code">./mvnw -q -pl sample-app -am package -DskipTests -Pdemo</pre>
 */
public final class LaunchDayDemo {

	private static final String CRITICAL = "/congestion/central-station";

	private static final String REPORT = "/reports/congestion?hours=1";

	private final Plan plan;

	private final PrintStream out;

	private final ObjectMapper json = new ObjectMapper();

	public LaunchDayDemo(Plan plan, PrintStream out) {
		this.plan = plan;
		this.out = out;
	}

	public static void main(String[] args) throws Exception {
		new LaunchDayDemo(Plan.LAUNCH_DAY, System.out).run(Path.of("target", "launch-day-demo-app.log"));
	}

	/**
	 * Run both phases against a freshly started sample app, and stop it.
	 * @param appLog where the app's own output goes
	 * @return what each phase's spike did, shedding on first
	 * @throws Exception if the app does not start or the demo is interrupted
	 */
	public List<Summary> run(Path appLog) throws Exception {
		try (SampleApp app = SampleApp.start(appLog, this.plan.reportQueryTime)) {
			this.out.printf("Sample app on http://127.0.0.1:%d (actuator on port %d, log in %s)%n", app.port,
					app.managementPort, appLog);
			this.out.printf("Steady client: %d/s to %s (critical). Spike: %d/s to %s (@Sheddable, %d ms each) for %ds.%n",
					this.plan.criticalRate, CRITICAL, this.plan.reportRate, REPORT, this.plan.reportQueryTime.toMillis(),
					this.plan.spike.toSeconds());
			this.out.println("Each row: the requests that completed in that second (a timeout counts when it expires, "
					+ this.plan.requestTimeout.toSeconds() + " s after sending); pressure from /actuator/resilience.");
			List<Summary> summaries = new ArrayList<>();
			summaries.add(phase(app, "shedding on"));
			app.post("/actuator/resilience/shedding", "{\"setting\":\"dry-run\",\"value\":\"true\"}");
			summaries.add(phase(app, "shedding off (dry run)"));
			this.out.println();
			this.out.println("During the spike:");
			summaries.forEach((summary) -> this.out.println("  " + summary));
			return summaries;
		}
	}

	private Summary phase(SampleApp app, String name) throws Exception {
		int seconds = (int) (this.plan.warmUp.toSeconds() + this.plan.spike.toSeconds() + this.plan.recovery.toSeconds());
		Second[] timeline = new Second[seconds + 2 + (int) this.plan.requestTimeout.toSeconds()];
		for (int i = 0; i < timeline.length; i++) {
			timeline[i] = new Second();
		}
		this.out.println();
		this.out.println("== " + name + " ==");
		this.out.println("   t  load     critical p50    p99  failed | report 2xx/s  429/s  failed/s | pressure");
		ScheduledExecutorService ticks = Executors.newScheduledThreadPool(2);
		ExecutorService responses = Executors.newFixedThreadPool(4);
		HttpClient http = HttpClient.newBuilder().executor(responses).connectTimeout(Duration.ofSeconds(2)).build();
		AtomicInteger outstanding = new AtomicInteger();
		long start = System.nanoTime();
		long spikeFrom = this.plan.warmUp.toNanos();
		long spikeUntil = spikeFrom + this.plan.spike.toNanos();
		try {
			ticks.scheduleAtFixedRate(() -> {
				long sent = System.nanoTime();
				send(http, app.uri(CRITICAL), outstanding, (status, failed) -> {
					Second second = timeline[Math.min(secondOf(start), timeline.length - 1)];
					if (failed || status != 200) {
						second.criticalFailed.increment();
					}
					else {
						second.critical((System.nanoTime() - sent) / 1_000_000.0);
					}
				});
			}, 0, 1_000_000 / this.plan.criticalRate, TimeUnit.MICROSECONDS);
			ticks.scheduleAtFixedRate(() -> {
				long now = System.nanoTime() - start;
				if (now < spikeFrom || now >= spikeUntil) {
					return;
				}
				send(http, app.uri(REPORT), outstanding, (status, failed) -> {
					Second second = timeline[Math.min(secondOf(start), timeline.length - 1)];
					if (failed) {
						second.reportFailed.increment();
					}
					else if (status == 429) {
						second.report429.increment();
					}
					else if (status / 100 == 2) {
						second.report2xx.increment();
					}
					else {
						second.reportFailed.increment();
					}
				});
			}, 0, 1_000_000 / this.plan.reportRate, TimeUnit.MICROSECONDS);
			for (int t = 1; t <= seconds; t++) {
				sleepUntil(start + t * 1_000_000_000L);
				String load = (t - 1) * 1_000_000_000L >= spikeFrom && (t - 1) * 1_000_000_000L < spikeUntil ? "spike"
						: "steady";
				timeline[t - 1].load = load;
				this.out.println(timeline[t - 1].row(t, load, app.pressure(this.json)));
			}
		}
		finally {
			ticks.shutdownNow();
			// let the spike's last requests finish or time out, so the next phase starts on an idle service
			long drainUntil = System.nanoTime() + this.plan.requestTimeout.toNanos() + 1_000_000_000L;
			while (outstanding.get() > 0 && System.nanoTime() < drainUntil) {
				Thread.sleep(50);
			}
			responses.shutdownNow();
		}
		return Summary.of(name, timeline);
	}

	private void send(HttpClient http, URI uri, AtomicInteger outstanding, Outcome outcome) {
		if (outstanding.incrementAndGet() > this.plan.maxOutstanding) {
			outstanding.decrementAndGet();
			outcome.record(0, true);
			return;
		}
		HttpRequest request = HttpRequest.newBuilder(uri).timeout(this.plan.requestTimeout).build();
		CompletableFuture<HttpResponse<Void>> response;
		try {
			response = http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
		}
		catch (RuntimeException ex) {
			outstanding.decrementAndGet();
			outcome.record(0, true);
			return;
		}
		response.whenComplete((r, ex) -> {
			outstanding.decrementAndGet();
			outcome.record((r != null) ? r.statusCode() : 0, ex != null);
		});
	}

	private static int secondOf(long start) {
		return (int) ((System.nanoTime() - start) / 1_000_000_000L);
	}

	private static void sleepUntil(long deadline) throws InterruptedException {
		long left;
		while ((left = deadline - System.nanoTime()) > 0) {
			TimeUnit.NANOSECONDS.sleep(left);
		}
	}

	@FunctionalInterface
	private interface Outcome {

		void record(int status, boolean failed);

	}

	/**
	 * How long and how hard.
	 *
	 * @param warmUp steady traffic only, before the spike
	 * @param spike how long the spike lasts
	 * @param recovery steady traffic only, after the spike
	 * @param reportRate report requests per second during the spike
	 * @param criticalRate critical lookups per second, all the time
	 * @param reportQueryTime how long the app's report takes ({@code sample.report-query-time})
	 * @param requestTimeout how long a client waits for an answer
	 * @param maxOutstanding requests in flight at most; beyond, a client gives up at once (counted as failed)
	 */
	public record Plan(Duration warmUp, Duration spike, Duration recovery, int reportRate, int criticalRate,
			Duration reportQueryTime, Duration requestTimeout, int maxOutstanding) {

		/** About half a minute per phase: enough for the queue to build up without shedding. */
		public static final Plan LAUNCH_DAY = new Plan(Duration.ofSeconds(3), Duration.ofSeconds(15),
				Duration.ofSeconds(5), 250, 20, Duration.ofMillis(300), Duration.ofSeconds(5), 2000);

	}

	/**
	 * What one phase's spike did.
	 *
	 * @param phase the phase
	 * @param criticalP50 median latency of the critical lookups answered during the spike, in milliseconds
	 * @param criticalP99 their 99th percentile
	 * @param criticalFailed critical lookups that failed or timed out during the spike
	 * @param report2xx reports answered
	 * @param report429 reports shed
	 * @param reportFailed reports that failed or timed out
	 */
	public record Summary(String phase, double criticalP50, double criticalP99, long criticalFailed, long report2xx,
			long report429, long reportFailed) {

		static Summary of(String phase, Second[] timeline) {
			List<Double> latencies = new ArrayList<>();
			long criticalFailed = 0;
			long ok = 0;
			long shed = 0;
			long failed = 0;
			for (Second second : timeline) {
				if ("spike".equals(second.load)) {
					synchronized (second) {
						latencies.addAll(second.critical);
					}
					criticalFailed += second.criticalFailed.sum();
					ok += second.report2xx.sum();
					shed += second.report429.sum();
					failed += second.reportFailed.sum();
				}
			}
			return new Summary(phase, percentile(latencies, 0.50), percentile(latencies, 0.99), criticalFailed, ok,
					shed, failed);
		}

		@Override
		public String toString() {
			return String.format(Locale.ROOT,
					"%-24s critical p50 %s ms, p99 %s ms, %d failed; report %d answered, %d shed (429), %d failed",
					this.phase, ms(this.criticalP50), ms(this.criticalP99), this.criticalFailed, this.report2xx,
					this.report429, this.reportFailed);
		}

	}

	static final class Second {

		final List<Double> critical = new ArrayList<>();

		final LongAdder criticalFailed = new LongAdder();

		final LongAdder report2xx = new LongAdder();

		final LongAdder report429 = new LongAdder();

		final LongAdder reportFailed = new LongAdder();

		volatile String load = "";

		synchronized void critical(double millis) {
			this.critical.add(millis);
		}

		String row(int t, String load, double pressure) {
			List<Double> latencies;
			synchronized (this) {
				latencies = new ArrayList<>(this.critical);
			}
			return String.format(Locale.ROOT, "%4d  %-6s   %8s %6s  %6d | %12d %6d %9d | %8s", t, load,
					ms(percentile(latencies, 0.50)), ms(percentile(latencies, 0.99)), this.criticalFailed.sum(),
					this.report2xx.sum(), this.report429.sum(), this.reportFailed.sum(),
					Double.isNaN(pressure) ? "?" : String.format(Locale.ROOT, "%.2f", pressure));
		}

	}

	static double percentile(List<Double> values, double quantile) {
		if (values.isEmpty()) {
			return Double.NaN;
		}
		List<Double> sorted = new ArrayList<>(values);
		sorted.sort(null);
		return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(quantile * sorted.size()) - 1));
	}

	static String ms(double millis) {
		return Double.isNaN(millis) ? "-" : (millis < 10) ? String.format(Locale.ROOT, "%.1f", millis)
				: String.format(Locale.ROOT, "%.0f", millis);
	}

	/**
	 * The sample app in a JVM of its own, on loopback, with its actuator on a second port: pressure can be read while
	 * the application's port is jammed.
	 */
	static final class SampleApp implements AutoCloseable {

		final int port;

		final int managementPort;

		private final Process process;

		private final Thread killer;

		private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

		private SampleApp(int port, int managementPort, Process process) {
			this.port = port;
			this.managementPort = managementPort;
			this.process = process;
			this.killer = new Thread(process::destroyForcibly, "launch-day-demo-app-killer");
			Runtime.getRuntime().addShutdownHook(this.killer);
		}

		static SampleApp start(Path log, Duration reportQueryTime) throws Exception {
			int port = freePort();
			int managementPort = freePort();
			String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
			List<String> command = List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
					SampleApplication.class.getName(), "--server.address=127.0.0.1", "--server.port=" + port,
					"--management.server.address=127.0.0.1", "--management.server.port=" + managementPort,
					"--management.endpoint.resilience.access=unrestricted", "--spring.main.banner-mode=off",
					"--sample.report-query-time=" + reportQueryTime.toMillis() + "ms");
			Files.createDirectories(log.toAbsolutePath().getParent());
			File logFile = log.toFile();
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(logFile)
				.start();
			SampleApp app = new SampleApp(port, managementPort, process);
			try {
				app.awaitReady(Duration.ofSeconds(90));
			}
			catch (Exception ex) {
				app.close();
				throw ex;
			}
			return app;
		}

		URI uri(String path) {
			return URI.create("http://127.0.0.1:" + this.port + path);
		}

		double pressure(ObjectMapper json) {
			try {
				HttpResponse<String> response = this.http.send(
						HttpRequest.newBuilder(management("/actuator/resilience/shedding"))
							.timeout(Duration.ofMillis(800))
							.build(),
						HttpResponse.BodyHandlers.ofString());
				JsonNode pressure = json.readTree(response.body()).path("pressure");
				return pressure.isNumber() ? pressure.asDouble() : Double.NaN;
			}
			catch (IOException | RuntimeException ex) {
				return Double.NaN;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return Double.NaN;
			}
		}

		void post(String path, String body) throws IOException, InterruptedException {
			HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(management(path))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.timeout(Duration.ofSeconds(5))
				.build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IllegalStateException("POST " + path + " answered " + response.statusCode() + ": "
						+ response.body());
			}
		}

		private URI management(String path) {
			return URI.create("http://127.0.0.1:" + this.managementPort + path);
		}

		private void awaitReady(Duration timeout) throws Exception {
			long deadline = System.nanoTime() + timeout.toNanos();
			while (System.nanoTime() < deadline) {
				if (!this.process.isAlive()) {
					throw new IllegalStateException("the sample app exited with " + this.process.exitValue()
							+ " while starting: see its log");
				}
				try {
					HttpResponse<Void> health = this.http.send(
							HttpRequest.newBuilder(management("/actuator/health"))
								.timeout(Duration.ofSeconds(1))
								.build(),
							HttpResponse.BodyHandlers.discarding());
					if (health.statusCode() == 200) {
						return;
					}
				}
				catch (IOException ex) {
					// not listening yet
				}
				Thread.sleep(200);
			}
			throw new IllegalStateException("the sample app did not become ready within " + timeout);
		}

		@Override
		public void close() throws InterruptedException {
			this.process.destroy();
			if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
			try {
				Runtime.getRuntime().removeShutdownHook(this.killer);
			}
			catch (IllegalStateException ex) {
				// the JVM is already shutting down: the hook runs anyway
			}
		}

		private static int freePort() throws IOException {
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
				return socket.getLocalPort();
			}
		}

	}

}
