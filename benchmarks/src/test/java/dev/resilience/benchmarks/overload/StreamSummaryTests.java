package dev.resilience.benchmarks.overload;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StreamSummary}.
 */
class StreamSummaryTests {

	@Test
	void percentileIsTheNearestRank() {
		long[] sorted = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
		assertThat(StreamSummary.percentile(sorted, 0.5)).isEqualTo(5);
		assertThat(StreamSummary.percentile(sorted, 0.99)).isEqualTo(10);
		assertThat(StreamSummary.percentile(sorted, 1.0)).isEqualTo(10);
		assertThat(StreamSummary.percentile(new long[0], 0.99)).isZero();
	}

	@Test
	void failuresCountInTheLatencyAndAsErrors() {
		long[] latencies = { 1_000_000, 2_000_000, 2_000_000_000L, 500_000 };
		long[] lags = { 0, 10, 20, 30 };
		Outcome[] outcomes = { Outcome.SUCCESS, Outcome.REJECTED, Outcome.TIMEOUT, Outcome.SUCCESS };
		StreamSummary summary = StreamSummary.of(latencies, lags, outcomes, Duration.ofSeconds(2));
		assertThat(summary.succeeded()).isEqualTo(2);
		assertThat(summary.rejected()).isEqualTo(1);
		assertThat(summary.timedOut()).isEqualTo(1);
		assertThat(summary.errors()).isEqualTo(2);
		assertThat(summary.maxNanos()).isEqualTo(2_000_000_000L);
		assertThat(summary.goodput()).isEqualTo(1.0);
	}

	@Test
	void requestsWithoutAnOutcomeAreIncompleteErrors() {
		long[] latencies = { 1_000_000, 0 };
		Outcome[] outcomes = { Outcome.SUCCESS, null };
		StreamSummary summary = StreamSummary.of(latencies, new long[2], outcomes, Duration.ofSeconds(1));
		assertThat(summary.incomplete()).isEqualTo(1);
		assertThat(summary.errors()).isEqualTo(1);
		assertThat(summary.p99Nanos()).isEqualTo(1_000_000);
	}

}
