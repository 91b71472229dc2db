package dev.resilience.shedding;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import dev.resilience.support.ProblemDetailWriter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * The answer to a rejected request: the rejection status, a {@code Retry-After} drawn at random from a window of
 * whole seconds, and an RFC 9457 problem document built once, at startup, from a Spring {@link ProblemDetail}.
 *
 * <p>Every value a rejection can send is prepared up front, so that a rejection costs a random draw and the bytes of
 * the request's path: the server is at its busiest when it rejects.
 */
public final class ShedResponse {

	private final int status;

	private final String[] retryAfterValues;

	private final ProblemDetailWriter.Prepared problem;

	/**
	 * Prepare the response.
	 * @param status {@code 429} or {@code 503}
	 * @param retryAfter shortest {@code Retry-After}, rounded up to whole seconds (at least one)
	 * @param jitter width of the window above it, rounded up to whole seconds
	 * @param customizers applied in order to the problem document
	 */
	public ShedResponse(int status, Duration retryAfter, Duration jitter,
			List<ShedProblemDetailCustomizer> customizers) {
		if (status != 429 && status != 503) {
			throw new IllegalArgumentException("Rejection status must be 429 or 503, was " + status);
		}
		this.status = status;
		long min = Math.max(1, ceilSeconds(retryAfter));
		int window = Math.toIntExact(ceilSeconds(jitter));
		this.retryAfterValues = new String[window + 1];
		for (int i = 0; i <= window; i++) {
			this.retryAfterValues[i] = Long.toString(min + i);
		}
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(status),
				"The server is too busy for this request; retry after the number of seconds in Retry-After.");
		problem.setType(URI.create("about:blank"));
		for (ShedProblemDetailCustomizer customizer : customizers) {
			customizer.customize(problem);
		}
		problem.setStatus(status);
		this.problem = ProblemDetailWriter.prepare(problem);
	}

	/**
	 * Status of a rejection.
	 * @return {@code 429} or {@code 503}
	 */
	public int status() {
		return this.status;
	}

	/**
	 * Smallest {@code Retry-After} a rejection sends.
	 * @return whole seconds
	 */
	public long minRetryAfterSeconds() {
		return Long.parseLong(this.retryAfterValues[0]);
	}

	/**
	 * Largest {@code Retry-After} a rejection sends.
	 * @return whole seconds
	 */
	public long maxRetryAfterSeconds() {
		return Long.parseLong(this.retryAfterValues[this.retryAfterValues.length - 1]);
	}

	/**
	 * The problem document a request for a path receives.
	 * @param instance the request's path
	 * @return the JSON document
	 */
	public String problemJson(String instance) {
		return this.problem.toJson(instance);
	}

	/**
	 * Answer a rejected request.
	 * @param request the request
	 * @param response its response; nothing is written if it is already committed
	 * @throws IOException if the response cannot be written
	 */
	public void write(HttpServletRequest request, HttpServletResponse response) throws IOException {
		if (response.isCommitted()) {
			return;
		}
		String[] values = this.retryAfterValues;
		String retryAfter = (values.length == 1) ? values[0]
				: values[ThreadLocalRandom.current().nextInt(values.length)];
		response.setHeader(HttpHeaders.RETRY_AFTER, retryAfter);
		ProblemDetailWriter.write(request, response, this.problem);
	}

	private static long ceilSeconds(Duration duration) {
		return (duration.toMillis() + 999) / 1000;
	}

}
