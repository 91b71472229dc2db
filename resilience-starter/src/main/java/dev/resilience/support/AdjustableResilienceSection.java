package dev.resilience.support;

/**
 * A section of the {@code resilience} actuator endpoint whose settings may be changed at runtime, through the
 * endpoint's write operation, without a redeploy.
 */
public interface AdjustableResilienceSection extends ResilienceSection {

	/**
	 * Change one setting now.
	 * @param setting the setting, named as its property below the capability's prefix, for example {@code dry-run}
	 * @param value the new value, as text
	 * @return the previous value, as text
	 * @throws IllegalArgumentException if there is no such setting or the value is invalid, saying which
	 */
	String adjust(String setting, String value);

}
