package dev.resilience.etag;

/**
 * Told about each conditional request that was answered without invoking its handler. Called on the request thread:
 * implementations must be cheap and must not block.
 */
public interface ConditionalRequestMetrics {

	/**
	 * A read was answered {@code 304 Not Modified}.
	 * @param resource the resource name
	 */
	void notModified(String resource);

	/**
	 * A write was answered {@code 412 Precondition Failed}.
	 * @param resource the resource name
	 */
	void preconditionFailed(String resource);

}
