package dev.resilience.selfhealing;

/**
 * What the application does once it is fatally broken, beyond reporting it.
 */
public enum OnFatal {

	/**
	 * Report only: liveness {@code BROKEN}, readiness {@code REFUSING_TRAFFIC}, a thread dump. The orchestrator's
	 * liveness probe restarts the process.
	 */
	REPORT,

	/**
	 * Report, wait for the drain period, then exit with {@link SelfHealing#EXIT_STATUS} so that a plain process
	 * supervisor restarts the process too.
	 */
	EXIT

}
