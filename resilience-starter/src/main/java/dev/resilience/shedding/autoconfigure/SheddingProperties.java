package dev.resilience.shedding.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.resilience.shedding.PathRule;

import dev.resilience.support.PropertyChecks;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration of load shedding.
 */
@ConfigurationProperties("resilience.shedding")
public class SheddingProperties implements Validator {

	private static final Duration MAX_RETRY_AFTER_JITTER = Duration.ofHours(1);

	/**
	 * Whether @Sheddable endpoints are rejected under worker-pool pressure.
	 */
	private boolean enabled = true;

	/**
	 * Pressure (requests on worker threads / worker capacity) at or above which @Sheddable endpoints are rejected,
	 * greater than 0 and at most 1. @Sheddable(threshold = ...) overrides it per endpoint.
	 */
	private double threshold = 0.85;

	/**
	 * Status of a rejected request: 429 (Too Many Requests) or 503 (Service Unavailable), which load balancers and
	 * meshes read as "try another instance".
	 */
	private int rejectionStatus = 429;

	/**
	 * Shortest wait rejected clients are asked for, sent as Retry-After in whole seconds (rounded up).
	 */
	private Duration retryAfter = Duration.ofSeconds(1);

	/**
	 * Width of the window above retry-after over which each rejection's Retry-After is drawn at random, in whole
	 * seconds (rounded up), so that rejected clients do not all come back in the same second. At most 1h; 0 sends
	 * retry-after on every rejection.
	 */
	private Duration retryAfterJitter = Duration.ofSeconds(2);

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

	/**
	 * Named tiers, each with a 'threshold' (required) that @Sheddable(tier = "name") endpoints and the handlers
	 * matched by its 'paths' rules are shed at.
	 */
	private Map<String, Tier> tiers = new LinkedHashMap<>();

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

	public int getRejectionStatus() {
		return this.rejectionStatus;
	}

	public void setRejectionStatus(int rejectionStatus) {
		this.rejectionStatus = rejectionStatus;
	}

	public Duration getRetryAfterJitter() {
		return this.retryAfterJitter;
	}

	public void setRetryAfterJitter(Duration retryAfterJitter) {
		this.retryAfterJitter = retryAfterJitter;
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

	public Map<String, Tier> getTiers() {
		return this.tiers;
	}

	public void setTiers(Map<String, Tier> tiers) {
		this.tiers = tiers;
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
		PropertyChecks.notNegative(errors, "retryAfterJitter", properties.getRetryAfterJitter());
		if (properties.getRetryAfterJitter() != null
				&& properties.getRetryAfterJitter().compareTo(MAX_RETRY_AFTER_JITTER) > 0) {
			errors.rejectValue("retryAfterJitter", "range", "must be at most 1h");
		}
		int status = properties.getRejectionStatus();
		if (status != 429 && status != 503) {
			errors.rejectValue("rejectionStatus", "range", "must be 429 or 503");
		}
		PropertyChecks.atLeast(errors, "maxConcurrentRequests", properties.getMaxConcurrentRequests(), 1);
		properties.getTiers().forEach((name, tier) -> {
			String field = "tiers[" + name + "]";
			String property = "resilience.shedding.tiers." + name;
			if (tier.getThreshold() == null) {
				errors.rejectValue(field + ".threshold", "required", property
						+ ".threshold must be set: every tier needs a threshold greater than 0 and at most 1, for example 0.6");
			}
			else if (!(tier.getThreshold() > 0 && tier.getThreshold() <= 1)) {
				errors.rejectValue(field + ".threshold", "range",
						property + ".threshold must be greater than 0 and at most 1, for example 0.6");
			}
			for (int i = 0; i < tier.getPaths().size(); i++) {
				try {
					PathRule.parse(tier.getPaths().get(i));
				}
				catch (IllegalArgumentException ex) {
					errors.rejectValue(field + ".paths[" + i + "]", "pattern",
							property + ".paths[" + i + "]: " + ex.getMessage());
				}
			}
		});
	}

	/**
	 * A shedding tier.
	 */
	public static class Tier {

		/**
		 * Pressure at or above which the tier's endpoints are rejected, greater than 0 and at most 1. Required. An
		 * endpoint's own @Sheddable(threshold) wins over it.
		 */
		private Double threshold;

		/**
		 * Rules that make handlers part of this tier without annotating them, each "[METHOD ...] pattern"
		 * in Spring's PathPattern syntax, matched against the path within the application, for example
		 * "GET /reports/**". Without methods a rule matches every method. Functional endpoints included.
		 */
		private List<String> paths = new ArrayList<>();

		public Double getThreshold() {
			return this.threshold;
		}

		public void setThreshold(Double threshold) {
			this.threshold = threshold;
		}

		public List<String> getPaths() {
			return this.paths;
		}

		public void setPaths(List<String> paths) {
			this.paths = paths;
		}

	}

}
