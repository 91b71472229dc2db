package dev.resilience.httpclient;

import org.apache.hc.client5.http.cache.CacheResponseStatus;

/**
 * What the shared HTTP cache did for one response, the {@code outcome} tag of {@code resilience.http.cache.requests}.
 */
public enum CacheOutcome {

	/** Served from the cache without contacting the origin. */
	HIT("hit"),

	/** Not in the cache (or not cacheable): the origin answered. */
	MISS("miss"),

	/** A stored response was revalidated with the origin ({@code 304} or a fresh {@code 200}). */
	REVALIDATED("revalidated"),

	/** Served stale by the cache itself (stale-if-error) without a usable answer from the origin. */
	STALE("stale"),

	/** The request asked for {@code only-if-cached} and nothing suitable was stored: the cache answered {@code 504}. */
	UNSATISFIED("unsatisfied"),

	/** The cache store failed; the request went to the origin. */
	FAILURE("failure");

	private final String tag;

	CacheOutcome(String tag) {
		this.tag = tag;
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
