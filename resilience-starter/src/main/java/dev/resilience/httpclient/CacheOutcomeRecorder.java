package dev.resilience.httpclient;

import java.io.IOException;

import org.apache.hc.client5.http.cache.HttpCacheContext;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;

/**
 * Runs directly above the cache: counts each response's {@link CacheOutcome} and, when enabled, adds a debug
 * {@code Cache-Status} response header in the syntax of RFC 9211 (for example {@code resilience; hit} or
 * {@code resilience; fwd=miss}).
 */
final class CacheOutcomeRecorder implements ExecChainHandler {

	static final String NAME = "resilience-cache-outcome";

	/** Name of the debug response header. */
	static final String CACHE_STATUS = "Cache-Status";

	private static final String[] STATUS_VALUES = { "resilience; hit", "resilience; fwd=miss",
			"resilience; fwd=stale; fwd-status=304", "resilience; hit; detail=stale", "resilience; fwd=miss; detail=only-if-cached",
			"resilience; fwd=miss; detail=store-failure" };

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
		ClassicHttpResponse response = chain.proceed(request, scope);
		CacheOutcome outcome = GuardedHttpCacheStorage.failedSinceReset() ? CacheOutcome.FAILURE
				: CacheOutcome.of(HttpCacheContext.cast(scope.clientContext).getCacheResponseStatus(),
						response.getCode());
		this.counts.record(outcome);
		if (this.statusHeader) {
			response.setHeader(CACHE_STATUS, STATUS_VALUES[outcome.ordinal()]);
		}
		return response;
	}

}
