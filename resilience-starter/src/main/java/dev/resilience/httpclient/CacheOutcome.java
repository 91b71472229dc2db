package dev.resilience.httpclient;

import org.apache.hc.client5.http.cache.CacheResponseStatus;

/**
 * What the shared HTTP cache did for one response, the {@code outcome} tag of {@code resilience.http.client.cache.requests}.
 */
public enum CacheOutcome {

	/** Served from the cache without contacting the origin. */
	HIT("hit", "resilience; hit"),

	/** Not in the cache (or not cacheable): the origin answered. */
	MISS("miss", "resilience; fwd=miss"),

	/** A stored response was revalidated with the origin ({@code 304} or a fresh {@code 200}). */
	REVALIDATED("revalidated", "resilience; fwd=stale"),

	/**
	 * Served stale by the cache itself, without an answer from the origin: stale-if-error, or the origin unreachable.
	 */
	STALE("stale", "resilience; hit; detail=stale"),

	/** The request asked for {@code only-if-cached} and nothing suitable was stored: the cache answered {@code 504}. */
	UNSATISFIED("unsatisfied", "resilience; fwd=miss; detail=only-if-cached"),

	/** The cache store failed; the request went to the origin. */
	FAILURE("failure", "resilience; fwd=miss; detail=store-failure");

	/** Name of the opt-in debug response header that carries {@link #cacheStatus()}. */
	public static final String CACHE_STATUS_HEADER = "Cache-Status";

	private final String tag;

	private final String cacheStatus;

	CacheOutcome(String tag, String cacheStatus) {
		this.tag = tag;
		this.cacheStatus = cacheStatus;
	}

	/**
	 * Value of the debug {@code Cache-Status} response header (RFC 9211 syntax, cache name {@code resilience}).
	 * @return the header value
	 */
	public String cacheStatus() {
		return this.cacheStatus;
	}

	/**
	 * Read the outcome back from a debug {@code Cache-Status} header value.
	 * @param cacheStatus the header value, may be {@code null}
	 * @return the outcome, or {@code null} when the value is not one the shared client writes
	 */
	public static CacheOutcome fromCacheStatus(String cacheStatus) {
		for (CacheOutcome outcome : values()) {
			if (outcome.cacheStatus.equals(cacheStatus)) {
				return outcome;
			}
		}
		return null;
	}

	/**
	 * Value of the {@code outcome} metric tag.
	 * @return the tag value
	 */
	public String tag() {
		return this.tag;
	}

	/**
	 * Map HttpClient's cache status to an outcome.
	 * @param status the status HttpClient recorded, or {@code null} when the cache did not run
	 * @param statusCode the response's status code
	 * @return the outcome
	 */
	public static CacheOutcome of(CacheResponseStatus status, int statusCode) {
		if (status == null) {
			return MISS;
		}
		return switch (status) {
			case CACHE_HIT -> HIT;
			case CACHE_MISS -> MISS;
			case VALIDATED -> REVALIDATED;
			case FAILURE -> FAILURE;
			case CACHE_MODULE_RESPONSE -> (statusCode == 504) ? UNSATISFIED : STALE;
		};
	}

}
