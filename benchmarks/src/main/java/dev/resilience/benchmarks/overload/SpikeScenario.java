package dev.resilience.benchmarks.overload;

import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.resilience.benchmarks.ForkedService;
import dev.resilience.benchmarks.overload.SpikeLoad.SpikeOutcome;

/**
 * Replays the launch-day spike (issue 6) against the same small service protected in each {@link Variant} in turn,
 * each in a forked JVM on 127.0.0.1, and prints what the critical endpoint and the expensive endpoint saw. The
 * variants are interleaved round by round, so that a busy moment of a shared machine does not fall on one variant
 * only; {@code -Dspike.rounds} sets the number of rounds (1 by default, about four minutes on two cores).
 *
 * <p>Run it with {@code ./mvnw -q -B -pl benchmarks -am package -DskipTests -Pspike}.
 */
public final class SpikeScenario {

	private static final List<String> SERVICE_JVM_OPTIONS = List.of("-Xms512m", "-Xmx512m");

	private static final boolean COLD = Boolean.getBoolean("spike.cold");

	private static final Duration PROMPT = Duration.ofMillis(20);

	private static final Duration IDLE_WAIT = Duration.ofSeconds(60);

	private static final HttpClient COSTS_CLIENT = HttpClient.newHttpClient();

	private SpikeScenario() {
	}

	public static void main(String[] args) throws Exception {
		int rounds = Integer.getInteger("spike.rounds", 1);
		List<Variant> variants = Variant.parse(System.getProperty("spike.variants", ""));
		SpikeProfile profile = SpikeProfile.LAUNCH_DAY;
		Machine machine = Machine.current();
		PrintStream out = System.out;
		out.printf("Launch-day spike: %s, %d cores, %s, %s%n", machine.date(), machine.cores(), machine.jdk(),
				machine.os());
		out.printf("Tomcat %d workers; critical %.0f req/s throughout; spike %.0f req/s to a %d ms endpoint "
				+ "(%.0fx the pool's %.0f req/s) for %d s after a %d s no-spike baseline; client timeout %d s; "
				+ "%s; %d round(s); load average at start %.1f%n%n", profile.workerThreads(), profile.criticalRate(),
				profile.expensiveSpikeRate(), SpikeController.DOWNSTREAM_MILLIS, profile.spikeMultiple(),
				profile.poolCapacityRate(), profile.spike().toSeconds(), profile.baseline().toSeconds(),
				profile.timeout().toSeconds(),
				COLD ? "cold: no rush before the spike"
						: "warm: a " + profile.rush().toSeconds() + " s rush at the spike's rate ends the warm-up",
				rounds, Machine.loadAverage());
		List<VariantResult> results = new ArrayList<>();
		for (int round = 1; round <= rounds; round++) {
			for (Variant variant : variants) {
				results.add(run(variant, round, profile));
			}
		}
		out.println();
		ResultTable table = new ResultTable(results);
		table.printRounds(out);
		table.printMedians(out);
		table.printPooled(out);
		table.printGeneratorOverhead(out);
		table.printRejectionCosts(out);
		table.printTargets(out);
		Path charts = Path.of(System.getProperty("spike.charts", "target/spike"));
		for (Path chart : new SpikeCharts(results, SpikeLoad.TIMELINE_SLICE).write(charts)) {
			out.println("chart: " + chart.toAbsolutePath().normalize());
		}
	}

	private static RejectionCost rejectionCosts(ForkedService service) throws Exception {
		// right after the spike an unprotected service is still working through its backlog: wait for it
		HttpRequest request = HttpRequest.newBuilder(service.uri(RejectionCosts.PATH))
			.timeout(IDLE_WAIT)
			.build();
		String body = COSTS_CLIENT.send(request, HttpResponse.BodyHandlers.ofString()).body();
		return new RejectionCost(field(body, "rejections"), field(body, "cpuNanos"), field(body, "allocatedBytes"));
	}

	private static long field(String json, String name) {
		Matcher matcher = Pattern.compile("\"" + name + "\"\\s*:\\s*(\\d+)").matcher(json);
		if (!matcher.find()) {
			throw new IllegalStateException("No " + name + " in " + json);
		}
		return Long.parseLong(matcher.group(1));
	}

	private static List<String> serviceJvmOptions() {
		List<String> options = new ArrayList<>(SERVICE_JVM_OPTIONS);
		for (String option : System.getProperty("spike.service-options", "").trim().split("\\s+")) {
			if (!option.isEmpty()) {
				options.add(option);
			}
		}
		return options;
	}

	private static List<String> serviceArguments(Variant variant, SpikeProfile profile) {
		List<String> arguments = new ArrayList<>(List.of(
				"--server.tomcat.threads.max=" + profile.workerThreads(),
				"--server.tomcat.threads.min-spare=" + profile.workerThreads(), "--spring.main.banner-mode=off",
				"--logging.level.root=WARN", "--logging.level.dev.resilience=INFO"));
		arguments.addAll(variant.arguments(profile));
		return arguments;
	}

	private static VariantResult run(Variant variant, int round, SpikeProfile profile) throws Exception {
		long started = System.nanoTime();
		Path log = Path.of("target", "spike", "round-" + round + "-" + variant.name().toLowerCase() + ".log");
		try (ForkedService service = ForkedService.start(SpikeService.class, serviceJvmOptions(),
				serviceArguments(variant, profile), SpikeController.CRITICAL_PATH, log);
				SpikeLoad load = new SpikeLoad(profile, service.uri(SpikeController.CRITICAL_PATH),
						service.uri(SpikeController.EXPENSIVE_PATH))) {
			load.warmUp();
			if (!COLD) {
				load.rush();
				// an unprotected service is still serving the requests whose clients gave up: the baseline must wait
				if (!service.awaitPrompt(SpikeController.CRITICAL_PATH, PROMPT, 5, IDLE_WAIT)) {
					System.out.printf("warning: the service was still slow %d s after the rush%n",
							IDLE_WAIT.toSeconds());
				}
			}
			StreamSummary baseline = load.baseline();
			RejectionCost costsBefore = rejectionCosts(service);
			long cpuBefore = service.cpuTime().toNanos();
			long wallBefore = System.nanoTime();
			SpikeOutcome spike = load.spike();
			double serviceCores = (double) (service.cpuTime().toNanos() - cpuBefore) / (System.nanoTime() - wallBefore);
			RejectionCost rejectionCost = rejectionCosts(service).minus(costsBefore);
			VariantResult result = new VariantResult(variant, round, baseline, spike.critical(), spike.expensive(),
					spike.generatorCores(), serviceCores, Machine.loadAverage(), rejectionCost,
					spike.criticalP99Timeline());
			System.out.printf("round %d (%s) %s: critical p99 %.1f ms (no spike %.1f ms), %d errors; "
					+ "expensive %.0f 2xx/s, %d x 429, %.1f µs and %.0f bytes per rejection [%d s]%n", round,
					variant.key(), variant.description(), spike.critical().p99Nanos() / 1e6, baseline.p99Nanos() / 1e6,
					spike.critical().errors(), spike.expensive().goodput(), spike.expensive().rejected(),
					rejectionCost.cpuMicrosPerRejection(), rejectionCost.bytesPerRejection(),
					(System.nanoTime() - started) / 1_000_000_000);
			return result;
		}
	}

}
