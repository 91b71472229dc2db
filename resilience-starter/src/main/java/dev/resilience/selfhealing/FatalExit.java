package dev.resilience.selfhealing;

/**
 * Ends the process once the drain period of a fatal condition is over. Replaced in tests so that the test JVM
 * survives.
 */
@FunctionalInterface
public interface FatalExit {

	/**
	 * End the process.
	 * @param status exit status, {@link SelfHealing#EXIT_STATUS}
	 */
	void exit(int status);

}
