package dev.resilience.etag.autoconfigure;

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
	 * Secret from which entity tags are derived. Instances that share it send the same ETag for the same version of a
	 * resource served by a ResourceVersionResolver; when empty, a random secret is drawn at every start.
	 */
	private String secret = "";

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
	}

}
