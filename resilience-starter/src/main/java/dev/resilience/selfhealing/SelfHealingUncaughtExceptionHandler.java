package dev.resilience.selfhealing;

import org.springframework.context.SmartLifecycle;

/**
 * Default uncaught-exception handler that reports an {@link OutOfMemoryError} that ends any thread as fatal, then
 * hands every exception on to the handler that was the default before it (or, if there was none, prints it the way
 * the JVM does). Installed when the application context starts and removed when it stops, so that restarts and tests
 * that start several contexts do not stack handlers.
 */
public class SelfHealingUncaughtExceptionHandler implements Thread.UncaughtExceptionHandler, SmartLifecycle {

	private final SelfHealing selfHealing;

	private volatile Thread.UncaughtExceptionHandler previous;

	private volatile boolean active;

	public SelfHealingUncaughtExceptionHandler(SelfHealing selfHealing) {
		this.selfHealing = selfHealing;
	}

	@Override
	public void uncaughtException(Thread thread, Throwable ex) {
		if (this.active) {
			report(thread, ex);
		}
		delegate(thread, ex);
	}

	private void report(Thread thread, Throwable ex) {
		OutOfMemoryError oom = OutOfMemoryErrors.find(ex);
		if (oom != null) {
			this.selfHealing.reportOutOfMemory(oom, thread, SelfHealingUncaughtExceptionHandler::describe);
		}
	}

	private static String describe(Thread thread) {
		return "thread \"" + thread.getName() + "\"";
	}

	private void delegate(Thread thread, Throwable ex) {
		Thread.UncaughtExceptionHandler next = this.previous;
		if (next instanceof SelfHealingUncaughtExceptionHandler other) {
			// another application context in this JVM: its report is not ours to make, its predecessor still runs
			other.delegate(thread, ex);
		}
		else if (next != null) {
			next.uncaughtException(thread, ex);
		}
		else {
			System.err.print("Exception in thread \"" + thread.getName() + "\" ");
			ex.printStackTrace(System.err);
		}
	}

	@Override
	public void start() {
		this.previous = Thread.getDefaultUncaughtExceptionHandler();
		Thread.setDefaultUncaughtExceptionHandler(this);
		this.active = true;
	}

	@Override
	public void stop() {
		this.active = false;
		if (Thread.getDefaultUncaughtExceptionHandler() == this) {
			Thread.setDefaultUncaughtExceptionHandler(this.previous);
		}
	}

	@Override
	public boolean isRunning() {
		return this.active;
	}

	/**
	 * The handler that was the default before this one was installed.
	 * @return the previous handler, or {@code null}
	 */
	public Thread.UncaughtExceptionHandler getPrevious() {
		return this.previous;
	}

}
