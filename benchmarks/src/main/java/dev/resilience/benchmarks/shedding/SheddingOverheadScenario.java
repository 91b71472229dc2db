package dev.resilience.benchmarks.shedding;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.resilience.benchmarks.ForkedService;

/**
 * Loopback throughput of a trivial endpoint with load shedding on and off, in alternating rounds, each variant in a
 * fresh JVM, driven by {@code wrk}. Prints the median requests per second of each variant and their ratio.
 *
 * <p>Arguments: {@code [rounds] [seconds per measurement]}, default {@code 5 10}.
 */
public final class SheddingOverheadScenario {

	private static final Pattern REQUESTS_PER_SECOND = Pattern.compile("Requests/sec:\\s+([0-9.]+)");

	private SheddingOverheadScenario() {
	}

	public static void main(String[] args) throws Exception {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 5;
		int seconds = (args.length > 1) ? Integer.parseInt(args[1]) : 10;
		Wrk.ensureInstalled();
		Map<String, List<Double>> results = new LinkedHashMap<>();
		results.put("shedding on", new ArrayList<>());
		results.put("shedding off", new ArrayList<>());
		for (int round = 1; round <= rounds; round++) {
			for (Map.Entry<String, List<Double>> variant : results.entrySet()) {
				boolean enabled = variant.getKey().equals("shedding on");
				double rps = measure(enabled, seconds);
				variant.getValue().add(rps);
				System.out.printf("round %d  %-13s %10.0f req/s%n", round, variant.getKey(), rps);
			}
		}
		double on = median(results.get("shedding on"));
		double off = median(results.get("shedding off"));
		System.out.printf("%n%s, %d cores, %s, %d rounds x %d s, wrk -t1 -c32%n", LocalDate.now(),
				Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), rounds, seconds);
		System.out.printf("| variant | median req/s | all rounds |%n|---|---|---|%n");
		for (Map.Entry<String, List<Double>> variant : results.entrySet()) {
			System.out.printf("| %s | %.0f | %s |%n", variant.getKey(), median(variant.getValue()),
					variant.getValue().stream().map((rps) -> String.format("%.0f", rps)).toList());
		}
		System.out.printf("%nthroughput with shedding / without: %.3f (cost %.1f%%)%n", on / off,
				(1 - on / off) * 100);
	}

	private static double measure(boolean sheddingEnabled, int seconds) throws Exception {
		Path log = Path.of("target", "shedding-overhead", "shedding-" + sheddingEnabled + ".log");
		try (ForkedService service = ForkedService.start(TrivialService.class, List.of("-Xms256m", "-Xmx256m"),
				List.of("--resilience.shedding.enabled=" + sheddingEnabled, "--logging.level.root=WARN",
						"--spring.main.banner-mode=off"),
				"/hello", log)) {
			String url = service.uri("/hello").toString();
			Wrk.run(url, 5); // warm-up: JIT, connections
			return parseRequestsPerSecond(Wrk.run(url, seconds));
		}
	}

	private static double parseRequestsPerSecond(String wrkOutput) {
		Matcher matcher = REQUESTS_PER_SECOND.matcher(wrkOutput);
		if (!matcher.find()) {
			throw new IllegalStateException("No Requests/sec in wrk's output:\n" + wrkOutput);
		}
		return Double.parseDouble(matcher.group(1));
	}

	static double median(List<Double> values) {
		double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	/**
	 * Runs Debian's {@code wrk} against loopback.
	 */
	static final class Wrk {

		private Wrk() {
		}

		static void ensureInstalled() throws IOException, InterruptedException {
			if (new ProcessBuilder("sh", "-c", "command -v wrk").start().waitFor() == 0) {
				return;
			}
			System.out.println("wrk is missing: installing it with apt-get");
			int status = new ProcessBuilder("sh", "-c", "apt-get update -qq && apt-get install -y -qq wrk")
				.inheritIO()
				.start()
				.waitFor();
			if (status != 0) {
				throw new IllegalStateException("Could not install wrk (apt-get exited with " + status + ")");
			}
		}

		static String run(String url, int seconds) throws IOException, InterruptedException {
			Process wrk = new ProcessBuilder("wrk", "-t1", "-c32", "-d" + seconds + "s", url).redirectErrorStream(true)
				.start();
			byte[] output = wrk.getInputStream().readAllBytes();
			if (!wrk.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
				wrk.destroyForcibly();
				throw new IllegalStateException("wrk did not finish");
			}
			return new String(output, StandardCharsets.UTF_8);
		}

	}

}
