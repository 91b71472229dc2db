package dev.resilience.timeouts;

/**
 * Where a timeout that is in force came from.
 */
public enum TimeoutOrigin {

	/**
	 * Set by the application: a property in any of its property sources (files, environment variables, command line,
	 * default properties) or code that configured the client directly.
	 */
	USER("user"),

	/**
	 * Left to the starter's lowest-precedence defaults ({@code resilience.timeouts.*}).
	 */
	STARTER_DEFAULT("starter-default"),

	/**
	 * Left to the framework's or the client library's own default.
	 */
	FRAMEWORK_DEFAULT("framework-default");

	private final String label;

	TimeoutOrigin(String label) {
		this.label = label;
	}

	/**
	 * Name of the origin as the {@code resilience} endpoint reports it.
	 * @return the label, for example {@code starter-default}
	 */
	public String label() {
		return this.label;
	}

}
