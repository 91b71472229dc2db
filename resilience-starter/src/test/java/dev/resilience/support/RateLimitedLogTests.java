package dev.resilience.support;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class RateLimitedLogTests {

	@Test
	void writesOneLinePerIntervalAndCountsTheRest(CapturedOutput output) throws InterruptedException {
		RateLimitedLog log = new RateLimitedLog(LogFactory.getLog(RateLimitedLogTests.class), Duration.ofMillis(200));
		AtomicInteger built = new AtomicInteger();
		for (int i = 0; i < 3; i++) {
			log.warn(() -> "store failed #" + built.incrementAndGet());
		}
		assertThat(output.getAll().lines().filter((line) -> line.contains("store failed"))).hasSize(1);
		assertThat(built).hasValue(1); // the suppressed messages were never built
		Thread.sleep(250); // past the interval: the next one is written, with the count of those left out
		log.warn(() -> "store failed again");
		assertThat(output.getAll()).contains("store failed again (2 more since the last report)");
	}

}
