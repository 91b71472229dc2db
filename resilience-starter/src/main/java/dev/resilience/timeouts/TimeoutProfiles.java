package dev.resilience.timeouts;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The timeout profiles defined under {@code resilience.timeouts.profiles}, each resolved against the global
 * {@code resilience.timeouts.connect} and {@code resilience.timeouts.read} for any value it leaves out.
 */
public final class TimeoutProfiles {

	private final Map<String, TimeoutProfile> profiles;

	public TimeoutProfiles(Map<String, TimeoutProfile> profiles) {
		this.profiles = Collections.unmodifiableMap(new TreeMap<>(profiles));
	}

	/**
	 * Return the profile with the given name.
	 * @param name the profile's name
	 * @return the profile
	 * @throws IllegalArgumentException if no such profile is defined
	 */
	public TimeoutProfile get(String name) {
		TimeoutProfile profile = this.profiles.get(name);
		if (profile == null) {
			throw new IllegalArgumentException("No timeout profile '" + name + "' under resilience.timeouts.profiles; "
					+ "defined profiles: " + this.profiles.keySet());
		}
		return profile;
	}

	/**
	 * Names of the defined profiles.
	 * @return the names, sorted
	 */
	public Set<String> names() {
		return this.profiles.keySet();
	}

}
