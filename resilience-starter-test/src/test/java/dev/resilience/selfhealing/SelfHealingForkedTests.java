package dev.resilience.selfhealing;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Self-healing where the JVM itself must fail: each test runs {@code ForkedSelfHealingService} in a JVM of its own
 * with a small heap, and watches it from outside over HTTP, as an orchestrator would.
 */
class SelfHealingForkedTests {

	private static final Duration DRAIN = Duration.ofSeconds(5);

	private static final int MAX_LEAK_REQUESTS = 1000;

	@TempDir
	Path work;

	@Test
	void leakingServiceTurnsLivenessAndReadinessDownKeepsThreadDumpAndExitsAfterDrain() throws Exception {
		try (ForkedService service = ForkedService.start(this.work, "96m", "resilience.self-healing.on-fatal=exit",
				"resilience.self-healing.drain-period=" + DRAIN.toMillis() + "ms")) {
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
			HttpResponse<String> selfHealing = service.get("/actuator/health/selfHealing");
			assertThat(selfHealing.statusCode()).isEqualTo(503);
			assertThat(selfHealing.body()).containsPattern("\"cause\":\"(HEAP_AFTER_GC|GC_OVERHEAD|OUT_OF_MEMORY)\"")
				.contains("\"threadDump\"");
			assertThat(service.process().isAlive()).as("still draining").isTrue();

			assertThat(service.awaitExit(DRAIN.plusSeconds(90))).isEqualTo(SelfHealing.EXIT_STATUS);
			System.out.printf("self-healing forked leak: fatal after %d leaked MiB of a 96 MiB heap, exit %d ms after"
					+ " readiness was seen failing (drain %s), health: %s%n", leaks,
					Duration.ofNanos(System.nanoTime() - detected).toMillis(), DRAIN, selfHealing.body());
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

	@Test
	void serviceAllocatingAndFreeingSteadilyStaysUp() throws Exception {
		try (ForkedService service = ForkedService.start(this.work, "128m", "resilience.self-healing.on-fatal=exit",
				"resilience.self-healing.drain-period=0s", "resilience.self-healing.gc-overhead-window=5s",
				"resilience.self-healing.deadlock-check-interval=1s")) {
			long polls = 0;
			long requests = 0;
			long end = System.nanoTime() + Duration.ofSeconds(12).toNanos();
			while (System.nanoTime() < end) {
				for (int i = 0; i < 20; i++) {
					assertThat(service.get("/churn?kb=256").statusCode()).isEqualTo(200);
					requests++;
				}
				assertUp(service, "/actuator/health/liveness");
				assertUp(service, "/actuator/health/readiness");
				assertUp(service, "/actuator/health/selfHealing");
				polls++;
			}
			assertThat(polls).isPositive();
			assertThat(requests).isGreaterThanOrEqualTo(20);
			assertThat(service.process().isAlive()).isTrue();
			assertThat(files(this.work.resolve("dumps"))).isEmpty();
		}
	}

	@Test
	void outOfMemoryErrorInBackgroundThreadIsSeenAndPreviousHandlerStillRuns() throws Exception {
		// only an OutOfMemoryError can make this service fatal: the GC thresholds cannot be exceeded
		Path heapDumps = this.work.resolve("heap");
		try (ForkedService service = ForkedService.start(this.work, "96m",
				"resilience.self-healing.heap-after-gc-threshold=1", "resilience.self-healing.gc-overhead-threshold=1",
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

	private static void assertUp(ForkedService service, String path) throws IOException, InterruptedException {
		HttpResponse<String> response = service.get(path);
		assertThat(response.statusCode()).as("%s: %s", path, response.body()).isEqualTo(200);
		assertThat(response.body()).contains("\"UP\"");
	}

	private static HttpResponse<String> awaitStatus(ForkedService service, String path, int status, Duration timeout)
			throws IOException, InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			HttpResponse<String> response = service.get(path);
			if (response.statusCode() == status) {
				return response;
			}
			Thread.sleep(100);
		}
		return fail("%s did not answer %d within %s:%n%s", path, status, timeout, service.output());
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
