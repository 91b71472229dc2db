package dev.resilience.httpclient;

import java.io.IOException;

import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;

/**
 * Deposits into the {@link RetryBudget} for every exchange that goes to the origin. It sits directly above
 * {@link ChainElement#PROTOCOL}, below the cache, so a response the cache answers deposits nothing and the budget is a
 * fraction of the origin's traffic, not of all requests; a retried attempt is an exchange too and deposits like any
 * other.
 */
final class RetryBudgetDeposit implements ExecChainHandler {

	static final String NAME = "resilience-retry-budget";

	private final RetryBudget budget;

	RetryBudgetDeposit(RetryBudget budget) {
		this.budget = budget;
	}

	@Override
	public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
			throws IOException, HttpException {
		this.budget.deposit();
		return chain.proceed(request, scope);
	}

}
