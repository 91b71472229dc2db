package dev.resilience.test.timeouts;

import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;

import org.assertj.core.api.Condition;

/**
 * What a client timing out looks like, whichever HTTP library the application's request factory builder uses.
 */
final class TimeoutFailures {

	private TimeoutFailures() {
	}

	/**
	 * A throwable with a timeout in its cause chain: {@link SocketTimeoutException} (HttpURLConnection, Apache
	 * HttpClient), {@link HttpTimeoutException} (java.net.http) or a library's own {@code ...TimeoutException}.
	 * @return the condition
	 */
	static Condition<Throwable> causedByATimeout() {
		return new Condition<>(TimeoutFailures::hasTimeoutCause, "caused by a timeout");
	}

	private static boolean hasTimeoutCause(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof SocketTimeoutException || cause instanceof HttpTimeoutException
					|| cause.getClass().getSimpleName().endsWith("TimeoutException")) {
				return true;
			}
		}
		return false;
	}

}
