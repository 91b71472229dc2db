package dev.resilience.benchmarks.overload;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.DoubleSummaryStatistics;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
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

	/**
	 * Print, per variant, the critical endpoint's p99 over the requests of every round together. With one service
	 * process per round, a young-generation pause or a busy moment of the machine moves one round's p99; over all the
	 * rounds' requests it moves the p99 far less, which makes this the steadier comparison of the variants.
	 * @param out where to print
	 */
	void printPooled(PrintStream out) {
		out.println("Critical endpoint over the requests of all rounds together, per variant:");
		out.println();
		out.println("| variant | rounds | critical requests | p99 ms under the spike | no-spike p99 ms | p99 / no-spike "
				+ "| expensive 2xx/s (median) |");
		out.println("|---|--:|--:|--:|--:|--:|--:|");
		this.byVariant.forEach((variant, rounds) -> {
			long spike = pooledP99(rounds, VariantResult::critical);
			long baseline = pooledP99(rounds, VariantResult::baseline);
			out.printf("| (%s) %s | %d | %d | %s | %s | %.1f | %.0f |%n", variant.key(), variant.description(),
					rounds.size(), rounds.stream().mapToInt((r) -> r.critical().sent()).sum(), millis(spike),
					millis(baseline), (double) spike / Math.max(1, baseline),
					median(rounds, (r) -> r.expensive().goodput()));
		});
		out.println();
	}

	static long pooledP99(List<VariantResult> rounds, Function<VariantResult, StreamSummary> stream) {
		long[] pooled = rounds.stream()
			.flatMapToLong((round) -> Arrays.stream(stream.apply(round).latenciesNanos()))
			.sorted()
			.toArray();
		return StreamSummary.percentile(pooled, 0.99);
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

	/**
	 * Print, per variant that rejects, what a rejection cost the service's worker thread during the spike, from the
	 * engine valve to the answer (see {@link RejectionCosts}): the median of the rounds' CPU averages, and the lowest
	 * and highest of the rounds' allocation averages. Each service JVM settles in one of two allocation levels about a
	 * kilobyte apart, whatever the variant (C2's escape analysis removes that much allocation in some JVMs and not in
	 * others: with {@code -XX:-DoEscapeAnalysis} every round is at the upper level), so a median of allocation would compare the levels the rounds happened to land in, not the variants;
	 * the lowest and the highest compare them level for level.
	 * @param out where to print
	 */
	void printRejectionCosts(PrintStream out) {
		out.println("Cost of one rejection on the service's worker thread during the spike (from Tomcat's engine valve "
				+ "to the finished response; CPU: median of the rounds' averages; allocation: lowest and highest of "
				+ "the rounds' averages, see RejectionCosts):");
		out.println();
		out.println("| variant | rejections measured | CPU per rejection, µs | allocated per rejection, bytes, lowest "
				+ "| highest |");
		out.println("|---|--:|--:|--:|--:|");
		this.byVariant.forEach((variant, rounds) -> {
			if (rounds.stream().allMatch((r) -> r.rejectionCost().rejections() == 0)) {
				return;
			}
			DoubleSummaryStatistics bytes = rounds.stream()
				.mapToDouble((r) -> r.rejectionCost().bytesPerRejection())
				.summaryStatistics();
			out.printf("| (%s) %s | %.0f | %.1f | %.0f | %.0f |%n", variant.key(), variant.description(),
					median(rounds, (r) -> r.rejectionCost().rejections()),
					median(rounds, (r) -> r.rejectionCost().cpuMicrosPerRejection()), bytes.getMin(),
					bytes.getMax());
		});
		out.println();
	}

	/**
	 * Check the targets on the critical p99 over all rounds' requests together, and say how the rounds agree.
	 * A peer beats the starter when, at an expensive goodput within 5 % of the starter's, its critical p99 is lower.
	 * @param out where to print
	 */
	void printTargets(PrintStream out) {
		List<VariantResult> starter = this.byVariant.get(Variant.SHEDDABLE);
		if (starter == null) {
			return;
		}
		out.println("Targets of issue 6 (p99 over the requests of all rounds; per-round figures in brackets):");
		double starterRatio = pooledRatio(starter);
		out.printf("- (b) critical p99 under the spike / without it = %.1f, target <= 2: %s (met in %d of %d rounds)%n",
				starterRatio, verdict(starterRatio <= 2),
				starter.stream().filter((r) -> r.criticalP99Ratio() <= 2).count(), starter.size());
		int worstErrors = starter.stream().mapToInt((r) -> r.critical().errors()).max().orElse(0);
		out.printf("- (b) critical errors, worst round %d, target 0: %s%n", worstErrors, verdict(worstErrors == 0));
		List<VariantResult> unprotected = this.byVariant.get(Variant.NO_PROTECTION);
		if (unprotected != null) {
			double unprotectedRatio = pooledRatio(unprotected);
			out.printf("- (a) critical p99 under the spike / without it = %.1f, target >= 10: %s%n", unprotectedRatio,
					verdict(unprotectedRatio >= 10));
		}
		long starterP99 = pooledP99(starter, VariantResult::critical);
		double starterGoodput = median(starter, (r) -> r.expensive().goodput());
		boolean beaten = false;
		for (Variant peer : List.of(Variant.RESILIENCE4J_BULKHEAD, Variant.CONCURRENCY_LIMITS_DEFAULTS,
				Variant.CONCURRENCY_LIMITS_TUNED)) {
			List<VariantResult> rounds = this.byVariant.get(peer);
			if (rounds == null) {
				continue;
			}
			long p99 = pooledP99(rounds, VariantResult::critical);
			double goodput = median(rounds, (r) -> r.expensive().goodput());
			boolean equalGoodput = Math.abs(goodput - starterGoodput) <= 0.05 * starterGoodput;
			beaten |= equalGoodput && p99 < starterP99;
			out.printf("- (%s) critical p99 %s ms vs the starter's %s ms (lower than the starter's in %d of %d rounds), "
					+ "expensive %.0f vs %.0f 2xx/s%s, critical errors %.0f%n", peer.key(), millis(p99),
					millis(starterP99), lowerInRounds(rounds, starter), Math.min(rounds.size(), starter.size()),
					goodput, starterGoodput, equalGoodput ? "" : " (not equal goodput)",
					median(rounds, (r) -> r.critical().errors()));
		}
		out.printf("- no peer beats the starter on critical p99 at equal expensive goodput: %s%n", verdict(!beaten));
		out.println();
	}

	private static double pooledRatio(List<VariantResult> rounds) {
		return (double) pooledP99(rounds, VariantResult::critical)
				/ Math.max(1, pooledP99(rounds, VariantResult::baseline));
	}

	private static int lowerInRounds(List<VariantResult> peer, List<VariantResult> starter) {
		int lower = 0;
		for (int i = 0; i < Math.min(peer.size(), starter.size()); i++) {
			if (peer.get(i).critical().p99Nanos() < starter.get(i).critical().p99Nanos()) {
				lower++;
			}
		}
		return lower;
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
