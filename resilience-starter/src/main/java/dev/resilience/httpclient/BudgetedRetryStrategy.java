package dev.resilience.httpclient;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Set;

import javax.net.ssl.SSLException;

import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;

/**
 * Retry policy of the shared client. HttpClient's default re-sends idempotent requests after I/O errors and re-sends
 * after {@code 429}/{@code 503}, sleeping for {@code Retry-After} on the caller's thread: under load an amplifier.
 * This strategy:
 * <ul>
 * <li>never retries on a response status and never sleeps (the caller sees the {@code 429}/{@code 503} at once);</li>
 * <li>retries only idempotent methods ({@code GET HEAD OPTIONS TRACE PUT DELETE}), at most {@code maxRetries}
 * times;</li>
 * <li>retries only I/O errors where the request most likely never reached the application (a pooled connection the
 * origin had closed: {@code NoHttpResponseException}, connection reset), never timeouts, unknown hosts, refused
 * connections or TLS failures;</li>
 * <li>spends from a {@link RetryBudget} shared by every request, so retries stay a bounded fraction of traffic.</li>
 * </ul>
 */
public final class BudgetedRetryStrategy implements HttpRequestRetryStrategy {

	private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

	private final int maxRetries;

	private final RetryBudget budget;

	/**
	 * Create a strategy.
	 * @param maxRetries most retries of one request
	 * @param budget budget shared by all requests
	 */
	public BudgetedRetryStrategy(int maxRetries, RetryBudget budget) {
		this.maxRetries = maxRetries;
		this.budget = budget;
	}

	@Override
	public boolean retryRequest(HttpRequest request, IOException exception, int execCount, HttpContext context) {
		if (execCount > this.maxRetries || !IDEMPOTENT.contains(request.getMethod())) {
			return false;
		}
		if (exception instanceof InterruptedIOException || exception instanceof UnknownHostException
				|| exception instanceof ConnectException || exception instanceof NoRouteToHostException
				|| exception instanceof SSLException) {
			return false;
		}
		return this.budget.tryWithdraw();
	}

	@Override
	public boolean retryRequest(HttpResponse response, int execCount, HttpContext context) {
		return false;
	}

	@Override
	public TimeValue getRetryInterval(HttpResponse response, int execCount, HttpContext context) {
		return TimeValue.ZERO_MILLISECONDS;
	}

}
