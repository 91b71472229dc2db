package dev.resilience.httpclient;

import java.io.IOException;

import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;

/**
 * Runs between the cache and the origin and remembers the I/O error of a failed origin call. When revalidating a stale
 * entry fails and stale-if-error does not apply, httpclient5-cache answers with a generated {@code 504 Gateway
 * Timeout} instead of the error; {@link CacheOutcomeRecorder} turns that back into the original exception, so the
 * caller sees the same error (Spring's {@code ResourceAccessException}) with or without a stored entry.
 */
final class OriginErrorRecorder implements ExecChainHandler {

	static final String NAME = "resilience-origin-error";

	/** Context attribute holding the origin's I/O error. */
	static final String ATTRIBUTE = "dev.resilience.httpclient.origin-error";

	@Override
	public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
			throws IOException, HttpException {
		try {
			return chain.proceed(request, scope);
		}
		catch (IOException ex) {
			scope.clientContext.setAttribute(ATTRIBUTE, ex);
			throw ex;
		}
	}

}
