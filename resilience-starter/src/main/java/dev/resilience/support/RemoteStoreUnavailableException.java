package dev.resilience.support;

import org.jspecify.annotations.Nullable;

/**
 * A remote store could not be used: its {@link RemoteStoreGuard breaker} is open, or a call failed or timed out.
 * Carries no stack trace: it is expected, and can be thrown on every request during an outage.
 */
public final class RemoteStoreUnavailableException extends RuntimeException {

	/**
	 * Create an instance.
	 * @param message what failed
	 * @param cause the underlying failure, or {@code null}
	 */
	public RemoteStoreUnavailableException(String message, @Nullable Throwable cause) {
		super(message, cause, false, false);
	}

}
