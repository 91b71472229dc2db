package dev.resilience.shedding.autoconfigure;

import java.time.Duration;

import dev.resilience.support.PropertyChecks;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration of load shedding.
 */
@ConfigurationProperties("resilience.shedding")
public class SheddingProperties implements Validator {

	/**
	 * Whether @Sheddable endpoints are rejected with 429 under worker-pool pressure.
	 */
	private boolean enabled = true;

	/**
	 * Pressure (requests on worker threads / worker capacity) at or above which @Sheddable endpoints answer 429,
	 * greater than 0 and at most 1. @Sheddable(threshold = ...) overrides it per endpoint.
	 */
	private double threshold = 0.85;

	/**
	 * How long rejected clients are asked to wait, sent as Retry-After in whole seconds (rounded up).
	 */
	private Duration retryAfter = Duration.ofSeconds(1);

	/**
	 * Capacity that pressure is measured against when the server has no bounded worker pool, as with virtual
	 * threads: pressure is then requests in flight divided by this value.
	 */
	private int maxConcurrentRequests = 200;

	/**
	 * Whether to reject nothing and only count and log what would have been rejected, to tune the threshold in
	 * production first.
	 */
	private boolean dryRun = false;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public double getThreshold() {
		return this.threshold;
	}

	public void setThreshold(double threshold) {
		this.threshold = threshold;
	}

	public Duration getRetryAfter() {
		return this.retryAfter;
	}

	public void setRetryAfter(Duration retryAfter) {
		this.retryAfter = retryAfter;
	}

	public int getMaxConcurrentRequests() {
		return this.maxConcurrentRequests;
	}

	public void setMaxConcurrentRequests(int maxConcurrentRequests) {
		this.maxConcurrentRequests = maxConcurrentRequests;
	}

	public boolean isDryRun() {
		return this.dryRun;
	}

	public void setDryRun(boolean dryRun) {
		this.dryRun = dryRun;
	}

	@Override
	public boolean supports(Class<?> type) {
		return SheddingProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		SheddingProperties properties = (SheddingProperties) target;
		PropertyChecks.fraction(errors, "threshold", properties.getThreshold());
		PropertyChecks.positive(errors, "retryAfter", properties.getRetryAfter());
		PropertyChecks.atLeast(errors, "maxConcurrentRequests", properties.getMaxConcurrentRequests(), 1);
	}

}
