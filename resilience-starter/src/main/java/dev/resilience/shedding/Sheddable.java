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
 * without it are never shed. A method-level annotation overrides the class-level one.
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
	 * priority tiers. Defaults to the global {@code resilience.shedding.threshold}.
	 * @return the threshold, or {@link #GLOBAL_THRESHOLD}
	 */
	double threshold() default GLOBAL_THRESHOLD;

}
