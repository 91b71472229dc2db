package dev.resilience.timeouts.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

import dev.resilience.support.PropertyChecks;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration properties of the timeout defaults.
 */
@ConfigurationProperties("resilience.timeouts")
public class TimeoutsProperties implements Validator {

	/**
	 * Shortest connect timeout accepted: Hikari refuses anything below 250 ms.
	 */
	static final Duration MIN_CONNECT = Duration.ofMillis(250);

	/**
	 * Whether to add the starter's timeout defaults (lowest precedence) for the HTTP clients, data source, Redis and
	 * Tomcat. When false, every framework default is left alone and no profile is assigned to a service group.
	 */
	private boolean enabled = true;

	/**
	 * Connect timeout given to every client the starter has a default for: HTTP clients, Hikari, Redis and the shared
	 * HTTP client's pool lease.
	 */
	private Duration connect = Duration.ofSeconds(3);

	/**
	 * Read timeout given to every client the starter has a default for: HTTP clients, Redis commands and, capped by
	 * the connect timeout, Hikari's connection validation.
	 */
	private Duration read = Duration.ofSeconds(2);

	/**
	 * Timeout above which a client is reported with a WARN line at startup. Infinite timeouts are always reported.
	 */
	private Duration warnAbove = Duration.ofSeconds(10);

	/**
	 * Named timeout profiles for outbound HTTP calls, each with 'connect' and 'read' (defaulting to
	 * 'resilience.timeouts.connect' and 'resilience.timeouts.read'). Built in: 'lookup' (read 500ms) and 'batch'
	 * (read 30s).
	 */
	private Map<String, Profile> profiles = new LinkedHashMap<>();

	/**
	 * Timeout profile per HTTP service group, keyed by the group name used under 'spring.http.serviceclient': its
	 * 'profile' names one of 'resilience.timeouts.profiles'.
	 */
	private Map<String, ServiceClient> serviceclient = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getConnect() {
		return this.connect;
	}

	public void setConnect(Duration connect) {
		this.connect = connect;
	}

	public Duration getRead() {
		return this.read;
	}

	public void setRead(Duration read) {
		this.read = read;
	}

	public Duration getWarnAbove() {
		return this.warnAbove;
	}

	public void setWarnAbove(Duration warnAbove) {
		this.warnAbove = warnAbove;
	}

	public Map<String, Profile> getProfiles() {
		return this.profiles;
	}

	public void setProfiles(Map<String, Profile> profiles) {
		this.profiles = profiles;
	}

	public Map<String, ServiceClient> getServiceclient() {
		return this.serviceclient;
	}

	public void setServiceclient(Map<String, ServiceClient> serviceclient) {
		this.serviceclient = serviceclient;
	}

	/**
	 * Connect timeout of a profile, falling back to the global one.
	 * @param profile the profile
	 * @return the connect timeout in force for it
	 */
	Duration connectOf(Profile profile) {
		return (profile.getConnect() != null) ? profile.getConnect() : this.connect;
	}

	/**
	 * Read timeout of a profile, falling back to the global one.
	 * @param profile the profile
	 * @return the read timeout in force for it
	 */
	Duration readOf(Profile profile) {
		return (profile.getRead() != null) ? profile.getRead() : this.read;
	}

	@Override
	public boolean supports(Class<?> type) {
		return TimeoutsProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		TimeoutsProperties properties = (TimeoutsProperties) target;
		PropertyChecks.positive(errors, "connect", properties.getConnect());
		if (properties.getConnect() != null && properties.getConnect().compareTo(MIN_CONNECT) < 0) {
			errors.rejectValue("connect", "range", "must be at least 250ms (Hikari's floor)");
		}
		PropertyChecks.positive(errors, "read", properties.getRead());
		PropertyChecks.positive(errors, "warnAbove", properties.getWarnAbove());
		properties.getProfiles().forEach((name, profile) -> {
			if (profile.getConnect() != null) {
				PropertyChecks.positive(errors, "profiles[" + name + "].connect", profile.getConnect());
			}
			if (profile.getRead() != null) {
				PropertyChecks.positive(errors, "profiles[" + name + "].read", profile.getRead());
			}
		});
		if (properties.isEnabled()) {
			properties.getServiceclient().forEach((group, client) -> {
				String field = "serviceclient[" + group + "].profile";
				if (client.getProfile() == null || client.getProfile().isBlank()) {
					errors.rejectValue(field, "required", "must name a profile under resilience.timeouts.profiles");
				}
				else if (!properties.getProfiles().containsKey(client.getProfile())) {
					errors.rejectValue(field, "unknown", "names no profile under resilience.timeouts.profiles; "
							+ "defined profiles: " + new TreeSet<>(properties.getProfiles().keySet()));
				}
			});
		}
	}

	/**
	 * Connect and read timeouts of one profile.
	 */
	public static class Profile {

		/**
		 * Connect timeout of calls that use this profile. Defaults to 'resilience.timeouts.connect'.
		 */
		private @Nullable Duration connect;

		/**
		 * Read timeout of calls that use this profile. Defaults to 'resilience.timeouts.read'.
		 */
		private @Nullable Duration read;

		public @Nullable Duration getConnect() {
			return this.connect;
		}

		public void setConnect(@Nullable Duration connect) {
			this.connect = connect;
		}

		public @Nullable Duration getRead() {
			return this.read;
		}

		public void setRead(@Nullable Duration read) {
			this.read = read;
		}

	}

	/**
	 * Timeout settings of one HTTP service group.
	 */
	public static class ServiceClient {

		/**
		 * Name of the timeout profile whose connect and read timeouts the group gets, unless
		 * 'spring.http.serviceclient.<group>.connect-timeout' or '.read-timeout' is set.
		 */
		private @Nullable String profile;

		public @Nullable String getProfile() {
			return this.profile;
		}

		public void setProfile(@Nullable String profile) {
			this.profile = profile;
		}

	}

}
