package dev.resilience.selfhealing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.AvailabilityState;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;

/**
 * The application's fatal state. The first {@link #reportFatal(FatalCause, String) report} publishes
 * {@link LivenessState#BROKEN} and {@link ReadinessState#REFUSING_TRAFFIC}, writes a thread dump and, with
 * {@link OnFatal#EXIT}, ends the process with {@link #EXIT_STATUS} after the drain period. Later reports are ignored:
 * a fatal application stays fatal until it is restarted.
 *
 * <p>Keeps a small memory reserve that it releases on the first report, so that logging, the thread dump and the
 * probes still have room when the heap is exhausted, and a second one just before the thread dump, which is retried a
 * few times when it runs out of memory (another thread may have taken what was freed). The first report is claimed without allocating and the reserve
 * is released before anything else; {@link #reportOutOfMemory(OutOfMemoryError, Object, Function)} builds its
 * description only after that, so reporting an exhausted heap does not allocate its way into a second
 * {@link OutOfMemoryError} first.
 */
public class SelfHealing {

	/**
	 * Exit status of a process that {@link OnFatal#EXIT exits} because it is fatally broken: {@code 70}, the
	 * {@code EX_SOFTWARE} of {@code sysexits.h} (internal software error). Distinct from the {@code 3} of the JVM's
	 * own {@code -XX:+ExitOnOutOfMemoryError}, {@code 1} of a failed startup and {@code 137}/{@code 143} of a kill.
	 */
	public static final int EXIT_STATUS = 70;

	private static final Log logger = LogFactory.getLog(SelfHealing.class);

	private static final int RESERVE_BYTES = 1024 * 1024;

	private static final int DUMP_ATTEMPTS = 5;

	private static final long DUMP_RETRY_MILLIS = 200;

	private static final String DRAIN_OVER = "Drain period over: exiting with status " + EXIT_STATUS;

	private static final String OUT_OF_MEMORY_DETAIL = "OutOfMemoryError (no memory left to describe where)";

	private final ApplicationEventPublisher events;

	private final ThreadDumpWriter threadDumps;

	private final OnFatal onFatal;

	private final Duration drainPeriod;

	private final FatalExit exit;

	private final AtomicBoolean claimed = new AtomicBoolean();

	private final AtomicReference<Fatality> fatality = new AtomicReference<>();

	private volatile byte[] reserve = new byte[RESERVE_BYTES];

	private volatile byte[] dumpReserve = new byte[RESERVE_BYTES];

	private volatile Thread exitThread = newExitThread();

	public SelfHealing(ApplicationEventPublisher events, ThreadDumpWriter threadDumps, OnFatal onFatal,
			Duration drainPeriod, FatalExit exit) {
		this.events = events;
		this.threadDumps = threadDumps;
		this.onFatal = onFatal;
		this.drainPeriod = drainPeriod;
		this.exit = exit;
	}

	/**
	 * Declare the application fatally broken. Only the first report has an effect.
	 * @param cause what went wrong
	 * @param detail description of this occurrence
	 * @return {@code true} if this was the first report
	 */
	public boolean reportFatal(FatalCause cause, String detail) {
		if (!claim()) {
			return false;
		}
		fatal(cause, detail);
		return true;
	}

	/**
	 * Declare the application fatally broken, describing it only once the report is claimed and the reserve
	 * released: for monitors that detect an exhausted heap. Only the first report has an effect.
	 * @param cause what went wrong
	 * @param detail describes this occurrence
	 * @return {@code true} if this was the first report
	 */
	public boolean reportFatal(FatalCause cause, Supplier<String> detail) {
		if (!claim()) {
			return false;
		}
		String description;
		try {
			description = detail.get();
		}
		catch (Throwable ex) {
			description = cause.name();
		}
		fatal(cause, description);
		return true;
	}

	/**
	 * Declare the application fatally broken by an {@link OutOfMemoryError}. Only the first report has an effect.
	 * The description ("OutOfMemoryError in &lt;where&gt;: &lt;message&gt;") is built after the reserve is
	 * released; pass a non-capturing function (a static method reference) so that the call itself allocates nothing.
	 * @param <T> type of the place the error was seen
	 * @param error the error
	 * @param source where it was seen: a request, a thread
	 * @param where describes the source
	 * @return {@code true} if this was the first report
	 */
	public <T> boolean reportOutOfMemory(OutOfMemoryError error, T source, Function<? super T, String> where) {
		if (!claim()) {
			return false;
		}
		String detail;
		try {
			detail = "OutOfMemoryError in " + where.apply(source) + ": " + error.getMessage();
		}
		catch (Throwable ex) {
			detail = OUT_OF_MEMORY_DETAIL;
		}
		fatal(FatalCause.OUT_OF_MEMORY, detail);
		return true;
	}

	private boolean claim() {
		if (!this.claimed.compareAndSet(false, true)) {
			return false;
		}
		this.reserve = null;
		return true;
	}

	private void fatal(FatalCause cause, String detail) {
		Fatality first;
		try {
			first = new Fatality(cause, detail, Instant.now(), null);
		}
		catch (Throwable ex) {
			first = new Fatality(cause, detail, Instant.EPOCH, null);
		}
		this.fatality.set(first);
		try {
			logger.error("Application is fatally broken (" + cause + "): " + detail
					+ "; liveness BROKEN, readiness REFUSING_TRAFFIC"
					+ ((this.onFatal == OnFatal.EXIT) ? ", exiting with status " + EXIT_STATUS + " in "
							+ this.drainPeriod.toMillis() + "ms" : ""));
		}
		catch (Throwable ex) {
			// logging must not stop the probes from flipping
		}
		publish(ReadinessState.REFUSING_TRAFFIC);
		publish(LivenessState.BROKEN);
		Path dump = writeThreadDump();
		if (dump != null) {
			this.fatality.compareAndSet(first, new Fatality(cause, detail, first.time(), dump));
		}
		if (this.onFatal == OnFatal.EXIT) {
			scheduleExit();
		}
	}

	/**
	 * The first fatal condition reported, if any.
	 * @return the fatality, or {@code null} while the application is healthy
	 */
	public Fatality getFatality() {
		return this.fatality.get();
	}

	/**
	 * Whether a fatal condition has been reported.
	 * @return {@code true} once fatal
	 */
	public boolean isFatal() {
		return this.claimed.get();
	}

	boolean hasReserve() {
		return this.reserve != null;
	}

	/**
	 * What happens after a fatal condition is reported.
	 * @return the configured action
	 */
	public OnFatal getOnFatal() {
		return this.onFatal;
	}

	/**
	 * How long a fatal application keeps running, refusing new traffic, before it exits.
	 * @return the drain period
	 */
	public Duration getDrainPeriod() {
		return this.drainPeriod;
	}

	/**
	 * Return to the healthy state: cancel a pending exit, publish {@link LivenessState#CORRECT} and
	 * {@link ReadinessState#ACCEPTING_TRAFFIC}. For tests that trigger fatal conditions on purpose; a real fatal
	 * condition is only cured by a restart.
	 */
	public void reset() {
		Thread pending = this.exitThread;
		if (pending.isAlive()) {
			pending.interrupt();
		}
		if (pending.getState() != Thread.State.NEW) {
			this.exitThread = newExitThread();
		}
		this.fatality.set(null);
		this.reserve = new byte[RESERVE_BYTES];
		this.dumpReserve = new byte[RESERVE_BYTES];
		this.claimed.set(false);
		publish(LivenessState.CORRECT);
		publish(ReadinessState.ACCEPTING_TRAFFIC);
	}

	private void publish(AvailabilityState state) {
		try {
			AvailabilityChangeEvent.publish(this.events, this, state);
		}
		catch (Throwable ex) {
			try {
				logger.error("Could not publish " + state, ex);
			}
			catch (Throwable ignored) {
				// nothing left to tell
			}
		}
	}

	private Path writeThreadDump() {
		this.dumpReserve = null;
		for (int attempt = 1; attempt < DUMP_ATTEMPTS; attempt++) {
			try {
				return writeThreadDumpOnce();
			}
			catch (OutOfMemoryError ex) {
				// another thread took what was freed: memory comes and goes, try again shortly
				try {
					Thread.sleep(DUMP_RETRY_MILLIS);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					break;
				}
			}
			catch (Throwable ex) {
				break;
			}
		}
		return writeThreadDumpOnceOrLog();
	}

	private Path writeThreadDumpOnce() throws IOException {
		Path file = this.threadDumps.write();
		try {
			logger.error("Thread dump written to " + file);
		}
		catch (Throwable ex) {
			// written: a failed log line must not write it again
		}
		return file;
	}

	private Path writeThreadDumpOnceOrLog() {
		try {
			return writeThreadDumpOnce();
		}
		catch (Throwable ex) {
			try {
				logger.error("Could not write a thread dump to " + this.threadDumps.getDirectory(), ex);
			}
			catch (Throwable ignored) {
				// nothing left to tell
			}
			return null;
		}
	}

	// built up front: a heap exhausted by the time of the report must not stop the exit
	private Thread newExitThread() {
		Thread thread = new Thread(this::drainThenExit, "resilience-self-healing-exit");
		thread.setDaemon(false);
		return thread;
	}

	private void drainThenExit() {
		try {
			Thread.sleep(this.drainPeriod.toMillis());
		}
		catch (InterruptedException ex) {
			return;
		}
		try {
			logger.error(DRAIN_OVER);
		}
		catch (Throwable ex) {
			// the exit matters more than its log line
		}
		this.exit.exit(EXIT_STATUS);
	}

	private void scheduleExit() {
		Thread thread = this.exitThread;
		try {
			thread.start();
		}
		catch (Throwable ex) {
			// no thread to drain on: exit without the drain rather than never
			this.exit.exit(EXIT_STATUS);
		}
	}

}
