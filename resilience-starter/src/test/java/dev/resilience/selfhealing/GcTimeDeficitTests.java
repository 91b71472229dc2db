package dev.resilience.selfhealing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class GcTimeDeficitTests {

	private final GcTimeDeficit deficit = new GcTimeDeficit(5, 1_000);

	@Test
	void runTimeTimesWeightPaysBackGcTime() {
		assertThat(this.deficit.record(1_000, 1_500)).isCloseTo(500, within(1e-9));
		// 100 ms of run time pays back 500 ms, then 1000 ms of GC
		assertThat(this.deficit.record(1_600, 2_600)).isCloseTo(1_000, within(1e-9));
		assertThat(this.deficit.record(2_700, 3_700)).isCloseTo(1_500, within(1e-9));
	}

	@Test
	void neverBelowZero() {
		assertThat(this.deficit.record(1_000, 3_000)).isCloseTo(2_000, within(1e-9));
		assertThat(this.deficit.record(60_000, 60_100)).isZero();
	}

	@Test
	void burstOfPausesWithRunTimeBetweenDoesNotAccumulate() {
		// 200 ms pauses with 100 ms of run time between them: 67% of the time in GC, under 5 / 6
		double last = 0;
		for (long start = 1_000; start < 61_000; start += 300) {
			last = this.deficit.record(start, start + 200);
		}
		assertThat(last).isLessThanOrEqualTo(200);
	}

	@Test
	void spendingNearlyAllTimeInGcGrowsByAboutASecondPerSecond() {
		double last = 0;
		for (long start = 1_000; start < 31_000; start += 1_010) {
			last = this.deficit.record(start, start + 1_000);
		}
		// 30 periods of 1000 ms GC and 10 ms run time: 30 x 950 ms
		assertThat(last).isCloseTo(28_500, within(1_000.0));
	}

	@Test
	void overlappingPeriodsCountOnce() {
		GcTimeDeficit fresh = new GcTimeDeficit(5, 1_000);
		fresh.record(1_000, 2_000);
		assertThat(fresh.record(1_500, 2_500)).isCloseTo(1_500, within(1e-9));
		assertThat(fresh.record(1_800, 2_200)).isCloseTo(1_500, within(1e-9));
	}

	@Test
	void drainsWithRunTimeSinceTheLastPeriod() {
		GcTimeDeficit fresh = new GcTimeDeficit(5, 1_000);
		fresh.record(1_000, 4_000);
		assertThat(fresh.deficitAt(4_000)).isCloseTo(3_000, within(1e-9));
		assertThat(fresh.deficitAt(4_200)).isCloseTo(2_000, within(1e-9));
		assertThat(fresh.deficitAt(10_000)).isZero();
	}

}
