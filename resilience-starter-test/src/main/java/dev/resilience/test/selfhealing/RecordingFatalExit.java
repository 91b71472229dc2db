package dev.resilience.test.selfhealing;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.resilience.selfhealing.FatalExit;

/**
 * {@link FatalExit} that records the exit instead of ending the JVM, so that a test can check that
 * {@code resilience.self-healing.on-fatal=exit} would have exited, and with which status, while the test JVM lives on.
 */
public class RecordingFatalExit implements FatalExit {

	private final BlockingQueue<Integer> exits = new LinkedBlockingQueue<>();

	@Override
	public void exit(int status) {
		this.exits.add(status);
	}

	/**
	 * Wait for the next recorded exit.
	 * @param timeout how long to wait at most
	 * @return the exit status
	 * @throws AssertionError if no exit is recorded in time
	 */
	public int awaitExit(Duration timeout) {
		try {
			Integer status = this.exits.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (status == null) {
				throw new AssertionError("The application did not exit within " + timeout);
			}
			return status;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while waiting for the application to exit", ex);
		}
	}

	/**
	 * Whether an exit was recorded and not yet taken by {@link #awaitExit(Duration)}.
	 * @return {@code true} if an exit is pending
	 */
	public boolean hasExited() {
		return !this.exits.isEmpty();
	}

	/**
	 * Forget the recorded exits.
	 */
	public void reset() {
		this.exits.clear();
	}

}
