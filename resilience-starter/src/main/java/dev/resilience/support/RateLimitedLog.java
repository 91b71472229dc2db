package dev.resilience.support;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;

/**
 * A WARN line that is written at most once per interval, for events that can happen on every request during an
 * incident (a failing cache store, a dry-run rejection). Each line says how many were left out since the last one.
 * Lock-free; the message is only built when it is written.
 */
public final class RateLimitedLog {

	private final Log logger;

	private final long intervalNanos;

	private final AtomicLong nextWrite = new AtomicLong(System.nanoTime());

	private final LongAdder suppressed = new LongAdder();

	/**
	 * Create a rate-limited log.
	 * @param logger where lines go
	 * @param interval shortest time between two lines
	 */
	public RateLimitedLog(Log logger, Duration interval) {
		this.logger = logger;
		this.intervalNanos = interval.toNanos();
	}

	/**
	 * Write a WARN line, unless one was written within the interval, in which case only count it.
	 * @param message the line, built only if it is written
	 */
	public void warn(Supplier<String> message) {
		long now = System.nanoTime();
		long next = this.nextWrite.get();
		if (now - next < 0 || !this.nextWrite.compareAndSet(next, now + this.intervalNanos)) {
			this.suppressed.increment();
			return;
		}
		if (this.logger.isWarnEnabled()) {
			long left = this.suppressed.sumThenReset();
			this.logger.warn(message.get() + ((left > 0) ? " (" + left + " more since the last report)" : ""));
		}
	}

}
