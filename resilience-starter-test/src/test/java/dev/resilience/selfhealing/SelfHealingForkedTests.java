package dev.resilience.selfhealing;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertAll;

/**
 * Self-healing where the JVM itself must fail: each test runs {@code ForkedSelfHealingService} in a JVM of its own
 * with a small heap, and watches it from outside over HTTP, as an orchestrator would.
 */
class SelfHealingForkedTests {

	private static final Duration DRAIN = Duration.ofSeconds(5);

	private static final int MAX_LEAK_REQUESTS = 1000;

	private static final Duration HEALTHY_RUN = Duration.ofMinutes(1);

	/** Long enough for probes to a process short of memory to see it DOWN before it exits. */
	private static final Duration LEAK_DRAIN = Duration.ofSeconds(20);

	@TempDir
	Path work;

	@Test
	void leakingServiceTurnsLivenessAndReadinessDownKeepsThreadDumpAndExitsAfterDrain() throws Exception {
		try (ForkedService service = ForkedService.start(this.work, "96m", "resilience.self-healing.on-fatal=exit",
				"resilience.self-healing.drain-period=" + LEAK_DRAIN.toMillis() + "ms")) {
			assertThat(service.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
			assertThat(service.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
			int leaks = 0;
			boolean stillReady = true;
			while (stillReady && leaks < MAX_LEAK_REQUESTS) {
				HttpResponse<String> leak = service.post("/leak?kb=1024");
				leaks++;
				// a load balancer stops sending traffic once readiness fails; an OutOfMemoryError answers 500
				stillReady = leak.statusCode() == 200 && service.get("/actuator/health/readiness").statusCode() == 200;
			}
			assertThat(stillReady).as("readiness after %d leaking requests", leaks).isFalse();
			long detected = System.nanoTime();

			HttpResponse<String> liveness = service.get("/actuator/health/liveness");
			assertThat(liveness.statusCode()).isEqualTo(503);
			assertThat(liveness.body()).contains("\"DOWN\"");
			HttpResponse<String> readiness = service.get("/actuator/health/readiness");
			assertThat(readiness.statusCode()).isEqualTo(503);
			assertThat(readiness.body()).contains("\"OUT_OF_SERVICE\"");
			// the dump is written just after the fatal state is published, and the health details name it then
			HttpResponse<String> selfHealing = service.get("/actuator/health/selfHealing");
			long dumpDeadline = System.nanoTime() + LEAK_DRAIN.dividedBy(2).toNanos();
			while (!selfHealing.body().contains("\"threadDump\"") && System.nanoTime() < dumpDeadline) {
				Thread.sleep(100);
				selfHealing = service.get("/actuator/health/selfHealing");
			}
			assertThat(selfHealing.statusCode()).isEqualTo(503);
			assertThat(selfHealing.body()).containsPattern("\"cause\":\"(HEAP_AFTER_GC|GC_OVERHEAD|OUT_OF_MEMORY)\"")
				.contains("\"threadDump\"");
			assertThat(service.process().isAlive()).as("still draining").isTrue();

			assertThat(service.awaitExit(LEAK_DRAIN.plusSeconds(90))).isEqualTo(SelfHealing.EXIT_STATUS);
			System.out.printf("self-healing forked leak: fatal after %d leaked MiB of a 96 MiB heap, exit %d ms after"
					+ " readiness was seen failing (drain %s), health: %s%n", leaks,
					Duration.ofNanos(System.nanoTime() - detected).toMillis(), LEAK_DRAIN, selfHealing.body());
			List<Path> dumps = files(this.work.resolve("dumps"));
			assertThat(dumps).singleElement().satisfies((dump) -> {
				assertThat(dump.getFileName().toString()).matches("threads-\\d{8}T\\d{6}\\.\\d{3}Z-pid\\d+\\.txt");
				assertThat(Files.readString(dump)).contains("Full thread dump")
					.contains("\"resilience-deadlock-check\"")
					.contains("\"http-nio-127.0.0.1-");
			});
			assertThat(service.output()).contains("Application is fatally broken")
				.contains("Drain period over: exiting with status 70");
		}
	}

	/**
	 * The healthy service on each collector, all at once: 120 MiB live in a 256 MiB heap (about 57% after a
	 * full collection), each block promoted before it dies, 25 MiB/s; {@code on-fatal=exit}. Every probe stays UP for
	 * a minute. Then the same process leaks to the heap limit: it goes DOWN, keeps a thread dump and exits 70.
	 */
	@Test
	void healthyChurnStaysUpForAMinuteOnEachCollectorThenALeakGoesDownDumpsAndExits() throws Exception {
		onEachCollector((collector) -> {
			Path work = this.work.resolve(collector.name());
			try (ForkedService service = ForkedService.start(work, collector.options(), "256m",
					"resilience.self-healing.on-fatal=exit",
					"resilience.self-healing.drain-period=" + LEAK_DRAIN.toMillis() + "ms",
					"resilience.self-healing.deadlock-check-interval=1s")) {
				assertThat(service.post("/churn/start?liveMb=120&mbPerSecond=25").body()).isEqualTo("churner");
				long polls = 0;
				long end = System.nanoTime() + HEALTHY_RUN.toNanos();
				while (System.nanoTime() < end) {
					assertUp(service, "/actuator/health/liveness");
					assertUp(service, "/actuator/health/readiness");
					assertUp(service, "/actuator/health/selfHealing");
					polls++;
					Thread.sleep(1_000);
				}
				HttpResponse<String> healthy = service.get("/actuator/health/selfHealing");
				assertThat(healthy.body()).contains("\"fatal\":false");
				assertThat(files(work.resolve("dumps"))).isEmpty();
				assertThat(service.process().isAlive()).isTrue();

				assertThat(service.post("/leak/start?mbPerSecond=40").body()).isEqualTo("leaker");
				HttpResponse<String> liveness = awaitStatus(service, "/actuator/health/liveness", 503,
						Duration.ofSeconds(180));
				assertThat(liveness.body()).contains("\"DOWN\"");
				// the leak goes on while the process drains: a health request may itself run out of memory, the log not
				Matcher fatal = Pattern.compile("Application is fatally broken \\((HEAP_AFTER_GC|GC_OVERHEAD|OUT_OF_MEMORY)"
						+ "\\): ([^;]*)").matcher(service.output());
				assertThat(fatal.find()).as("fatal report in the output").isTrue();
				assertThat(service.awaitExit(LEAK_DRAIN.plusSeconds(90))).isEqualTo(SelfHealing.EXIT_STATUS);
				assertThat(files(work.resolve("dumps"))).singleElement()
					.satisfies((dump) -> assertThat(Files.readString(dump)).contains("Full thread dump"));
				return String.format("UP for %d polls over %s before the leak (heapAfterGc %s, gcOverhead %s); then %s",
						polls, HEALTHY_RUN, value(healthy.body(), "heapAfterGc"), value(healthy.body(), "gcOverhead"),
						fatal.group(1) + ": " + fatal.group(2));
			}
		});
	}

	/**
	 * A live set near the limit and an allocating thread that never stops: each collector collects nearly all the
	 * time and the process makes little progress. The heap-after-GC detector is off, so the GC time deficit must see
	 * it: from pauses (G1, Parallel, Serial, Shenandoah's degenerated and full collections) or from the cycles that
	 * allocation stalls start (ZGC).
	 */
	@Test
	void gcDeathSpiralIsDetectedOnEachCollector() throws Exception {
		onEachCollector((collector) -> {
			if (collector.spiralLiveMb() == 0) {
				return "no death-spiral scenario (see Collector)";
			}
			Path work = this.work.resolve(collector.name());
			List<String> options = new ArrayList<>(collector.options());
			// Parallel would throw "GC overhead limit exceeded" first, which is seen as an OutOfMemoryError
			options.add("-XX:-UseGCOverheadLimit");
			try (ForkedService service = ForkedService.start(work, options, "256m",
					"resilience.self-healing.heap-after-gc-threshold=1",
					"resilience.self-healing.heap-after-gc-degraded-threshold=1",
					"resilience.self-healing.gc-time-threshold=10s")) {
				service.post("/churn/start?liveMb=" + collector.spiralLiveMb() + "&mbPerSecond=0");
				String fatal = "Application is fatally broken (GC_OVERHEAD): GC time exceeded 5 times the run time";
				long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
				while (!service.output().contains(fatal) && System.nanoTime() < deadline
						&& service.process().isAlive()) {
					Thread.sleep(500);
				}
				assertThat(service.output()).contains(fatal).doesNotContain("(OUT_OF_MEMORY)");
				String output = service.output();
				int at = output.indexOf(fatal);
				return output.substring(at, output.indexOf('\n', at)).replaceAll("; liveness.*", "");
			}
		});
	}

	@Test
	void outOfMemoryErrorInBackgroundThreadIsSeenAndPreviousHandlerStillRuns() throws Exception {
		// only an OutOfMemoryError can make this service fatal: the GC thresholds cannot be exceeded
		Path heapDumps = this.work.resolve("heap");
		try (ForkedService service = ForkedService.start(this.work, "96m",
				"resilience.self-healing.heap-after-gc-threshold=1", "resilience.self-healing.gc-time-threshold=1h",
				"resilience.self-healing.heap-dump-path=" + heapDumps)) {
			assertThat(service.post("/leak-in-background").body()).isEqualTo("background-leaker");
			HttpResponse<String> liveness = awaitStatus(service, "/actuator/health/liveness", 503, Duration.ofSeconds(90));
			assertThat(liveness.body()).contains("\"DOWN\"");
			HttpResponse<String> selfHealing = service.get("/actuator/health/selfHealing");
			assertThat(selfHealing.body()).contains("\"cause\":\"OUT_OF_MEMORY\"")
				.contains("OutOfMemoryError in thread \\\"background-leaker\\\": Java heap space");
			assertThat(service.output())
				.contains("previous-uncaught-handler ran for background-leaker: java.lang.OutOfMemoryError");
			assertThat(files(this.work.resolve("dumps"))).hasSize(1);
			// HeapDumpOnOutOfMemoryError, turned on at runtime: the JVM wrote the heap dump before the error was thrown
			assertThat(files(heapDumps)).singleElement()
				.satisfies((dump) -> assertThat(dump.getFileName().toString()).matches("java_pid\\d+\\.hprof"));
			assertThat(selfHealing.body()).contains("\"HeapDumpOnOutOfMemoryError\":true");
		}
	}

	@Test
	void exitHaltsTheJvmWhenShutdownHangs() throws Exception {
		try (ForkedService service = ForkedService.start(this.work, "96m", "forked.hang-on-shutdown=true",
				"resilience.self-healing.on-fatal=exit", "resilience.self-healing.drain-period=0s",
				"resilience.self-healing.shutdown-timeout=2s")) {
			// an OutOfMemoryError out of a request thread: Tomcat answers 500 or drops the connection
			try {
				service.post("/throw-out-of-memory");
			}
			catch (IOException ex) {
				// the connection of a worker that died of an Error
			}
			assertThat(service.awaitExit(Duration.ofSeconds(90))).isEqualTo(SelfHealing.EXIT_STATUS);
			assertThat(service.output())
				.contains("Application is fatally broken (OUT_OF_MEMORY): OutOfMemoryError in request"
						+ " POST /throw-out-of-memory: thrown by the forked service")
				.contains("Drain period over: exiting with status 70")
				.contains("hanging on shutdown");
		}
	}

	private void onEachCollector(Scenario scenario) throws Exception {
		List<Collector> collectors = Collector.available();
		ExecutorService executor = Executors.newFixedThreadPool(collectors.size());
		try {
			List<Future<String>> results = new ArrayList<>();
			for (Collector collector : collectors) {
				results.add(executor.submit(() -> scenario.run(collector)));
			}
			List<Executable> checks = new ArrayList<>();
			for (int i = 0; i < collectors.size(); i++) {
				Collector collector = collectors.get(i);
				Future<String> result = results.get(i);
				checks.add(() -> {
					try {
						System.out.printf("self-healing forked, %s: %s%n", collector.name(),
								result.get(10, TimeUnit.MINUTES));
					}
					catch (ExecutionException ex) {
						throw new AssertionError(collector.name() + ": " + ex.getCause().getMessage(), ex.getCause());
					}
				});
			}
			assertAll(checks);
		}
		finally {
			executor.shutdownNow();
			executor.awaitTermination(1, TimeUnit.MINUTES);
		}
	}

	@FunctionalInterface
	interface Scenario {

		String run(Collector collector) throws Exception;

	}

	/**
	 * A collector of the JDK the tests run on, with the live set that puts it into a death spiral in 256 MiB
	 * (Parallel and Serial keep old objects in an old generation of about 2/3 of the heap; ZGC needs more headroom
	 * than the others and throws OutOfMemoryError above about 60%). Shenandoah has none (0): between 200 and 215 MiB
	 * it was declared in some runs, kept up in others and ran out of memory first in others, on a loaded machine.
	 */
	record Collector(String name, List<String> options, int spiralLiveMb) {

		static List<Collector> available() {
			List<Collector> collectors = new ArrayList<>(List.of(new Collector("G1", List.of("-XX:+UseG1GC"), 215),
					new Collector("Parallel", List.of("-XX:+UseParallelGC"), 150),
					new Collector("Serial", List.of("-XX:+UseSerialGC"), 150),
					new Collector("ZGC", List.of("-XX:+UseZGC"), 150)));
			if (supported("-XX:+UseShenandoahGC")) {
				collectors.add(new Collector("Shenandoah", List.of("-XX:+UseShenandoahGC"), 0));
			}
			return collectors;
		}

		private static boolean supported(String option) {
			try {
				Process java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
						option, "-version")
					.redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.DISCARD)
					.start();
				return java.waitFor(60, TimeUnit.SECONDS) && java.exitValue() == 0;
			}
			catch (IOException | InterruptedException ex) {
				return false;
			}
		}

	}

	private static void assertUp(ForkedService service, String path) throws IOException, InterruptedException {
		HttpResponse<String> response = service.get(path);
		assertThat(response.statusCode()).as("%s: %s", path, response.body()).isEqualTo(200);
		assertThat(response.body()).contains("\"UP\"");
	}

	private static HttpResponse<String> awaitStatus(ForkedService service, String path, int status, Duration timeout)
			throws IOException, InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline && service.process().isAlive()) {
			try {
				HttpResponse<String> response = service.get(path);
				if (response.statusCode() == status) {
					return response;
				}
			}
			catch (IOException ex) {
				// a process short of memory may not answer in time; an orchestrator's probe would retry too
			}
			Thread.sleep(100);
		}
		return fail("%s did not answer %d within %s:%n%s", path, status, timeout, service.output());
	}

	private static String value(String json, String key) {
		Matcher matcher = Pattern.compile("\"" + key + "\":(\"(?:[^\"\\\\]|\\\\.)*\"|[^,}]*)").matcher(json);
		return matcher.find() ? matcher.group(1) : "(none)";
	}

	private static List<Path> files(Path directory) throws IOException {
		if (!Files.isDirectory(directory)) {
			return List.of();
		}
		try (Stream<Path> files = Files.list(directory)) {
			return files.toList();
		}
	}

}
