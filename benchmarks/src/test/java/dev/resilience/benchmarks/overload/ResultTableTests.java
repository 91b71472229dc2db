package dev.resilience.benchmarks.overload;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ResultTable}: the pooled p99 and the targets' verdicts.
 */
class ResultTableTests {

	private static final long MS = 1_000_000;

	@Test
	void pooledP99IsOverTheRequestsOfEveryRound() {
		VariantResult quiet = result(Variant.SHEDDABLE, 1, critical(100, 0), 100);
		VariantResult paused = result(Variant.SHEDDABLE, 2, critical(98, 2), 100);
		assertThat(quiet.critical().p99Nanos()).isEqualTo(MS);
		assertThat(paused.critical().p99Nanos()).isEqualTo(50 * MS);
		assertThat(ResultTable.pooledP99(List.of(quiet, paused), VariantResult::critical)).isEqualTo(MS);
	}

	@Test
	void peerWithALowerP99AtEqualGoodputBeatsTheStarter() {
		String targets = targets(result(Variant.SHEDDABLE, 1, critical(98, 2), 150),
				result(Variant.RESILIENCE4J_BULKHEAD, 1, critical(100, 0), 148));
		assertThat(targets).contains("- no peer beats the starter on critical p99 at equal expensive goodput: MISSED");
	}

	@Test
	void peerWithALowerP99AtLowerGoodputDoesNotBeatTheStarter() {
		String targets = targets(result(Variant.SHEDDABLE, 1, critical(98, 2), 150),
				result(Variant.CONCURRENCY_LIMITS_DEFAULTS, 1, critical(100, 0), 60));
		assertThat(targets).contains("(not equal goodput)")
			.contains("- no peer beats the starter on critical p99 at equal expensive goodput: met");
	}

	@Test
	void starterRatioIsCheckedOnThePooledP99() {
		String targets = targets(result(Variant.SHEDDABLE, 1, critical(98, 2), 150));
		assertThat(targets).contains("- (b) critical p99 under the spike / without it = 50.0, target <= 2: MISSED");
	}

	private static String targets(VariantResult... results) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		new ResultTable(List.of(results)).printTargets(new PrintStream(bytes, true, StandardCharsets.UTF_8));
		return bytes.toString(StandardCharsets.UTF_8);
	}

	private static VariantResult result(Variant variant, int round, StreamSummary critical, int expensiveSucceeded) {
		return new VariantResult(variant, round, critical(100, 0), critical, expensive(expensiveSucceeded), 0.4, 0.4,
				1.0, RejectionCost.NONE, new long[0]);
	}

	/**
	 * Critical requests of 1 ms, and some delayed to 50 ms by a pause.
	 */
	private static StreamSummary critical(int prompt, int paused) {
		long[] latencies = new long[prompt + paused];
		Arrays.fill(latencies, 0, prompt, MS);
		Arrays.fill(latencies, prompt, latencies.length, 50 * MS);
		Outcome[] outcomes = new Outcome[latencies.length];
		Arrays.fill(outcomes, Outcome.SUCCESS);
		return StreamSummary.of(latencies, new long[latencies.length], outcomes, Duration.ofSeconds(1));
	}

	private static StreamSummary expensive(int succeeded) {
		long[] latencies = new long[200];
		Arrays.fill(latencies, 100 * MS);
		Outcome[] outcomes = new Outcome[latencies.length];
		Arrays.fill(outcomes, Outcome.REJECTED);
		Arrays.fill(outcomes, 0, succeeded, Outcome.SUCCESS);
		return StreamSummary.of(latencies, new long[latencies.length], outcomes, Duration.ofSeconds(1));
	}

}
