package dev.resilience.shedding;

import dev.resilience.shedding.PressureGauge.Capacity;
import dev.resilience.shedding.PressureGauge.Mode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PressureGaugeTests {

	private final PressureGauge gauge = new PressureGauge(new Capacity(Mode.WORKER_POOL, 10, "test"));

	@Test
	void pressureIsInFlightOverCapacity() {
		enter(4);
		assertThat(this.gauge.pressure()).isEqualTo(0.4);
		this.gauge.exit();
		assertThat(this.gauge.inFlight()).isEqualTo(3);
	}

	@Test
	void thresholdIsReachedAtOrAboveItsShareOfCapacity() {
		enter(8);
		assertThat(this.gauge.isAtOrAbove(0.85)).isFalse();
		enter(1);
		assertThat(this.gauge.isAtOrAbove(0.85)).isTrue();
		assertThat(this.gauge.isAtOrAbove(0.9)).isTrue();
		assertThat(this.gauge.isAtOrAbove(0.91)).isFalse();
	}

	@Test
	void capacityCanBeReplacedOnceTheServerIsKnown() {
		enter(5);
		this.gauge.setCapacity(new Capacity(Mode.WORKER_POOL, 50, "Tomcat's worker pool"));
		assertThat(this.gauge.pressure()).isEqualTo(0.1);
	}

	@Test
	void capacityBelowOneIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Capacity(Mode.CONCURRENCY_LIMIT, 0, "x"));
	}

	private void enter(int times) {
		for (int i = 0; i < times; i++) {
			this.gauge.enter();
		}
	}

}
