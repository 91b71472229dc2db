package dev.resilience.benchmarks.overload;

import java.io.IOException;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;

/**
 * The rejection that the peer filters answer with: {@code 429}, {@code Retry-After} and a short body written
 * straight to the response, the cheapest rejection a servlet filter can make (no error dispatch).
 */
final class TooManyRequests {

	private TooManyRequests() {
	}

	static void write(HttpServletResponse response, String message) throws IOException {
		response.setStatus(429);
		response.setHeader(HttpHeaders.RETRY_AFTER, "1");
		response.setContentType("text/plain");
		response.getWriter().print(message);
	}

}
