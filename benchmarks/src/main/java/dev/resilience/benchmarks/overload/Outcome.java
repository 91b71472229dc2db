package dev.resilience.benchmarks.overload;

import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * How one request of the load ended.
 */
enum Outcome {

	/** A {@code 2xx} response. */
	SUCCESS,

	/** A {@code 429} response: the request was shed. */
	REJECTED,

	/** Any other status. */
	ERROR_STATUS,

	/** No response within the client's timeout. */
	TIMEOUT,

	/** The connection failed. */
	IO_ERROR;

	static Outcome of(HttpResponse<?> response, Throwable failure) {
		if (failure != null) {
			Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
					? failure.getCause() : failure;
			boolean timedOut = cause instanceof HttpTimeoutException || cause instanceof TimeoutException;
			return timedOut ? TIMEOUT : IO_ERROR;
		}
		int status = response.statusCode();
		if (status >= 200 && status < 300) {
			return SUCCESS;
		}
		return (status == 429) ? REJECTED : ERROR_STATUS;
	}

}
