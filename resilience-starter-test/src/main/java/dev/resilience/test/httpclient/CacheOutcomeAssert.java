package dev.resilience.test.httpclient;

import dev.resilience.httpclient.CacheOutcome;
import org.assertj.core.api.AbstractAssert;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;

/**
 * AssertJ assertions on the cache outcome of a response of the shared client. Reads the debug {@code Cache-Status}
 * header, so the test must set {@code resilience.http-client.cache.status-header=true}.
 *
 * <pre class="code">
 * ResponseEntity&lt;String&gt; response = restClient.get().uri(uri).retrieve().toEntity(String.class);
 * assertThatCacheOutcome(response).isHit();
 * </pre>
 */
public final class CacheOutcomeAssert extends AbstractAssert<CacheOutcomeAssert, HttpHeaders> {

	private CacheOutcomeAssert(HttpHeaders headers) {
		super(headers, CacheOutcomeAssert.class);
	}

	/**
	 * Assertions on a response's cache outcome.
	 * @param response the response
	 * @return the assertions
	 */
	public static CacheOutcomeAssert assertThatCacheOutcome(ResponseEntity<?> response) {
		return new CacheOutcomeAssert(response.getHeaders());
	}

	/**
	 * Assertions on the cache outcome named by response headers.
	 * @param headers the response headers
	 * @return the assertions
	 */
	public static CacheOutcomeAssert assertThatCacheOutcome(HttpHeaders headers) {
		return new CacheOutcomeAssert(headers);
	}

	/**
	 * Verify the outcome.
	 * @param expected the expected outcome
	 * @return this
	 */
	public CacheOutcomeAssert is(CacheOutcome expected) {
		isNotNull();
		String status = this.actual.getFirst(CacheOutcome.CACHE_STATUS_HEADER);
		if (status == null) {
			failWithMessage("Expected a %s header naming cache outcome <%s> but there was none; set "
					+ "resilience.http-client.cache.status-header=true", CacheOutcome.CACHE_STATUS_HEADER, expected);
		}
		CacheOutcome actualOutcome = CacheOutcome.fromCacheStatus(status);
		if (actualOutcome != expected) {
			failWithMessage("Expected cache outcome <%s> but was <%s> (%s: %s)", expected, actualOutcome,
					CacheOutcome.CACHE_STATUS_HEADER, status);
		}
		return this;
	}

	/**
	 * Verify the response was served from the cache without contacting the origin.
	 * @return this
	 */
	public CacheOutcomeAssert isHit() {
		return is(CacheOutcome.HIT);
	}

	/**
	 * Verify the response came from the origin because nothing usable was stored.
	 * @return this
	 */
	public CacheOutcomeAssert isMiss() {
		return is(CacheOutcome.MISS);
	}

	/**
	 * Verify a stored response was revalidated with the origin.
	 * @return this
	 */
	public CacheOutcomeAssert isRevalidated() {
		return is(CacheOutcome.REVALIDATED);
	}

	/**
	 * Verify a stale response was served because the origin failed.
	 * @return this
	 */
	public CacheOutcomeAssert isStale() {
		return is(CacheOutcome.STALE);
	}

	/**
	 * Verify the cache store failed and the response came from the origin.
	 * @return this
	 */
	public CacheOutcomeAssert isFailure() {
		return is(CacheOutcome.FAILURE);
	}

}
