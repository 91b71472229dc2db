package dev.resilience.support;

import java.util.Map;

/**
 * One capability's section of the {@code resilience} actuator endpoint. Each capability registers a bean of this type;
 * the endpoint lists them by {@link #name()}.
 *
 * <p>Lives here rather than in {@code dev.resilience.actuate} so that a capability can contribute a section without
 * depending on Spring Boot Actuator.
 */
public interface ResilienceSection {

	/**
	 * Name of the section in the endpoint's document, for example {@code shedding}.
	 * @return the section name
	 */
	String name();

	/**
	 * Current state of the capability, serialised as JSON by the endpoint. Called on every read of the endpoint, never
	 * on the request path.
	 * @return the section's content
	 */
	Map<String, Object> describe();

}
