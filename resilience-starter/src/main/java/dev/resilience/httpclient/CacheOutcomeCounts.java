package dev.resilience.httpclient;

import java.util.concurrent.atomic.LongAdder;

/**
 * Running count of cache outcomes of the shared client. Recording is a {@link LongAdder} increment: no lock, no
 * allocation. Micrometer reads the counts through function counters; the actuator section reads the hit ratio.
 */
public final class CacheOutcomeCounts {

	private static final CacheOutcome[] OUTCOMES = CacheOutcome.values();

	private final LongAdder[] counts = new LongAdder[OUTCOMES.length];

	private final LongAdder collapsed = new LongAdder();

	private final LongAdder[] tierHits;

	/**
	 * Counts for a store of one tier.
	 */
	public CacheOutcomeCounts() {
		this(1);
	}

	/**
	 * Counts for a store of tiers.
	 * @param tiers number of the store's tiers ({@link HttpCacheStore#tiers()})
	 */
	public CacheOutcomeCounts(int tiers) {
		for (int i = 0; i < this.counts.length; i++) {
			this.counts[i] = new LongAdder();
		}
		this.tierHits = new LongAdder[Math.max(1, tiers)];
		for (int i = 0; i < this.tierHits.length; i++) {
			this.tierHits[i] = new LongAdder();
		}
	}

	/**
	 * Number of store tiers whose hits are counted.
	 * @return the tier count
	 */
	public int tiers() {
		return this.tierHits.length;
	}

	/**
	 * Count one hit served from a tier of the store.
	 * @param tier index of the tier in {@link HttpCacheStore#tiers()}
	 */
	public void recordTierHit(int tier) {
		this.tierHits[(tier >= 0 && tier < this.tierHits.length) ? tier : 0].increment();
	}

	/**
	 * Hits served from a tier since start; over all tiers, the {@link CacheOutcome#HIT} count.
	 * @param tier index of the tier in {@link HttpCacheStore#tiers()}
	 * @return the count, {@code 0} for a tier the store does not have
	 */
	public long tierHits(int tier) {
		return (tier >= 0 && tier < this.tierHits.length) ? this.tierHits[tier].sum() : 0;
	}

	/**
	 * Count one response.
	 * @param outcome what the cache did
	 */
	public void record(CacheOutcome outcome) {
		this.counts[outcome.ordinal()].increment();
	}

	/**
	 * Responses with the given outcome since start.
	 * @param outcome the outcome
	 * @return the count
	 */
	public long count(CacheOutcome outcome) {
		return this.counts[outcome.ordinal()].sum();
	}

	/**
	 * Count one request that waited for a concurrent request to the same URL and was served what that one stored.
	 */
	public void recordCollapsed() {
		this.collapsed.increment();
	}

	/**
	 * Requests served through request collapsing since start (followers, not leaders).
	 * @return the count
	 */
	public long collapsed() {
		return this.collapsed.sum();
	}

	/**
	 * Share of responses served from the cache (hits and stale) or confirmed by a cheap revalidation, among all counted
	 * responses.
	 * @return the ratio in {@code [0, 1]}, {@code 0} before the first response
	 */
	public double hitRatio() {
		long total = 0;
		for (LongAdder count : this.counts) {
			total += count.sum();
		}
		if (total == 0) {
			return 0;
		}
		long served = count(CacheOutcome.HIT) + count(CacheOutcome.STALE) + count(CacheOutcome.REVALIDATED);
		return (double) served / total;
	}

}
