package dev.resilience.benchmarks.overload;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Outcome}.
 */
class OutcomeTests {

	@Test
	void timeoutsOfTheClientAndOfTheGeneratorAreTimeouts() {
		assertThat(Outcome.of(null, new HttpTimeoutException("late"))).isEqualTo(Outcome.TIMEOUT);
		assertThat(Outcome.of(null, new CompletionException(new TimeoutException()))).isEqualTo(Outcome.TIMEOUT);
	}

	@Test
	void otherFailuresAreConnectionErrors() {
		assertThat(Outcome.of(null, new CompletionException(new IOException("reset")))).isEqualTo(Outcome.IO_ERROR);
	}

}
