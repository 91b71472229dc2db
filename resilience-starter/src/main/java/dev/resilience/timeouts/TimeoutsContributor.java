package dev.resilience.timeouts;

import java.util.List;

/**
 * Reports the timeouts in force for one kind of client (HTTP clients, data sources, Redis, the web server). The
 * {@code timeouts} section of the {@code resilience} endpoint and the startup warnings read every bean of this type.
 */
@FunctionalInterface
public interface TimeoutsContributor {

	/**
	 * Timeouts in force now, read from the client objects the application built where they can be seen.
	 * @return the effective timeouts, one per client and timeout
	 */
	List<EffectiveTimeout> effectiveTimeouts();

	/**
	 * Kind of client whose timeouts this reports: the {@code kind} tag of the {@code resilience.timeouts.*} gauges.
	 * The starter's contributors say {@code http}, {@code jdbc}, {@code redis} and {@code server}; keep it a fixed
	 * word, never a client's or a bean's name.
	 * @return the kind, {@code other} unless overridden
	 */
	default String kind() {
		return "other";
	}

}
