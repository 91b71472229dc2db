package dev.resilience.httpclient;

import java.io.IOException;

import org.apache.hc.client5.http.cache.CacheResponseStatus;
import org.apache.hc.client5.http.cache.HttpCacheContext;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpStatus;

/**
 * Runs directly above the cache: counts each response's {@link CacheOutcome} and, when enabled, adds a debug
 * {@code Cache-Status} response header in the syntax of RFC 9211 (for example {@code resilience; hit} or
 * {@code resilience; fwd=miss}). A {@code 504} the cache generated because the origin failed becomes the origin's
 * I/O error again (see {@link OriginErrorRecorder}); a request that ends in an error counts no outcome.
 */
final class CacheOutcomeRecorder implements ExecChainHandler {

	static final String NAME = "resilience-cache-outcome";

	private final CacheOutcomeCounts counts;

	private final boolean statusHeader;

	CacheOutcomeRecorder(CacheOutcomeCounts counts, boolean statusHeader) {
		this.counts = counts;
		this.statusHeader = statusHeader;
	}

	@Override
	public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
			throws IOException, HttpException {
		GuardedHttpCacheStorage.resetFailure();
		HttpCacheContext context = HttpCacheContext.cast(scope.clientContext);
		context.removeAttribute(OriginErrorRecorder.ATTRIBUTE);
		ClassicHttpResponse response = chain.proceed(request, scope);
		CacheResponseStatus status = context.getCacheResponseStatus();
		if (status == CacheResponseStatus.CACHE_MODULE_RESPONSE && response.getCode() == HttpStatus.SC_GATEWAY_TIMEOUT
				&& context.getAttribute(OriginErrorRecorder.ATTRIBUTE) instanceof IOException originError) {
			response.close();
			throw originError;
		}
		CacheOutcome outcome = GuardedHttpCacheStorage.failedSinceReset() ? CacheOutcome.FAILURE
				: CacheOutcome.of(status, response.getCode());
		this.counts.record(outcome);
		if (this.statusHeader) {
			response.setHeader(CacheOutcome.CACHE_STATUS_HEADER, outcome.cacheStatus());
		}
		return response;
	}

}
