package dev.resilience.support;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class RemoteStoreGuardTests {

	private final AtomicInteger invocations = new AtomicInteger();

	@Test
	void resultWithinTheTimeoutIsReturnedAndTheBreakerStaysClosed() {
		RemoteStoreGuard guard = guard(Duration.ofMinutes(1));
		assertThat(guard.call(() -> answer("ok"))).isEqualTo("ok");
		assertThat(guard.state()).isEqualTo(RemoteStoreGuard.State.CLOSED);
		assertThat(guard.calls()).isEqualTo(1);
		assertThat(guard.failures()).isZero();
	}

	@Test
	void aCallThatNeverCompletesFailsAfterTheTimeoutAndIsCancelled() {
		RemoteStoreGuard guard = guard(Duration.ofMinutes(1));
		CompletableFuture<String> hanging = new CompletableFuture<>();
		assertThatExceptionOfType(RemoteStoreUnavailableException.class).isThrownBy(() -> guard.call(() -> hanging))
			.withCauseInstanceOf(TimeoutException.class)
			.withMessageContaining("no answer within 50 ms");
		assertThat(hanging).isCancelled();
	}

	@Test
	void consecutiveFailuresOpenTheBreakerWhichThenRefusesWithoutCalling() {
		RemoteStoreGuard guard = guard(Duration.ofMinutes(1));
		for (int i = 0; i < 3; i++) {
			assertThatExceptionOfType(RemoteStoreUnavailableException.class).isThrownBy(() -> guard.call(this::refused));
		}
		assertThat(guard.state()).isEqualTo(RemoteStoreGuard.State.OPEN);
		for (int i = 0; i < 20; i++) {
			assertThatExceptionOfType(RemoteStoreUnavailableException.class)
				.isThrownBy(() -> guard.call(() -> answer("never asked")))
				.withMessageContaining("circuit breaker open");
		}
		assertThat(this.invocations.get()).isEqualTo(3);
		assertThat(guard.calls()).isEqualTo(3);
		assertThat(guard.rejected()).isEqualTo(20);
		assertThat(guard.retryAfterSeconds()).isBetween(1L, 60L);
	}

	@Test
	void aSuccessResetsTheCountOfConsecutiveFailures() {
		RemoteStoreGuard guard = guard(Duration.ofMinutes(1));
		for (int i = 0; i < 10; i++) {
			assertThatExceptionOfType(RemoteStoreUnavailableException.class).isThrownBy(() -> guard.call(this::refused));
			assertThatExceptionOfType(RemoteStoreUnavailableException.class).isThrownBy(() -> guard.call(this::refused));
			guard.call(() -> answer("ok"));
		}
		assertThat(guard.state()).isEqualTo(RemoteStoreGuard.State.CLOSED);
	}

	@Test
	void afterTheCoolDownOneProbeClosesTheBreakerOrOpensItAgain() throws InterruptedException {
		RemoteStoreGuard guard = guard(Duration.ofMillis(1));
		for (int i = 0; i < 3; i++) {
			assertThatExceptionOfType(RemoteStoreUnavailableException.class).isThrownBy(() -> guard.call(this::refused));
		}
		Thread.sleep(20);
		assertThatExceptionOfType(RemoteStoreUnavailableException.class).isThrownBy(() -> guard.call(this::refused));
		assertThat(guard.state()).isEqualTo(RemoteStoreGuard.State.OPEN);
		Thread.sleep(20);
		assertThat(guard.call(() -> answer("back"))).isEqualTo("back");
		assertThat(guard.state()).isEqualTo(RemoteStoreGuard.State.CLOSED);
	}

	@Test
	void whileTheProbeIsInFlightOtherCallsAreRefused() throws InterruptedException {
		RemoteStoreGuard guard = guard(Duration.ofMillis(1));
		for (int i = 0; i < 3; i++) {
			assertThatExceptionOfType(RemoteStoreUnavailableException.class).isThrownBy(() -> guard.call(this::refused));
		}
		Thread.sleep(20);
		String result = guard.call(() -> {
			assertThat(guard.state()).isEqualTo(RemoteStoreGuard.State.HALF_OPEN);
			assertThatExceptionOfType(RemoteStoreUnavailableException.class)
				.isThrownBy(() -> guard.call(() -> answer("concurrent")));
			return answer("probe");
		});
		assertThat(result).isEqualTo("probe");
		assertThat(this.invocations.get()).isEqualTo(4);
	}

	@Test
	void theListenerHearsOfEveryCallThatWentToTheStore() {
		RemoteStoreGuard guard = guard(Duration.ofMinutes(1));
		AtomicInteger successes = new AtomicInteger();
		AtomicInteger failures = new AtomicInteger();
		guard.listen((nanos, success) -> (success ? successes : failures).incrementAndGet());
		guard.call(() -> answer("ok"));
		for (int i = 0; i < 5; i++) {
			assertThatExceptionOfType(RemoteStoreUnavailableException.class).isThrownBy(() -> guard.call(this::refused));
		}
		assertThat(successes).hasValue(1);
		assertThat(failures).hasValue(3);
	}

	private RemoteStoreGuard guard(Duration coolDown) {
		return new RemoteStoreGuard("test store", Duration.ofMillis(50), 3, coolDown,
				LogFactory.getLog(RemoteStoreGuardTests.class));
	}

	private CompletableFuture<String> answer(String value) {
		this.invocations.incrementAndGet();
		return CompletableFuture.completedFuture(value);
	}

	private CompletableFuture<String> refused() {
		this.invocations.incrementAndGet();
		return CompletableFuture.failedFuture(new IllegalStateException("connection refused"));
	}

}
