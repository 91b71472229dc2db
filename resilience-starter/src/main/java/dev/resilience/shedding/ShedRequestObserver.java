package dev.resilience.shedding;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Wraps the writing of a shed request's rejection. A shed request is answered before any other filter runs, so
 * nothing else sees it: an observer is where it is recorded as the filters it skipped would have recorded it.
 * Called only for requests that are actually rejected, on the rejecting request's thread.
 *
 * @see ServerRequestShedObserver
 */
@FunctionalInterface
public interface ShedRequestObserver {

	/**
	 * Observer that only writes the rejection.
	 */
	ShedRequestObserver NONE = (request, response, uriTemplate, rejection) -> rejection.write(request, response);

	/**
	 * Write the rejection of a shed request through {@code rejection}, exactly once, observing it.
	 * @param request the shed request, on its initial dispatch
	 * @param response its response
	 * @param uriTemplate the URI template of its handler, or the pattern of the path rule that made it sheddable
	 * @param rejection writes the rejection
	 * @throws IOException if the rejection cannot be written
	 */
	void observe(HttpServletRequest request, HttpServletResponse response, String uriTemplate, Rejection rejection)
			throws IOException;

	/**
	 * Writes the rejection of a shed request.
	 */
	@FunctionalInterface
	interface Rejection {

		/**
		 * Write the rejection.
		 * @param request the shed request
		 * @param response its response
		 * @throws IOException if the rejection cannot be written
		 */
		void write(HttpServletRequest request, HttpServletResponse response) throws IOException;

	}

}
