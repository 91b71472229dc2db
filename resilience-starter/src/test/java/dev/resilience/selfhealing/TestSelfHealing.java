package dev.resilience.selfhealing;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@link SelfHealing} for the monitors' tests: reports only, publishes to nobody, never exits.
 */
final class TestSelfHealing {

	private TestSelfHealing() {
	}

	static SelfHealing reportOnly(Path dumps) {
		return new SelfHealing((event) -> {
		}, new ThreadDumpWriter(dumps), OnFatal.REPORT, Duration.ZERO, (status) -> {
		});
	}

}
