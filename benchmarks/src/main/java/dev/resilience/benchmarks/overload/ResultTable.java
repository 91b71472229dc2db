package dev.resilience.benchmarks.overload;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Prints the results as Markdown tables: every round, then the median of the rounds per variant, then the issue's
 * targets checked against those medians.
 */
final class ResultTable {

	private static final String HEADER = """
			| variant | critical p50 ms | critical p99 ms | critical max ms | critical errors | no-spike p99 ms \
			| p99 / no-spike | expensive 2xx/s | expensive 429 | expensive other errors |
			|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|""";

	private final List<VariantResult> results;

	private final Map<Variant, List<VariantResult>> byVariant;

	ResultTable(List<VariantResult> results) {
		this.results = results;
		this.byVariant = results.stream()
			.collect(Collectors.groupingBy(VariantResult::variant, () -> new EnumMap<>(Variant.class),
					Collectors.toList()));
	}

	void printRounds(PrintStream out) {
		out.println("Every round (one forked service JVM per row):");
		out.println();
		out.println("| round |" + HEADER.substring(1).replace("\n|", "\n|--:|"));
		for (VariantResult result : this.results) {
			out.printf("| %d | (%s) %s | %s | %s | %s | %d | %s | %.1f | %.0f | %d | %d |%n", result.round(),
					result.variant().key(), result.variant().description(), millis(result.critical().p50Nanos()),
					millis(result.critical().p99Nanos()), millis(result.critical().maxNanos()),
					result.critical().errors(), millis(result.baseline().p99Nanos()), result.criticalP99Ratio(),
					result.expensive().goodput(), result.expensive().rejected(),
					result.expensive().failed() + result.expensive().incomplete());
		}
		out.println();
	}

	void printMedians(PrintStream out) {
		out.println("Median of the rounds per variant (each ratio is taken within one service process first):");
		out.println();
		out.println(HEADER);
		this.byVariant.forEach((variant, rounds) -> out.printf(
				"| (%s) %s | %s | %s | %s | %.0f | %s | %.1f | %.0f | %.0f | %.0f |%n", variant.key(),
				variant.description(), millis(median(rounds, (r) -> r.critical().p50Nanos())),
				millis(median(rounds, (r) -> r.critical().p99Nanos())),
				millis(median(rounds, (r) -> r.critical().maxNanos())), median(rounds, (r) -> r.critical().errors()),
				millis(median(rounds, (r) -> r.baseline().p99Nanos())), median(rounds, VariantResult::criticalP99Ratio),
				median(rounds, (r) -> r.expensive().goodput()), median(rounds, (r) -> r.expensive().rejected()),
				median(rounds, (r) -> r.expensive().failed() + r.expensive().incomplete())));
		out.println();
	}

	void printGeneratorOverhead(PrintStream out) {
		out.println("During the spike (median of the rounds): how late the generator sent, CPU of the generator and of "
				+ "the service, and the machine's load:");
		out.println();
		out.println("| variant | critical send lag p99 ms | expensive send lag p99 ms | generator CPU, cores "
				+ "| service CPU, cores | load average after |");
		out.println("|---|--:|--:|--:|--:|--:|");
		this.byVariant.forEach((variant, rounds) -> out.printf("| (%s) %s | %s | %s | %.2f | %.2f | %.1f |%n",
				variant.key(), variant.description(), millis(median(rounds, (r) -> r.critical().sendLagP99Nanos())),
				millis(median(rounds, (r) -> r.expensive().sendLagP99Nanos())),
				median(rounds, VariantResult::generatorCores), median(rounds, VariantResult::serviceCores),
				median(rounds, VariantResult::loadAverage)));
		out.println();
	}

	void printTargets(PrintStream out) {
		List<VariantResult> starter = this.byVariant.get(Variant.SHEDDABLE);
		List<VariantResult> unprotected = this.byVariant.get(Variant.NO_PROTECTION);
		if (starter == null || unprotected == null) {
			return;
		}
		double starterRatio = median(starter, VariantResult::criticalP99Ratio);
		double starterErrors = median(starter, (r) -> r.critical().errors());
		double maxStarterErrors = starter.stream().mapToInt((r) -> r.critical().errors()).max().orElse(0);
		double unprotectedRatio = median(unprotected, VariantResult::criticalP99Ratio);
		out.println("Targets of issue 6, on the medians above:");
		out.printf("- (b) critical p99 under the spike / without it = %.1f (target <= 2): %s%n", starterRatio,
				verdict(starterRatio <= 2));
		out.printf("- (b) critical errors: median %.0f, worst round %.0f (target 0): %s%n", starterErrors,
				maxStarterErrors, verdict(maxStarterErrors == 0));
		out.printf("- (a) critical p99 under the spike / without it = %.1f (target >= 10): %s%n", unprotectedRatio,
				verdict(unprotectedRatio >= 10));
		double starterP99 = median(starter, (r) -> r.critical().p99Nanos());
		double starterGoodput = median(starter, (r) -> r.expensive().goodput());
		for (Variant peer : List.of(Variant.RESILIENCE4J_BULKHEAD, Variant.CONCURRENCY_LIMITS_DEFAULTS,
				Variant.CONCURRENCY_LIMITS_TUNED)) {
			List<VariantResult> rounds = this.byVariant.get(peer);
			if (rounds == null) {
				continue;
			}
			double p99 = median(rounds, (r) -> r.critical().p99Nanos());
			double goodput = median(rounds, (r) -> r.expensive().goodput());
			out.printf("- (%s) critical p99 %s ms vs the starter's %s ms, expensive %.0f vs %.0f 2xx/s, "
					+ "critical errors %.0f%n", peer.key(), millis(p99), millis(starterP99), goodput, starterGoodput,
					median(rounds, (r) -> r.critical().errors()));
		}
		out.println();
	}

	private static String verdict(boolean met) {
		return met ? "met" : "MISSED";
	}

	static double median(List<VariantResult> rounds, ToDoubleFunction<VariantResult> figure) {
		double[] values = rounds.stream().mapToDouble(figure).sorted().toArray();
		int middle = values.length / 2;
		return (values.length % 2 == 1) ? values[middle] : (values[middle - 1] + values[middle]) / 2;
	}

	private static String millis(double nanos) {
		double millis = nanos / 1e6;
		return (millis < 10) ? String.format("%.2f", millis) : String.format("%.0f", millis);
	}

}
