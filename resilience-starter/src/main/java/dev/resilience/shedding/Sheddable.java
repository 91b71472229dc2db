package dev.resilience.shedding;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a handler method, or every handler method of a controller, as one that may be rejected with
 * {@code 429 Too Many Requests} (or {@code 503}) and {@code Retry-After} while the server's worker pool is under
 * pressure.
 *
 * <p>Put it on endpoints that are expensive, not user-interactive and retried by their clients (reports, exports,
 * batch feeds), so that the remaining worker threads keep health checks and user-facing calls alive. Endpoints
 * without it are never shed, unless a path rule of a tier ({@code resilience.shedding.tiers.<name>.paths}) matches
 * them. A method-level annotation overrides the class-level one.
 *
 * <p>The endpoint's threshold is, in this order: its own {@link #threshold()} or {@link #thresholdString()}, the
 * threshold of its {@link #tier()}, or {@code resilience.shedding.threshold}. {@code ${...}} placeholders in
 * {@link #thresholdString()} and {@link #tier()} are resolved against the environment at startup.
 *
 * @see dev.resilience.shedding.PressureGauge
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Sheddable {

	/**
	 * Value of {@link #threshold()} that means "use {@code resilience.shedding.threshold}".
	 */
	double GLOBAL_THRESHOLD = -1;

	/**
	 * Pressure (in-flight requests / worker capacity) at or above which this endpoint is shed, in {@code (0, 1]}.
	 * A lower value sheds the endpoint earlier: give the least important endpoints the lowest thresholds to express
	 * priority tiers. Wins over the {@link #tier()}'s threshold. Defaults to the tier's threshold, else the global
	 * {@code resilience.shedding.threshold}.
	 * @return the threshold, or {@link #GLOBAL_THRESHOLD}
	 */
	double threshold() default GLOBAL_THRESHOLD;

	/**
	 * Like {@link #threshold()}, as a string that may hold {@code ${...}} placeholders, for example
	 * {@code "${reports.shed-at:0.6}"}. Must not be set together with {@link #threshold()}.
	 * @return the threshold, or an empty string for none
	 */
	String thresholdString() default "";

	/**
	 * Name of the tier, configured as {@code resilience.shedding.tiers.<name>.threshold}, whose threshold this endpoint
	 * is shed at unless it sets its own. May hold {@code ${...}} placeholders. A name that is not configured fails
	 * startup.
	 * @return the tier's name, or an empty string for none
	 */
	String tier() default "";

}
