package dev.resilience.httpclient;

import java.io.IOException;

import org.apache.hc.client5.http.cache.CacheResponseStatus;
import org.apache.hc.client5.http.cache.HttpCacheContext;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpStatus;
import org.apache.hc.core5.net.URIAuthority;

/**
 * Runs directly above the cache: counts each response's {@link CacheOutcome} and, when enabled, adds a debug
 * {@code Cache-Status} response header in the syntax of RFC 9211 (for example {@code resilience; hit} or
 * {@code resilience; fwd=miss}). A {@code 504} the cache generated because the origin failed becomes the stored
 * response when {@link StaleIfUnreachable} allows it (outcome {@link CacheOutcome#STALE}), else the origin's I/O error
 * again (see {@link OriginErrorRecorder}); a request that ends in an error counts no outcome.
 */
final class CacheOutcomeRecorder implements ExecChainHandler {

	static final String NAME = "resilience-cache-outcome";

	private final CacheOutcomeCounts counts;

	private final boolean statusHeader;

	private final StaleIfUnreachable staleIfUnreachable;

	CacheOutcomeRecorder(CacheOutcomeCounts counts, boolean statusHeader, StaleIfUnreachable staleIfUnreachable) {
		this.counts = counts;
		this.statusHeader = statusHeader;
		this.staleIfUnreachable = staleIfUnreachable;
	}

	@Override
	public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
			throws IOException, HttpException {
		GuardedHttpCacheStorage.resetFailure();
		HttpCacheContext context = HttpCacheContext.cast(scope.clientContext);
		context.removeAttribute(OriginErrorRecorder.ATTRIBUTE);
		ClassicHttpResponse response = chain.proceed(request, scope);
		CacheResponseStatus status = context.getCacheResponseStatus();
		CacheOutcome outcome = null;
		if (status == CacheResponseStatus.CACHE_MODULE_RESPONSE && response.getCode() == HttpStatus.SC_GATEWAY_TIMEOUT
				&& context.getAttribute(OriginErrorRecorder.ATTRIBUTE) instanceof IOException originError) {
			response.close();
			ClassicHttpResponse stale = (this.staleIfUnreachable != null)
					? this.staleIfUnreachable.staleResponse(target(request, scope), request, originError) : null;
			if (stale == null) {
				throw originError;
			}
			response = stale;
			outcome = CacheOutcome.STALE;
		}
		if (outcome == null) {
			outcome = GuardedHttpCacheStorage.failedSinceReset() ? CacheOutcome.FAILURE
					: CacheOutcome.of(status, response.getCode());
		}
		this.counts.record(outcome);
		if (outcome == CacheOutcome.HIT) {
			this.counts.recordTierHit(GuardedHttpCacheStorage.tierReadSinceReset());
		}
		if (this.statusHeader) {
			response.setHeader(CacheOutcome.CACHE_STATUS_HEADER, outcome.cacheStatus());
		}
		return response;
	}

	private static HttpHost target(ClassicHttpRequest request, ExecChain.Scope scope) {
		URIAuthority authority = request.getAuthority();
		return (authority != null) ? new HttpHost(request.getScheme(), authority) : scope.route.getTargetHost();
	}

}
