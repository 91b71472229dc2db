package dev.resilience.selfhealing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class DeadlockMonitorTests {

	@TempDir
	Path dumps;

	@Test
	void noDeadlockNoReport() {
		SelfHealing selfHealing = selfHealing();
		DeadlockMonitor monitor = new DeadlockMonitor(selfHealing, Duration.ofSeconds(10));
		assertThat(monitor.check()).isEmpty();
		assertThat(monitor.getChecks()).isEqualTo(1);
		assertThat(selfHealing.isFatal()).isFalse();
	}

	@Test
	void checkNamesDeadlockedThreadsAndReportsFatal() throws Exception {
		SelfHealing selfHealing = selfHealing();
		DeadlockMonitor monitor = new DeadlockMonitor(selfHealing, Duration.ofSeconds(10));
		try (TestDeadlock deadlock = new TestDeadlock("monitor-deadlock")) {
			assertThat(monitor.check()).containsExactlyInAnyOrderElementsOf(deadlock.names());
			assertThat(monitor.getDeadlockedThreads()).containsExactlyInAnyOrderElementsOf(deadlock.names());
			assertThat(selfHealing.getFatality().cause()).isEqualTo(FatalCause.DEADLOCK);
			assertThat(selfHealing.getFatality().detail()).contains("monitor-deadlock-1", "monitor-deadlock-2");
		}
		assertThat(monitor.check()).isEmpty();
		assertThat(monitor.getDeadlockedThreads()).isEmpty();
	}

	@Test
	void deadlockedThreadsStacksAreLoggedOnce(CapturedOutput output) throws Exception {
		DeadlockMonitor monitor = new DeadlockMonitor(selfHealing(), Duration.ofSeconds(10));
		try (TestDeadlock deadlock = new TestDeadlock("logged-deadlock")) {
			monitor.check();
			monitor.check();
			monitor.check();
			assertThat(output.getAll().split("Deadlock among threads ", -1)).hasSize(2);
			assertThat(output.getAll()).contains("\"logged-deadlock-1\"", "\"logged-deadlock-2\"")
				.contains(TestDeadlock.class.getName());
		}
	}

	@Test
	void scheduledCheckFindsDeadlockByTheFirstCheckThatStartsAfterIt() throws Exception {
		AtomicReference<DeadlockMonitor> monitorRef = new AtomicReference<>();
		AtomicLong checksBeforeDetectingCheck = new AtomicLong(-1);
		SelfHealing selfHealing = new SelfHealing((event) -> {
			// published inside the detecting check, before it is counted
			checksBeforeDetectingCheck.compareAndSet(-1, monitorRef.get().getChecks());
		}, new ThreadDumpWriter(this.dumps), OnFatal.REPORT, Duration.ZERO, (status) -> {
		});
		DeadlockMonitor monitor = new DeadlockMonitor(selfHealing, Duration.ofMillis(200));
		monitorRef.set(monitor);
		monitor.start();
		try (TestDeadlock deadlock = new TestDeadlock("scheduled-deadlock")) {
			long checksBefore = monitor.getChecks();
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (!selfHealing.isFatal() && System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			assertThat(selfHealing.isFatal()).isTrue();
			// the check in progress when the deadlock formed may miss it; the next one must not
			assertThat(checksBeforeDetectingCheck.get() + 1).isLessThanOrEqualTo(checksBefore + 2);
		}
		finally {
			monitor.stop();
		}
		assertThat(monitor.isRunning()).isFalse();
	}

	private SelfHealing selfHealing() {
		return TestSelfHealing.reportOnly(this.dumps);
	}

}
