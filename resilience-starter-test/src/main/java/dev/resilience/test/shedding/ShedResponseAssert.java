package dev.resilience.test.shedding;

import java.net.http.HttpResponse;
import java.util.List;

import org.assertj.core.api.AbstractAssert;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;

/**
 * AssertJ assertions on whether a response is the starter's load-shedding answer: {@code 429 Too Many Requests}
 * with a whole-seconds {@code Retry-After} and an RFC 9457 {@code application/problem+json} body.
 *
 * <p>Use {@link #assertThat(ResponseEntity)} or {@link #assertThat(HttpResponse)}.
 */
public final class ShedResponseAssert extends AbstractAssert<ShedResponseAssert, ShedResponseAssert.Response> {

	private ShedResponseAssert(Response actual) {
		super(actual, ShedResponseAssert.class);
	}

	/**
	 * Assertions on a Spring {@code ResponseEntity}, for example from {@code TestRestTemplate} or
	 * {@code RestClient...toEntity(String.class)}.
	 * @param response the response
	 * @return the assertions
	 */
	public static ShedResponseAssert assertThat(ResponseEntity<String> response) {
		HttpHeaders headers = response.getHeaders();
		return new ShedResponseAssert(new Response(response.getStatusCode().value(),
				headers.getFirst(HttpHeaders.RETRY_AFTER), headers.getFirst(HttpHeaders.CONTENT_TYPE),
				response.getBody()));
	}

	/**
	 * Assertions on a JDK {@code HttpResponse}.
	 * @param response the response
	 * @return the assertions
	 */
	public static ShedResponseAssert assertThat(HttpResponse<String> response) {
		return new ShedResponseAssert(new Response(response.statusCode(),
				response.headers().firstValue(HttpHeaders.RETRY_AFTER).orElse(null),
				response.headers().firstValue(HttpHeaders.CONTENT_TYPE).orElse(null), response.body()));
	}

	/**
	 * Verify the response is a load-shedding rejection: 429 or 503 (as {@code resilience.shedding.rejection-status}
	 * says), a positive whole-seconds {@code Retry-After}, and a problem body whose {@code status} is the response's.
	 * @return this
	 */
	public ShedResponseAssert isShed() {
		isNotNull();
		if (this.actual.status() != 429 && this.actual.status() != 503) {
			failWithMessage("Expected a shed response (429 or 503) but the status was <%s>; body: %s",
					this.actual.status(), this.actual.body());
		}
		retryAfterSeconds();
		if (!isProblem()) {
			failWithMessage("Expected Content-Type application/problem+json on a shed response but was <%s>",
					this.actual.contentType());
		}
		String body = (this.actual.body() != null) ? this.actual.body().replace(" ", "") : "";
		String status = "\"status\":" + this.actual.status();
		if (!body.contains(status)) {
			failWithMessage("Expected the problem body to contain %s but was <%s>", status, this.actual.body());
		}
		return this;
	}

	/**
	 * Verify the response was not shed: neither 429 nor a 503 problem document.
	 * @return this
	 */
	public ShedResponseAssert isNotShed() {
		isNotNull();
		if (this.actual.status() == 429 || (this.actual.status() == 503 && isProblem())) {
			failWithMessage("Expected a response that was not shed but got %s; body: %s", this.actual.status(),
					this.actual.body());
		}
		return this;
	}

	/**
	 * Verify the {@code Retry-After} header is within a window, in whole seconds, as with
	 * {@code resilience.shedding.retry-after} and {@code resilience.shedding.retry-after-jitter}.
	 * @param min the smallest value expected
	 * @param max the largest value expected
	 * @return this
	 */
	public ShedResponseAssert hasRetryAfterSecondsBetween(long min, long max) {
		isNotNull();
		long actualSeconds = retryAfterSeconds();
		if (actualSeconds < min || actualSeconds > max) {
			failWithMessage("Expected Retry-After between <%s> and <%s> but was <%s>", min, max, actualSeconds);
		}
		return this;
	}

	private boolean isProblem() {
		String contentType = this.actual.contentType();
		return contentType != null && contentType.startsWith("application/problem+json");
	}

	/**
	 * Verify the {@code Retry-After} header, in whole seconds.
	 * @param seconds the expected value
	 * @return this
	 */
	public ShedResponseAssert hasRetryAfterSeconds(long seconds) {
		isNotNull();
		long actualSeconds = retryAfterSeconds();
		if (actualSeconds != seconds) {
			failWithMessage("Expected Retry-After <%s> but was <%s>", seconds, actualSeconds);
		}
		return this;
	}

	private long retryAfterSeconds() {
		String retryAfter = this.actual.retryAfter();
		if (retryAfter == null) {
			failWithMessage("Expected a Retry-After header but there was none");
		}
		try {
			long seconds = Long.parseLong(retryAfter.trim());
			if (seconds < 1) {
				failWithMessage("Expected Retry-After to be at least 1 second but was <%s>", retryAfter);
			}
			return seconds;
		}
		catch (NumberFormatException ex) {
			failWithMessage("Expected Retry-After in whole seconds but was <%s>", retryAfter);
			return -1;
		}
	}

	/**
	 * What the assertions look at in a response.
	 *
	 * @param status the status code
	 * @param retryAfter the {@code Retry-After} header, or {@code null}
	 * @param contentType the {@code Content-Type} header, or {@code null}
	 * @param body the body, or {@code null}
	 */
	public record Response(int status, String retryAfter, String contentType, String body) {

		@Override
		public String toString() {
			return "HTTP " + this.status + " (Retry-After: " + this.retryAfter + ", Content-Type: " + this.contentType
					+ ")";
		}

	}

}
