package dev.resilience.support;

/**
 * A configuration or annotation error of the starter found at startup: what is wrong, naming the property or the
 * handler method, and what to do about it. Spring Boot shows both as the failure analysis of a failed startup.
 */
public class ResilienceConfigurationException extends IllegalStateException {

	private final String action;

	/**
	 * Create the exception.
	 * @param description what is wrong, naming the property or handler method
	 * @param action what to do about it
	 */
	public ResilienceConfigurationException(String description, String action) {
		super(description);
		this.action = action;
	}

	/**
	 * Create the exception.
	 * @param description what is wrong, naming the property or handler method
	 * @param action what to do about it
	 * @param cause the underlying error
	 */
	public ResilienceConfigurationException(String description, String action, Throwable cause) {
		super(description, cause);
		this.action = action;
	}

	/**
	 * What to do about the error.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}
