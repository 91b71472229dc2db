package dev.resilience.httpclient;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import dev.resilience.support.RemoteStoreGuard;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How long the Redis store keeps an entry: remaining freshness plus the longest stale allowance, at least the
 * revalidation time-to-live for an entry with a validator or without explicit freshness.
 */
class RedisHttpCacheStoreTimeToLiveTests {

	private final RedisHttpCacheStore store = new RedisHttpCacheStore(null,
			new RemoteStoreGuard("test", Duration.ofSeconds(1), 3, Duration.ofSeconds(1),
					LogFactory.getLog(RedisHttpCacheStoreTimeToLiveTests.class)),
			"test:", 1024 * 1024, Duration.ofMinutes(1), Duration.ofHours(1), true, 1);

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "max-age=60||120", "max-age=60, s-maxage=30||90",
			"max-age=60, stale-while-revalidate=600||660", "max-age=60, stale-if-error=30||120",
			"max-age=60|Age: 50|70", "max-age=60|Age: 600|0", "max-age=60|ETag: \"v1\"|3600",
			"max-age=7200|ETag: \"v1\"|7260", "no-cache|ETag: \"v1\"|3600", "public||3600" })
	void timeToLiveIsRemainingFreshnessPlusTheStaleAllowance(String cacheControl, String header, long expected) {
		String[] headers = (header == null) ? new String[0] : header.split(": ", 2);
		long ttl = this.store.timeToLiveSeconds(TieredHttpCacheStoreTests.entry(10, cacheControl, headers),
				Instant.now());
		assertThat(Math.max(0, ttl)).isBetween(expected - 1, expected);
	}

	@ParameterizedTest
	@CsvSource({ "3600, 3660", "0, 60" })
	void expiresMinusDateIsTheFreshnessWithoutMaxAge(long seconds, long expected) {
		Instant date = Instant.now();
		String expires = org.apache.hc.client5.http.utils.DateUtils
			.formatStandardDate(date.plusMillis(TimeUnit.SECONDS.toMillis(seconds)));
		long ttl = this.store.timeToLiveSeconds(TieredHttpCacheStoreTests.entry(10, "public", "Expires", expires,
				"Date", org.apache.hc.client5.http.utils.DateUtils.formatStandardDate(date)), Instant.now());
		assertThat(ttl).isBetween(expected - 1, expected);
	}

}
