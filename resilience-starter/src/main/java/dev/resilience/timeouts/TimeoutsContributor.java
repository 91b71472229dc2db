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

}
