package dev.resilience.etag.autoconfigure;

import java.time.Duration;

import dev.resilience.support.PropertyChecks;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration properties for conditional requests ({@code @ETagged}, {@code @ChangesResource}).
 */
@ConfigurationProperties("resilience.etag")
public class ETagProperties implements Validator {

	/**
	 * Whether to answer conditional requests for @ETagged and @ChangesResource handlers.
	 */
	private boolean enabled = true;

	/**
	 * Where resource versions of resources without a ResourceVersionResolver are kept: "memory" (this instance only)
	 * or "redis" (shared by every instance that uses the same Redis, key prefix and secret; needs Spring Data Redis
	 * with Lettuce and a RedisConnectionFactory bean).
	 */
	private Store store = Store.MEMORY;

	/**
	 * Redis store, used when store is "redis".
	 */
	private final Redis redis = new Redis();

	/**
	 * Maximum number of resource instances whose state (version, existence) the in-memory store keeps, including
	 * instances only ever answered 404; least recently used ones are evicted and get a fresh version of unknown
	 * existence (one full response per client).
	 */
	private long maxEntries = 100_000;

	/**
	 * Cache-Control of @ETagged responses (200 and 304) whose annotation sets none. "no-cache" lets clients store the
	 * response but revalidate it on every use.
	 */
	private String cacheControl = "no-cache";

	/**
	 * Secret from which entity tags are derived. Instances that share it send the same ETag for the same version (of
	 * a resource served by a ResourceVersionResolver, or kept in the Redis store); when empty, a random secret is
	 * drawn at every start.
	 */
	private String secret = "";

	public Store getStore() {
		return this.store;
	}

	public void setStore(Store store) {
		this.store = store;
	}

	public Redis getRedis() {
		return this.redis;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public long getMaxEntries() {
		return this.maxEntries;
	}

	public void setMaxEntries(long maxEntries) {
		this.maxEntries = maxEntries;
	}

	public String getCacheControl() {
		return this.cacheControl;
	}

	public void setCacheControl(String cacheControl) {
		this.cacheControl = cacheControl;
	}

	public String getSecret() {
		return this.secret;
	}

	public void setSecret(String secret) {
		this.secret = secret;
	}

	@Override
	public boolean supports(Class<?> type) {
		return ETagProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		ETagProperties properties = (ETagProperties) target;
		PropertyChecks.atLeast(errors, "maxEntries", properties.getMaxEntries(), 1);
		PropertyChecks.notBlank(errors, "cacheControl", properties.getCacheControl());
		String cacheControl = properties.getCacheControl();
		if (cacheControl != null && cacheControl.chars().anyMatch((c) -> (c < 0x20 && c != '\t') || c >= 0x7F)) {
			errors.rejectValue("cacheControl", "header", "must be a printable ASCII header value, for example no-cache");
		}
		if (properties.getStore() == null) {
			errors.rejectValue("store", "required", "must be memory or redis");
		}
		Redis redis = properties.getRedis();
		// nested fields: the messages name the property, since Boot reports no origin for them
		if (redis.getKeyPrefix() == null || redis.getKeyPrefix().isBlank()) {
			errors.rejectValue("redis.keyPrefix", "blank", "resilience.etag.redis.key-prefix must not be empty");
		}
		positive(errors, "redis.timeToLive", "time-to-live", redis.getTimeToLive());
		positive(errors, "redis.timeout", "timeout", redis.getTimeout());
		positive(errors, "redis.coolDown", "cool-down", redis.getCoolDown());
		positive(errors, "redis.reservationLease", "reservation-lease", redis.getReservationLease());
		if (redis.getFailureThreshold() < 1) {
			errors.rejectValue("redis.failureThreshold", "range",
					"resilience.etag.redis.failure-threshold must be at least 1");
		}
		if (redis.getMaxPendingChanges() < 1) {
			errors.rejectValue("redis.maxPendingChanges", "range",
					"resilience.etag.redis.max-pending-changes must be at least 1");
		}
		if (redis.getTimeToLive() != null && redis.getReservationLease() != null
				&& redis.getTimeToLive().compareTo(redis.getReservationLease()) < 0) {
			errors.rejectValue("redis.timeToLive", "range",
					"resilience.etag.redis.time-to-live must be at least resilience.etag.redis.reservation-lease");
		}
	}

	private static void positive(Errors errors, String field, String property, Duration value) {
		if (value == null || value.isZero() || value.isNegative()) {
			errors.rejectValue(field, "positive",
					"resilience.etag.redis." + property + " must be a positive duration, for example 500ms");
		}
	}

	/**
	 * Where resource versions are kept.
	 */
	public enum Store {

		/** In this instance's memory: correct on a single instance only. */
		MEMORY,

		/** In the application's Redis, shared by every instance. */
		REDIS

	}

	/**
	 * Redis store of resource versions.
	 */
	public static class Redis {

		/**
		 * Prefix of every key the store writes (one key per resource instance).
		 */
		private String keyPrefix = "resilience:etag:";

		/**
		 * How long the state of a resource instance is kept after it was first recorded or last written (reads do not
		 * extend it). An expired instance gets a fresh version: one full response per client, never a false 304.
		 */
		private Duration timeToLive = Duration.ofHours(24);

		/**
		 * How long one store call may take before it counts as failed; shorter than the application's Redis command
		 * timeout, so that a hanging Redis costs a request at most this much.
		 */
		private Duration timeout = Duration.ofMillis(250);

		/**
		 * Consecutive failed store calls after which the circuit breaker opens: calls then fail at once, without
		 * waiting for Redis.
		 */
		private int failureThreshold = 3;

		/**
		 * How long the circuit breaker stays open before one call probes Redis again; also the Retry-After of the 503
		 * that answers a conditional write meanwhile.
		 */
		private Duration coolDown = Duration.ofSeconds(5);

		/**
		 * How long a conditional write may hold a resource instance before other writes may change it again (a write
		 * whose instance died before it committed or released).
		 */
		private Duration reservationLease = Duration.ofSeconds(30);

		/**
		 * How many resource instances changed while Redis was unreachable are remembered to be given fresh versions
		 * when it answers again. Beyond that, every key under the prefix is dropped then (one full response per
		 * client and instance).
		 */
		private int maxPendingChanges = 10_000;

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

		public Duration getTimeToLive() {
			return this.timeToLive;
		}

		public void setTimeToLive(Duration timeToLive) {
			this.timeToLive = timeToLive;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public int getFailureThreshold() {
			return this.failureThreshold;
		}

		public void setFailureThreshold(int failureThreshold) {
			this.failureThreshold = failureThreshold;
		}

		public Duration getCoolDown() {
			return this.coolDown;
		}

		public void setCoolDown(Duration coolDown) {
			this.coolDown = coolDown;
		}

		public Duration getReservationLease() {
			return this.reservationLease;
		}

		public void setReservationLease(Duration reservationLease) {
			this.reservationLease = reservationLease;
		}

		public int getMaxPendingChanges() {
			return this.maxPendingChanges;
		}

		public void setMaxPendingChanges(int maxPendingChanges) {
			this.maxPendingChanges = maxPendingChanges;
		}

	}

}
