package dev.resilience.httpclient;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import dev.resilience.support.LettuceStoreConnection;
import dev.resilience.support.RedisScript;
import dev.resilience.support.RemoteStoreGuard;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import org.apache.hc.client5.http.cache.HttpCacheCASOperation;
import org.apache.hc.client5.http.cache.HttpCacheEntry;
import org.apache.hc.client5.http.cache.HttpCacheStorageEntry;
import org.apache.hc.client5.http.cache.HttpCacheUpdateException;
import org.apache.hc.client5.http.cache.ResourceIOException;
import org.apache.hc.client5.http.impl.cache.HttpByteArrayCacheEntrySerializer;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHeaders;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Store of the shared HTTP cache in Redis, shared by every instance that uses the same Redis and key prefix: what one
 * instance fetched, the others are served. One Redis string per cache entry, under {@code <prefix><cache key>},
 * serialised with httpclient5-cache's own {@link HttpByteArrayCacheEntrySerializer}.
 *
 * <p>Each entry expires when no rule of the cache can use it any more: after its remaining freshness lifetime
 * ({@code s-maxage} in a shared cache, else {@code max-age}, else {@code Expires} minus {@code Date}, less its current
 * age) plus the longest stale allowance that may apply (the configured stale-if-unreachable bound, the response's
 * {@code stale-while-revalidate} and {@code stale-if-error}). An entry that can be revalidated (it has an
 * {@code ETag} or {@code Last-Modified}) or has no explicit freshness is kept at least {@code revalidationTimeToLive}.
 * An entry whose serialised form is larger than {@code maxEntryBytes}, or that would expire at once, is not stored
 * (and any older entry under its key is removed).
 *
 * <p>{@link #updateEntry} is a compare-and-set that is atomic across instances: the entry is read, the operation
 * computes its replacement, and one Lua script replaces it only if the stored value still has the SHA-1 digest of
 * what was read (or is still absent). A Lua script rather than {@code WATCH}/{@code MULTI} because {@code WATCH} holds
 * state on its connection, and the store shares the application's one multiplexed Lettuce connection with every
 * thread; the script also costs one round trip and sends a 40-byte digest instead of the old value.
 *
 * <p>Every call goes through a {@link RemoteStoreGuard} (a short timeout of its own and a circuit breaker): while
 * Redis cannot be used, calls fail at once and the cache treats the entry as absent, so requests go to the origin.
 */
public final class RedisHttpCacheStore implements HttpCacheStore {

	private static final HttpByteArrayCacheEntrySerializer SERIALIZER = HttpByteArrayCacheEntrySerializer.INSTANCE;

	private static final RedisScript CAS = RedisScript.of(ScriptOutputType.INTEGER, """
			local current = redis.call('GET', KEYS[1])
			if current then current = redis.sha1hex(current) else current = '' end
			if current ~= ARGV[1] then return 0 end
			if ARGV[3] == '0' then
			  redis.call('DEL', KEYS[1])
			else
			  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
			end
			return 1
			""");

	private static final byte[] EMPTY = new byte[0];

	private static final byte[] ZERO = { '0' };

	private final LettuceStoreConnection redis;

	private final RemoteStoreGuard guard;

	private final String prefix;

	private final long maxEntryBytes;

	private final long staleAllowanceSeconds;

	private final long revalidationSeconds;

	private final boolean shared;

	private final int maxUpdateRetries;

	private final LongAdder oversized = new LongAdder();

	/**
	 * Create a store.
	 * @param connectionFactory the application's connection factory (Lettuce)
	 * @param guard the timeout and circuit breaker every call goes through
	 * @param prefix prefix of every key the store writes
	 * @param maxEntryBytes largest serialised entry (body, headers and metadata) that is stored
	 * @param staleAllowance how long past its freshness an entry may be served stale by configuration (the
	 * stale-if-unreachable bound), kept on top of its freshness lifetime
	 * @param revalidationTimeToLive how long at least an entry that can be revalidated, or that has no explicit
	 * freshness, is kept
	 * @param shared whether the cache is a shared cache ({@code s-maxage} then sets the freshness lifetime)
	 * @param maxUpdateRetries how often a compare-and-set that lost against another writer is retried
	 */
	public RedisHttpCacheStore(RedisConnectionFactory connectionFactory, RemoteStoreGuard guard, String prefix,
			long maxEntryBytes, Duration staleAllowance, Duration revalidationTimeToLive, boolean shared,
			int maxUpdateRetries) {
		this.redis = new LettuceStoreConnection(connectionFactory, "resilience.http-client.cache.store");
		this.guard = guard;
		this.prefix = prefix;
		this.maxEntryBytes = maxEntryBytes;
		this.staleAllowanceSeconds = staleAllowance.toSeconds();
		this.revalidationSeconds = revalidationTimeToLive.toSeconds();
		this.shared = shared;
		this.maxUpdateRetries = Math.max(1, maxUpdateRetries);
	}

	@Override
	public String name() {
		return "redis";
	}

	/**
	 * Not known without scanning Redis.
	 * @return {@code -1}
	 */
	@Override
	public long entryCount() {
		return -1;
	}

	/**
	 * Not known without scanning Redis.
	 * @return {@code -1}
	 */
	@Override
	public long sizeInBytes() {
		return -1;
	}

	@Override
	public void putEntry(String key, HttpCacheEntry entry) throws ResourceIOException {
		byte[] storageKey = storageKey(key);
		byte[] value = SERIALIZER.serialize(new HttpCacheStorageEntry(key, entry));
		long ttl = storableTimeToLive(entry, value);
		if (ttl <= 0) {
			this.guard.call(() -> this.redis.commands().unlink(storageKey).toCompletableFuture());
			return;
		}
		this.guard.call(() -> this.redis.commands().set(storageKey, value, SetArgs.Builder.px(ttl)).toCompletableFuture());
	}

	@Override
	public @Nullable HttpCacheEntry getEntry(String key) throws ResourceIOException {
		byte[] storageKey = storageKey(key);
		return decode(key, this.guard.call(() -> this.redis.commands().get(storageKey).toCompletableFuture()));
	}

	@Override
	public void removeEntry(String key) {
		byte[] storageKey = storageKey(key);
		this.guard.call(() -> this.redis.commands().unlink(storageKey).toCompletableFuture());
	}

	/**
	 * Compare-and-set across instances: the operation's result replaces the entry only if no other writer (on any
	 * instance) changed, created or removed it since it was read; otherwise the update is retried with what is stored
	 * now, at most {@code maxUpdateRetries} times in all. An operation that throws leaves the entry as it was; a
	 * {@code null} result removes it.
	 */
	@Override
	public void updateEntry(String key, HttpCacheCASOperation casOperation)
			throws ResourceIOException, HttpCacheUpdateException {
		byte[] storageKey = storageKey(key);
		for (int attempt = 1;; attempt++) {
			byte[] current = this.guard.call(() -> this.redis.commands().get(storageKey).toCompletableFuture());
			HttpCacheEntry updated = casOperation.execute(decode(key, current));
			byte[] value = EMPTY;
			byte[] ttl = ZERO;
			if (updated != null) {
				byte[] serialized = SERIALIZER.serialize(new HttpCacheStorageEntry(key, updated));
				long millis = storableTimeToLive(updated, serialized);
				if (millis > 0) {
					value = serialized;
					ttl = ascii(Long.toString(millis));
				}
			}
			byte[][] keys = { storageKey };
			byte[][] args = { ascii((current != null) ? RedisScript.sha1Hex(current) : ""), value, ttl };
			Long replaced = this.guard.call(() -> this.redis.<Long>evaluate(CAS, keys, args));
			if (replaced != null && replaced == 1L) {
				return;
			}
			if (attempt >= this.maxUpdateRetries) {
				throw new HttpCacheUpdateException(
						"Cache entry changed by another writer " + attempt + " times while updating it: " + key);
			}
		}
	}

	@Override
	public Map<String, HttpCacheEntry> getEntries(Collection<String> keys) throws ResourceIOException {
		if (keys.isEmpty()) {
			return Map.of();
		}
		List<String> ordered = new ArrayList<>(keys);
		byte[][] storageKeys = new byte[ordered.size()][];
		for (int i = 0; i < storageKeys.length; i++) {
			storageKeys[i] = storageKey(ordered.get(i));
		}
		List<KeyValue<byte[], byte[]>> values = this.guard
			.call(() -> this.redis.commands().mget(storageKeys).toCompletableFuture());
		Map<String, HttpCacheEntry> found = new HashMap<>();
		for (int i = 0; i < values.size() && i < ordered.size(); i++) {
			KeyValue<byte[], byte[]> value = values.get(i);
			HttpCacheEntry entry = value.hasValue() ? decode(ordered.get(i), value.getValue()) : null;
			if (entry != null) {
				found.put(ordered.get(i), entry);
			}
		}
		return found;
	}

	/**
	 * Timeout and circuit breaker of this store's calls.
	 * @return the guard
	 */
	public RemoteStoreGuard guard() {
		return this.guard;
	}

	/**
	 * Prefix of every key this store writes.
	 * @return the prefix
	 */
	public String prefix() {
		return this.prefix;
	}

	/**
	 * Entries not stored because their serialised form was larger than the bound, since creation.
	 * @return the count
	 */
	public long oversized() {
		return this.oversized.sum();
	}

	/**
	 * State of the store for the actuator: breaker, calls, failures, rejected calls, oversized entries.
	 * @return the details
	 */
	public Map<String, Object> describe() {
		Map<String, Object> details = new LinkedHashMap<>();
		RemoteStoreGuard.State state = this.guard.state();
		details.put("health", (state == RemoteStoreGuard.State.CLOSED) ? "UP" : "DOWN");
		details.put("breaker", state.name());
		details.put("keyPrefix", this.prefix);
		details.put("calls", this.guard.calls());
		details.put("failures", this.guard.failures());
		details.put("rejected", this.guard.rejected());
		details.put("oversized", oversized());
		return details;
	}

	/**
	 * Time-to-live in milliseconds an entry is stored with, or {@code 0} when it is not to be stored.
	 */
	private long storableTimeToLive(HttpCacheEntry entry, byte[] serialized) {
		if (serialized.length > this.maxEntryBytes) {
			this.oversized.increment();
			return 0;
		}
		return Math.max(0, timeToLiveSeconds(entry, Instant.now())) * 1000;
	}

	/**
	 * Seconds the entry stays useful: remaining freshness plus the longest stale allowance, and at least the
	 * revalidation time-to-live for an entry with a validator or without explicit freshness.
	 * @param entry the entry
	 * @param now the current time
	 * @return the seconds, {@code 0} or less when the entry is of no use
	 */
	long timeToLiveSeconds(HttpCacheEntry entry, Instant now) {
		long lifetime = -1;
		long maxAge = -1;
		long allowance = this.staleAllowanceSeconds;
		for (Header header : entry.getHeaders(HttpHeaders.CACHE_CONTROL)) {
			for (String directive : header.getValue().split(",")) {
				String name = directive.trim().toLowerCase(Locale.ROOT);
				int equals = name.indexOf('=');
				String value = (equals >= 0) ? name.substring(equals + 1).trim() : "";
				name = (equals >= 0) ? name.substring(0, equals).trim() : name;
				switch (name) {
					case "s-maxage" -> lifetime = this.shared ? seconds(value, lifetime) : lifetime;
					case "max-age" -> maxAge = seconds(value, maxAge);
					case "stale-while-revalidate", "stale-if-error" -> allowance = Math.max(allowance,
							seconds(value, 0));
					default -> {
					}
				}
			}
		}
		if (lifetime < 0) {
			lifetime = maxAge;
		}
		Instant expires = entry.getExpires();
		Instant date = entry.getInstant();
		if (lifetime < 0 && expires != null && date != null) {
			lifetime = Math.max(0, Duration.between(date, expires).toSeconds());
		}
		long ttl = (lifetime >= 0) ? lifetime - currentAge(entry, now) + allowance : 0;
		boolean revalidatable = entry.containsHeader(HttpHeaders.ETAG)
				|| entry.containsHeader(HttpHeaders.LAST_MODIFIED);
		if (lifetime < 0 || revalidatable) {
			ttl = Math.max(ttl, this.revalidationSeconds);
		}
		return ttl;
	}

	/**
	 * Current age (RFC 9111 §4.2.3), in seconds.
	 */
	private static long currentAge(HttpCacheEntry entry, Instant now) {
		Instant responseTime = entry.getResponseInstant();
		Instant date = (entry.getInstant() != null) ? entry.getInstant() : responseTime;
		long apparentAge = Math.max(0, Duration.between(date, responseTime).toSeconds());
		long responseDelay = Math.max(0, Duration.between(entry.getRequestInstant(), responseTime).toSeconds());
		Header ageHeader = entry.getFirstHeader(HttpHeaders.AGE);
		long ageValue = (ageHeader != null) ? Math.max(0, seconds(ageHeader.getValue().trim(), 0)) : 0;
		long residentTime = Math.max(0, Duration.between(responseTime, now).toSeconds());
		return Math.max(apparentAge, ageValue + responseDelay) + residentTime;
	}

	private static long seconds(String value, long fallback) {
		String digits = (value.length() > 1 && value.startsWith("\"") && value.endsWith("\""))
				? value.substring(1, value.length() - 1) : value;
		if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
			return fallback;
		}
		// RFC 9111 §1.2.2: a delta-seconds too large to represent is 2^31
		return (digits.length() > 10) ? 2147483648L : Math.min(2147483648L, Long.parseLong(digits));
	}

	private static @Nullable HttpCacheEntry decode(String key, byte @Nullable [] value) throws ResourceIOException {
		if (value == null || value.length == 0) {
			return null;
		}
		HttpCacheStorageEntry stored = SERIALIZER.deserialize(value);
		// a key the prefix does not separate (or a hash collision of another store) is not this entry
		return key.equals(stored.getKey()) ? stored.getContent() : null;
	}

	private byte[] storageKey(String key) {
		return (this.prefix + key).getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * The Redis store of a store: the store itself, or the shared tier of a {@link TieredHttpCacheStore}.
	 * @param store the configured store
	 * @return the Redis store, or {@code null} when none is involved
	 */
	static @Nullable RedisHttpCacheStore of(@Nullable HttpCacheStore store) {
		if (store instanceof RedisHttpCacheStore redis) {
			return redis;
		}
		if (store instanceof TieredHttpCacheStore tiered && tiered.shared() instanceof RedisHttpCacheStore redis) {
			return redis;
		}
		return null;
	}

	private static byte[] ascii(String value) {
		return value.getBytes(StandardCharsets.US_ASCII);
	}

}
