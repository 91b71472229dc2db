package dev.resilience.shedding;

/**
 * Told of every request that load shedding rejected, or would have rejected in dry-run mode. Called on the
 * rejecting request's thread; implementations must be fast and must not throw.
 */
@FunctionalInterface
public interface RejectionListener {

	/**
	 * A request to a {@link Sheddable} endpoint met pressure at or above its threshold.
	 * @param uriTemplate the matched URI template, for example {@code /reports/{city}}
	 * @param dryRun whether the request was let through because {@code resilience.shedding.dry-run} is on
	 */
	void onRejected(String uriTemplate, boolean dryRun);

}
