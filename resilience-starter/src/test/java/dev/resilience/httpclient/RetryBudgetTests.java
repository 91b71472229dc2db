package dev.resilience.httpclient;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;

import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RetryBudgetTests {

	@Test
	void burstIsSpentThenRefilledByRequests() {
		RetryBudget budget = new RetryBudget(0.1, 2);
		assertThat(budget.tryWithdraw()).isTrue();
		assertThat(budget.tryWithdraw()).isTrue();
		assertThat(budget.tryWithdraw()).isFalse();
		for (int i = 0; i < 9; i++) {
			budget.deposit();
		}
		assertThat(budget.tryWithdraw()).isFalse();
		budget.deposit();
		assertThat(budget.tryWithdraw()).isTrue();
		assertThat(budget.exhausted()).as("retries refused by the empty budget").isEqualTo(2);
	}

	@Test
	void depositsNeverExceedTheBurst() {
		RetryBudget budget = new RetryBudget(1, 3);
		for (int i = 0; i < 100; i++) {
			budget.deposit();
		}
		assertThat(budget.available()).isEqualTo(3);
	}

	@Test
	void onlyIdempotentRequestsAfterAConnectionTheOriginDroppedAreRetried() {
		BudgetedRetryStrategy strategy = new BudgetedRetryStrategy(1, new RetryBudget(0.1, 10));
		HttpClientContext context = HttpClientContext.create();
		IOException dropped = new NoHttpResponseException("dropped");
		assertThat(strategy.retryRequest(new BasicHttpRequest("GET", "/"), dropped, 1, context)).isTrue();
		assertThat(strategy.retryRequest(new BasicHttpRequest("GET", "/"), dropped, 2, context)).isFalse();
		assertThat(strategy.retryRequest(new BasicHttpRequest("POST", "/"), dropped, 1, context)).isFalse();
		assertThat(strategy.retryRequest(new BasicHttpRequest("GET", "/"), new SocketTimeoutException(), 1, context))
			.isFalse();
		assertThat(strategy.retryRequest(new BasicHttpRequest("GET", "/"), new ConnectException(), 1, context))
			.isFalse();
	}

	@Test
	void neverRetriesOnAStatusAndNeverSleeps() {
		BudgetedRetryStrategy strategy = new BudgetedRetryStrategy(3, new RetryBudget(1, 10));
		BasicHttpResponse unavailable = new BasicHttpResponse(503);
		unavailable.addHeader("Retry-After", "5");
		assertThat(strategy.retryRequest(unavailable, 1, HttpClientContext.create())).isFalse();
		assertThat(strategy.retryRequest(new BasicHttpResponse(429), 1, HttpClientContext.create())).isFalse();
		assertThat(strategy.getRetryInterval(unavailable, 1, HttpClientContext.create()).toMilliseconds()).isZero();
	}

	@Test
	void anEmptyBudgetStopsRetries() {
		RetryBudget budget = new RetryBudget(0.1, 1);
		BudgetedRetryStrategy strategy = new BudgetedRetryStrategy(1, budget);
		IOException dropped = new NoHttpResponseException("dropped");
		assertThat(strategy.retryRequest(new BasicHttpRequest("GET", "/"), dropped, 1, HttpClientContext.create()))
			.isTrue();
		assertThat(strategy.retryRequest(new BasicHttpRequest("GET", "/"), dropped, 1, HttpClientContext.create()))
			.isFalse();
	}

}
