package dev.resilience.selfhealing;

import java.time.Duration;

/**
 * {@link FatalExit} that calls {@link System#exit(int)}, which runs the shutdown hooks (Spring's context close and
 * graceful web server shutdown), and {@linkplain Runtime#halt(int) halts} the JVM if that has not finished within the
 * shutdown timeout: a broken process must not hang on its way out. If even the watchdog cannot be started (the heap
 * or the threads are exhausted), it halts at once.
 */
public class HaltingFatalExit implements FatalExit {

	private final Duration shutdownTimeout;

	public HaltingFatalExit(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	@Override
	public void exit(int status) {
		try {
			Thread watchdog = new Thread(() -> {
				try {
					Thread.sleep(this.shutdownTimeout.toMillis());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				Runtime.getRuntime().halt(status);
			}, "resilience-self-healing-halt");
			watchdog.setDaemon(true);
			watchdog.start();
		}
		catch (Throwable ex) {
			// no memory or no thread for the watchdog: nothing would bound the shutdown, so do not start one
			Runtime.getRuntime().halt(status);
		}
		System.exit(status);
	}

}
