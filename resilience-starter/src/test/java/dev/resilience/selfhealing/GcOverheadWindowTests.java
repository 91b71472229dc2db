package dev.resilience.selfhealing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class GcOverheadWindowTests {

	private final GcOverheadWindow window = new GcOverheadWindow(10_000);

	@Test
	void emptyWindowHasNoOverhead() {
		assertThat(this.window.overhead(60_000)).isZero();
	}

	@Test
	void pausesInsideWindowAreSharesOfIt() {
		this.window.record(51_000, 1_000);
		this.window.record(55_000, 2_000);
		assertThat(this.window.overhead(60_000)).isCloseTo(0.3, within(1e-9));
	}

	@Test
	void pausesThatEndedBeforeWindowAreForgotten() {
		this.window.record(40_000, 5_000);
		this.window.record(55_000, 1_000);
		assertThat(this.window.overhead(60_000)).isCloseTo(0.1, within(1e-9));
		assertThat(this.window.overhead(66_000)).isZero();
	}

	@Test
	void pauseStraddlingWindowStartCountsOnlyItsPartInside() {
		this.window.record(52_000, 4_000);
		assertThat(this.window.overhead(60_000)).isCloseTo(0.2, within(1e-9));
	}

	@Test
	void youngProcessIsMeasuredAgainstFullWindow() {
		this.window.record(1_000, 500);
		assertThat(this.window.overhead(1_000)).isCloseTo(0.05, within(1e-9));
	}

	@Test
	void overheadNeverExceedsOne() {
		this.window.record(60_000, 30_000);
		assertThat(this.window.overhead(60_000)).isEqualTo(1.0);
	}

}
