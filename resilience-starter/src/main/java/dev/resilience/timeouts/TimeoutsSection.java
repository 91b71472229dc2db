package dev.resilience.timeouts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.resilience.support.ResilienceSection;

/**
 * The {@code timeouts} section of the {@code resilience} endpoint: every client the starter knows of, each timeout in
 * force, where it came from, and the timeout profiles.
 */
public final class TimeoutsSection implements ResilienceSection {

	private final boolean defaultsEnabled;

	private final List<TimeoutsContributor> contributors;

	private final TimeoutProfiles profiles;

	public TimeoutsSection(boolean defaultsEnabled, List<TimeoutsContributor> contributors, TimeoutProfiles profiles) {
		this.defaultsEnabled = defaultsEnabled;
		this.contributors = contributors;
		this.profiles = profiles;
	}

	@Override
	public String name() {
		return "timeouts";
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Map<String, Object>> clients = new LinkedHashMap<>();
		for (TimeoutsContributor contributor : this.contributors) {
			for (EffectiveTimeout timeout : contributor.effectiveTimeouts()) {
				clients.computeIfAbsent(timeout.client(), (client) -> new LinkedHashMap<>())
					.put(timeout.timeout(), timeout.describe());
			}
		}
		Map<String, Object> profiles = new LinkedHashMap<>();
		for (String name : this.profiles.names()) {
			TimeoutProfile profile = this.profiles.get(name);
			profiles.put(name, Map.of("connect", EffectiveTimeout.format(profile.connect()), "read",
					EffectiveTimeout.format(profile.read())));
		}
		Map<String, Object> section = new LinkedHashMap<>();
		section.put("defaultsEnabled", this.defaultsEnabled);
		section.put("clients", clients);
		section.put("profiles", profiles);
		return section;
	}

}
