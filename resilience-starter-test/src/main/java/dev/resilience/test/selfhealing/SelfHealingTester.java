package dev.resilience.test.selfhealing;

import java.time.Duration;
import java.util.List;

import dev.resilience.selfhealing.DeadlockMonitor;
import dev.resilience.selfhealing.FatalCause;
import dev.resilience.selfhealing.Fatality;
import dev.resilience.selfhealing.SelfHealing;

/**
 * Triggers and observes self-healing's fatal states in an application's own tests, for example to check that its
 * liveness and readiness probes, health groups and alerts react, without crashing or exiting the test JVM.
 * Registered by {@link AutoConfigureSelfHealingTester}, which also replaces the process exit of
 * {@code on-fatal=exit} with a {@link RecordingFatalExit}.
 *
 * <p>Fatal states are sticky, as in production: call {@link #reset()} after each test (for example in an
 * {@code @AfterEach} method) so that the next test, which may share the cached application context, starts healthy.
 */
public class SelfHealingTester {

	private static final Duration THREAD_TIMEOUT = Duration.ofSeconds(10);

	private final SelfHealing selfHealing;

	private final RecordingFatalExit exit;

	private final DeadlockMonitor deadlocks;

	public SelfHealingTester(SelfHealing selfHealing, RecordingFatalExit exit, DeadlockMonitor deadlocks) {
		this.selfHealing = selfHealing;
		this.exit = exit;
		this.deadlocks = deadlocks;
	}

	/**
	 * Report a fatal condition as if a monitor had detected it: use it for the states that cannot be produced on
	 * purpose in a test JVM ({@link FatalCause#GC_OVERHEAD}, {@link FatalCause#HEAP_AFTER_GC}).
	 * @param cause the condition to simulate
	 * @return the application's fatality (the earlier one if it was already fatal)
	 */
	public Fatality simulate(FatalCause cause) {
		this.selfHealing.reportFatal(cause, "simulated by SelfHealingTester");
		return this.selfHealing.getFatality();
	}

	/**
	 * Throw an {@link OutOfMemoryError} in a new thread and let it end the thread, so that it travels through the
	 * default uncaught-exception handler chain as a real one would. The error is constructed, not provoked: the heap
	 * is not filled, and JVM flags such as {@code -XX:+ExitOnOutOfMemoryError} or
	 * {@code -XX:+HeapDumpOnOutOfMemoryError} do not fire.
	 * @return the error that was thrown
	 */
	public OutOfMemoryError throwOutOfMemoryErrorInThread() {
		OutOfMemoryError error = new OutOfMemoryError("Java heap space (thrown by SelfHealingTester)");
		Thread thread = new Thread(() -> {
			throw error;
		}, "self-healing-tester-oom");
		thread.start();
		join(thread);
		return error;
	}

	/**
	 * Deadlock two threads for real. Close the returned handle to end the deadlock.
	 * @return the deadlock
	 */
	public Deadlock deadlock() {
		return Deadlock.start("self-healing-tester-deadlock");
	}

	/**
	 * Run a deadlock check now instead of waiting for the next interval.
	 * @return names of the deadlocked threads
	 */
	public List<String> checkForDeadlocks() {
		return this.deadlocks.check();
	}

	/**
	 * The application's current fatality.
	 * @return the fatality, or {@code null} while healthy
	 */
	public Fatality getFatality() {
		return this.selfHealing.getFatality();
	}

	/**
	 * Wait for the application to become fatal.
	 * @param timeout how long to wait at most
	 * @return the fatality
	 * @throws AssertionError if the application is not fatal in time
	 */
	public Fatality awaitFatal(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		Fatality fatality;
		while ((fatality = this.selfHealing.getFatality()) == null) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("The application did not become fatal within " + timeout);
			}
			sleep(10);
		}
		return fatality;
	}

	/**
	 * Wait for the exit that {@code on-fatal=exit} makes after the drain period; the JVM does not exit.
	 * @param timeout how long to wait at most
	 * @return the exit status
	 * @throws AssertionError if no exit is made in time
	 */
	public int awaitExit(Duration timeout) {
		return this.exit.awaitExit(timeout);
	}

	/**
	 * Return to a healthy application: clear the fatality, cancel a pending exit, forget recorded exits and publish
	 * liveness {@code CORRECT} and readiness {@code ACCEPTING_TRAFFIC}.
	 */
	public void reset() {
		this.selfHealing.reset();
		this.exit.reset();
	}

	private static void join(Thread thread) {
		try {
			thread.join(THREAD_TIMEOUT.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while waiting for " + thread.getName(), ex);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted", ex);
		}
	}

}
