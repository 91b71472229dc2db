package dev.resilience.shedding;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

import dev.resilience.support.RateLimitedLog;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;


/**
 * Decides whether a request is shed and, if so, answers it with the {@link ShedResponse}: {@code 429} (or
 * {@code 503}), {@code Retry-After} and an RFC 9457 problem body.
 *
 * <p>Below the lowest {@code @Sheddable} threshold, which is almost always, the decision is one comparison. Only
 * under pressure is the request's handler looked up, so that a shed request costs neither the rest of the filter
 * chain nor a dispatch.
 */
public class LoadShedder {

	private static final Log logger = LogFactory.getLog(LoadShedder.class);

	private final PressureGauge gauge;

	private final SheddableHandlers handlers;

	private final RejectionListener listener;

	private volatile boolean dryRun;

	private final ShedResponse shedResponse;

	private final ShedRequestObserver observer;

	private final ShedRequestObserver.Rejection rejection;

	private final LongAdder rejected = new LongAdder();

	private final LongAdder wouldHaveRejected = new LongAdder();

	private final RateLimitedLog dryRunLog = new RateLimitedLog(logger, Duration.ofSeconds(10));

	/**
	 * Create the shedder.
	 * @param gauge the pressure gauge
	 * @param handlers which handlers are sheddable, at which threshold
	 * @param listener told of every (would-be) rejection
	 * @param shedResponse the answer to a rejected request
	 * @param observer wraps the writing of each shed request's rejection, for example
	 * {@link ServerRequestShedObserver}; {@link ShedRequestObserver#NONE} for none
	 * @param dryRun whether to let every request through, only counting and logging
	 */
	public LoadShedder(PressureGauge gauge, SheddableHandlers handlers, RejectionListener listener,
			ShedResponse shedResponse, ShedRequestObserver observer, boolean dryRun) {
		this.gauge = gauge;
		this.handlers = handlers;
		this.listener = listener;
		this.dryRun = dryRun;
		this.shedResponse = shedResponse;
		this.observer = observer;
		this.rejection = shedResponse::write; // once: no allocation per rejection
	}

	/**
	 * Shed the request if it is for a {@link Sheddable} handler and pressure is at or above that handler's threshold.
	 * The caller's own request must already be counted in the gauge.
	 * @param request a request on its initial dispatch
	 * @param response its response
	 * @return {@code true} if the request was rejected and must not go further
	 * @throws IOException if the rejection cannot be written
	 */
	public boolean shed(HttpServletRequest request, HttpServletResponse response) throws IOException {
		if (!this.gauge.isAtOrAbove(this.handlers.lowestThreshold())) {
			return false;
		}
		SheddableHandlers.Match match = this.handlers.sheddableHandlerFor(request);
		if (match == null) {
			return false;
		}
		double threshold = match.threshold();
		if (Double.isNaN(threshold) || !this.gauge.isAtOrAbove(threshold)) {
			return false;
		}
		String uriTemplate = match.uriTemplate();
		boolean dryRun = this.dryRun;
		this.listener.onRejected(uriTemplate, dryRun);
		if (dryRun) {
			this.wouldHaveRejected.increment();
			logDryRun(request, uriTemplate, threshold);
			return false;
		}
		this.rejected.increment();
		this.observer.observe(request, response, uriTemplate, this.rejection);
		return true;
	}

	/**
	 * Answer a request that the application itself refused for lack of capacity, for example through Spring
	 * Framework's {@code @ConcurrencyLimit(policy = REJECT)}, exactly as a shed request is answered, and count it as
	 * a rejection. Dry-run mode does not apply: the request has already been refused. The {@link ShedRequestObserver}
	 * is not involved: such a request went through the filter chain, so it is already observed.
	 * @param request the request
	 * @param response its response; nothing is written if it is already committed
	 * @param uriTemplate the URI template of its handler, for metrics
	 * @throws IOException if the rejection cannot be written
	 */
	public void reject(HttpServletRequest request, HttpServletResponse response, String uriTemplate)
			throws IOException {
		this.listener.onRejected(uriTemplate, false);
		this.rejected.increment();
		writeRejection(request, response);
	}

	private void writeRejection(HttpServletRequest request, HttpServletResponse response) throws IOException {
		this.shedResponse.write(request, response);
	}

	/**
	 * Whether dry-run mode is on: nothing is rejected, what would have been is counted and logged.
	 * @return whether dry-run mode is on
	 */
	public boolean isDryRun() {
		return this.dryRun;
	}

	/**
	 * Switch dry-run mode, at runtime; the next request sees the change.
	 * @param dryRun whether to reject nothing and only count and log
	 */
	public void setDryRun(boolean dryRun) {
		this.dryRun = dryRun;
	}

	/**
	 * Requests rejected since startup.
	 * @return the count
	 */
	public long rejected() {
		return this.rejected.sum();
	}

	/**
	 * Requests that dry-run mode let through but would have rejected, since startup.
	 * @return the count
	 */
	public long wouldHaveRejected() {
		return this.wouldHaveRejected.sum();
	}

	private void logDryRun(HttpServletRequest request, String uriTemplate, double threshold) {
		this.dryRunLog.warn(() -> String.format(
				"Load shedding dry run: would have rejected %s %s (pressure %.2f >= threshold %.2f)",
				request.getMethod(), uriTemplate, this.gauge.pressure(), threshold));
	}

}
