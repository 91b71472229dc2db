package dev.resilience.etag;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.resilience.etag.ResourceState.Existence;
import dev.resilience.support.LettuceStoreConnection;
import dev.resilience.support.RedisScript;
import dev.resilience.support.RemoteStoreGuard;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * {@link ResourceVersionStore} in Redis, shared by every instance that uses the same Redis and key prefix. A read is
 * one {@code HMGET} (and, the first time a key is seen, a script that records it). Every other operation is one Lua
 * script on one key, so it is one round trip and atomic across instances: of concurrent writes
 * holding the same entity tag, exactly one {@link #reserveCurrent reserves} the instance, whichever instance they go
 * through. A conditional write costs two round trips: {@link #reserveCurrent} before its handler, {@link #changed}
 * or {@link #release} after it; a read costs one.
 *
 * <p>One Redis hash per resource instance (fields {@code v} version, {@code m} modification time, {@code e}
 * existence, and while a conditional write holds it {@code r} its token and {@code x} the end of its lease), under
 * {@code <prefix><resource length>:<resource>:<key>}, expiring after the time-to-live since it was recorded or last
 * written (reads do not extend it, so that a {@code 304} costs Redis a single command). A missing
 * key (expired, evicted, Redis restarted empty) is a fresh version of unknown existence: one full response, never a
 * false {@code 304}.
 *
 * <p>Calls go through a {@link RemoteStoreGuard}: a timeout of its own and a circuit breaker. While Redis cannot be
 * used, {@link #current}, {@link #currentOrRecord}, {@link #reserveCurrent} and {@link #reserve} throw, so that
 * reads are answered without a {@code 304} and conditional writes are refused with {@code 503}; {@link #changed}
 * cannot throw: an unconditional
 * write proceeds, and the store remembers the instances it changed (at most {@code maxPendingChanges}; beyond that,
 * that it must drop every key under its prefix) and gives them fresh versions as soon as Redis answers again, before
 * any other operation of this instance and from a background task, so that no instance keeps matching a tag issued
 * before that write.
 *
 * <p>Talks to Redis through the native asynchronous Lettuce connection of the application's
 * {@link RedisConnectionFactory} (shared with the application's own use of Redis, unless the factory is configured
 * not to share it), so that the guard's timeout bounds every call.
 */
public final class RedisResourceVersionStore implements ResourceVersionStore, AutoCloseable {

	private static final Log logger = LogFactory.getLog(RedisResourceVersionStore.class);

	private static final String PRELUDE = """
			redis.replicate_commands()
			local function now()
			  local t = redis.call('TIME')
			  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			end
			local function state(k)
			  local s = redis.call('HMGET', k, 'v', 'm', 'e', 'r', 'x')
			  if not s[1] then return nil end
			  if s[4] and (not s[5] or tonumber(s[5]) < now()) then s[4] = false end
			  return s
			end
			local function reply(s) return {s[1], s[2], s[3], s[4] or ''} end
			""";

	// ARGV: ttl, fresh version, fresh millis
	private static final RedisScript CURRENT_OR_RECORD = script(ScriptOutputType.MULTI, """
			local s = state(KEYS[1])
			if not s then
			  redis.call('HSET', KEYS[1], 'v', ARGV[2], 'm', ARGV[3], 'e', 'U')
			  redis.call('PEXPIRE', KEYS[1], ARGV[1])
			  s = {ARGV[2], ARGV[3], 'U', false}
			end
			return reply(s)
			""");

	// ARGV: ttl, fresh version, fresh millis, seen version, seen existence, observed existence
	private static final RedisScript OBSERVE = script(ScriptOutputType.MULTI, """
			local s = state(KEYS[1])
			if not s or s[1] ~= ARGV[4] or s[3] ~= ARGV[5] or s[4] or s[3] == ARGV[6] then return nil end
			if s[3] == 'A' then s[1] = ARGV[2]; s[2] = ARGV[3] end
			redis.call('HSET', KEYS[1], 'v', s[1], 'm', s[2], 'e', ARGV[6])
			redis.call('HDEL', KEYS[1], 'r', 'x')
			redis.call('PEXPIRE', KEYS[1], ARGV[1])
			return {s[1], s[2], ARGV[6], ''}
			""");

	// ARGV: ttl, expected version, expected existence, token, lease millis
	private static final RedisScript RESERVE = script(ScriptOutputType.MULTI, """
			local s = state(KEYS[1])
			if not s or s[1] ~= ARGV[2] or s[3] ~= ARGV[3] or s[4] then return nil end
			redis.call('HSET', KEYS[1], 'r', ARGV[4], 'x', string.format('%d', now() + tonumber(ARGV[5])))
			redis.call('PEXPIRE', KEYS[1], ARGV[1])
			return {s[1], s[2], s[3], ARGV[4]}
			""");

	// ARGV: ttl, fresh version, fresh millis, token, lease millis; the fifth reply field is 1 if this call reserved
	private static final RedisScript RESERVE_CURRENT = script(ScriptOutputType.MULTI, """
			local s = state(KEYS[1])
			if not s then
			  redis.call('HSET', KEYS[1], 'v', ARGV[2], 'm', ARGV[3], 'e', 'U')
			  s = {ARGV[2], ARGV[3], 'U', false}
			end
			local reserved = 0
			if not s[4] then
			  redis.call('HSET', KEYS[1], 'r', ARGV[4], 'x', string.format('%d', now() + tonumber(ARGV[5])))
			  s[4] = ARGV[4]
			  reserved = 1
			end
			redis.call('PEXPIRE', KEYS[1], ARGV[1])
			return {s[1], s[2], s[3], s[4], reserved}
			""");

	// ARGV: ttl, fresh version, fresh millis, existence, token of this write or ''
	private static final RedisScript CHANGED = script(ScriptOutputType.MULTI, """
			local s = state(KEYS[1])
			local v = ARGV[2]
			if s and s[1] == v then v = v .. '0' end
			local r = false
			if s and s[4] and s[4] ~= ARGV[5] then r = s[4] end
			redis.call('HSET', KEYS[1], 'v', v, 'm', ARGV[3], 'e', ARGV[4])
			if not r then redis.call('HDEL', KEYS[1], 'r', 'x') end
			redis.call('PEXPIRE', KEYS[1], ARGV[1])
			return {v, ARGV[3], ARGV[4], r or ''}
			""");

	// ARGV: token
	private static final RedisScript RELEASE = script(ScriptOutputType.INTEGER, """
			if redis.call('HGET', KEYS[1], 'r') == ARGV[1] then
			  redis.call('HDEL', KEYS[1], 'r', 'x')
			  return 1
			end
			return 0
			""");

	private static final byte[] EMPTY = new byte[0];

	private static final byte[][] FIELDS = { { 'v' }, { 'm' }, { 'e' }, { 'r' }, { 'x' } };

	private final LettuceStoreConnection redis;

	private final RemoteStoreGuard guard;

	private final String prefix;

	private final byte[] ttl;

	private final byte[] lease;

	private final int maxPendingChanges;

	private final String instanceId = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);

	private final AtomicLong reservations = new AtomicLong();

	private final Map<String, PendingChange> pending = new ConcurrentHashMap<>();

	private final AtomicBoolean overflowed = new AtomicBoolean();

	private final ScheduledExecutorService recovery;

	private volatile boolean dirty;

	/**
	 * Create a store.
	 * @param connectionFactory the application's connection factory (Lettuce)
	 * @param guard the timeout and circuit breaker every call goes through
	 * @param prefix prefix of every key the store writes
	 * @param timeToLive how long the state of an instance is kept after it was recorded or last written
	 * @param reservationLease how long a conditional write may hold an instance before others may change it (a write
	 * whose instance died before it committed)
	 * @param maxPendingChanges how many instances changed while Redis was unreachable are remembered one by one;
	 * beyond that, every key under the prefix is dropped when Redis answers again
	 */
	public RedisResourceVersionStore(RedisConnectionFactory connectionFactory, RemoteStoreGuard guard, String prefix,
			Duration timeToLive, Duration reservationLease, int maxPendingChanges) {
		this.redis = new LettuceStoreConnection(connectionFactory, "resilience.etag.store");
		this.guard = guard;
		this.prefix = prefix;
		this.ttl = ascii(Long.toString(timeToLive.toMillis()));
		this.lease = ascii(Long.toString(reservationLease.toMillis()));
		this.maxPendingChanges = maxPendingChanges;
		this.recovery = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "resilience-etag-redis-recovery");
			thread.setDaemon(true);
			return thread;
		});
		long period = Math.max(100, reservationLease.toMillis() / 10);
		this.recovery.scheduleWithFixedDelay(this::recoverInBackground, period, period, TimeUnit.MILLISECONDS);
	}

	@Override
	public @Nullable ResourceState current(String resource, String key) {
		return read(key(resource, key));
	}

	@Override
	public ResourceState currentOrRecord(String resource, String key) {
		String redisKey = key(resource, key);
		ResourceState found = read(redisKey);
		if (found != null) {
			return found;
		}
		long millis = System.currentTimeMillis();
		ResourceState state = state(run(CURRENT_OR_RECORD, redisKey, this.ttl, freshVersion(millis),
				ascii(Long.toString(millis))));
		if (state == null) {
			throw new IllegalStateException("Redis returned no state after recording one");
		}
		return state;
	}

	@Override
	public ResourceState observe(String resource, String key, ResourceState seen, boolean exists) {
		long millis = System.currentTimeMillis();
		try {
			ResourceState state = state(run(OBSERVE, key(resource, key), this.ttl, freshVersion(millis),
					ascii(Long.toString(millis)), utf8(seen.version().value()), existence(seen.existence()),
					existence(exists ? Existence.PRESENT : Existence.ABSENT)));
			return (state != null) ? state : seen;
		}
		catch (RuntimeException ex) {
			// an observation only saves a later round trip; the guard has counted and logged the failure
			return seen;
		}
	}

	@Override
	public @Nullable ResourceState reserve(String resource, String key, ResourceState expected) {
		if (expected.isReserved()) {
			return null;
		}
		String token = this.instanceId + '.' + Long.toString(this.reservations.incrementAndGet(), 36);
		return state(run(RESERVE, key(resource, key), this.ttl, utf8(expected.version().value()),
				existence(expected.existence()), ascii(token), this.lease));
	}

	@Override
	public Reservation reserveCurrent(String resource, String key) {
		long millis = System.currentTimeMillis();
		String token = this.instanceId + '.' + Long.toString(this.reservations.incrementAndGet(), 36);
		List<?> reply = run(RESERVE_CURRENT, key(resource, key), this.ttl, freshVersion(millis),
				ascii(Long.toString(millis)), ascii(token), this.lease);
		ResourceState state = state(reply);
		if (state == null || reply.size() < 5) {
			throw new IllegalStateException("Redis returned no state after recording one");
		}
		return new Reservation(state, Long.valueOf(1).equals(reply.get(4)));
	}

	@Override
	public ResourceState changed(String resource, String key, boolean exists, @Nullable ResourceState reserved) {
		String redisKey = key(resource, key);
		String token = (reserved != null) ? reserved.reservation() : null;
		try {
			ResourceState state = change(redisKey, exists, token);
			if (state != null) {
				return state;
			}
		}
		catch (RuntimeException ex) {
			remember(redisKey, new PendingChange(exists, token));
		}
		// not recorded yet: a version no client holds, of which nothing is stored
		long millis = System.currentTimeMillis();
		return new ResourceState(new ResourceVersion(new String(freshVersion(millis), StandardCharsets.US_ASCII),
				Instant.ofEpochMilli(millis)), exists ? Existence.PRESENT : Existence.ABSENT, null);
	}

	@Override
	public void release(String resource, String key, ResourceState reserved) {
		String token = reserved.reservation();
		if (token == null) {
			return;
		}
		try {
			run(RELEASE, key(resource, key), ascii(token));
		}
		catch (RuntimeException ex) {
			// the reservation ends with its lease
		}
	}

	@Override
	public boolean isShared() {
		return true;
	}

	@Override
	public long retryAfterSeconds() {
		return this.guard.retryAfterSeconds();
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> details = new LinkedHashMap<>();
		RemoteStoreGuard.State state = this.guard.state();
		details.put("kind", "redis");
		details.put("health", (state == RemoteStoreGuard.State.CLOSED) ? "UP" : "DOWN");
		details.put("breaker", state.name());
		details.put("keyPrefix", this.prefix);
		details.put("calls", this.guard.calls());
		details.put("failures", this.guard.failures());
		details.put("rejected", this.guard.rejected());
		details.put("pendingChanges", this.pending.size());
		details.put("pendingChangesOverflowed", this.overflowed.get());
		return details;
	}

	/**
	 * Timeout and circuit breaker of this store's calls.
	 * @return the guard
	 */
	public RemoteStoreGuard guard() {
		return this.guard;
	}

	/**
	 * Number of instances changed while Redis was unreachable whose fresh version is not recorded yet.
	 * @return the count
	 */
	public int pendingChanges() {
		return this.pending.size();
	}

	/**
	 * Whether more instances changed while Redis was unreachable than are remembered one by one, so that every key
	 * under the prefix will be dropped when Redis answers again.
	 * @return whether the pending changes overflowed
	 */
	public boolean pendingChangesOverflowed() {
		return this.overflowed.get();
	}

	/**
	 * Prefix of every key this store writes.
	 * @return the prefix
	 */
	public String prefix() {
		return this.prefix;
	}

	@Override
	public void close() {
		this.recovery.shutdownNow();
	}

	private @Nullable ResourceState change(String redisKey, boolean exists, @Nullable String token) {
		long millis = System.currentTimeMillis();
		return state(runWithoutRecovery(CHANGED, redisKey, this.ttl, freshVersion(millis),
				ascii(Long.toString(millis)), existence(exists ? Existence.PRESENT : Existence.ABSENT),
				(token != null) ? ascii(token) : EMPTY));
	}

	private void remember(String redisKey, PendingChange change) {
		if (this.pending.size() >= this.maxPendingChanges && !this.pending.containsKey(redisKey)) {
			this.overflowed.set(true);
		}
		else {
			this.pending.put(redisKey, change);
		}
		this.dirty = true;
	}

	private void recoverInBackground() {
		if (this.dirty && this.guard.state() != RemoteStoreGuard.State.HALF_OPEN) {
			try {
				recover();
			}
			catch (RuntimeException ex) {
				// still unreachable: the guard has counted and logged it; try again at the next period
			}
		}
	}

	/**
	 * Give fresh versions to the instances changed while Redis was unreachable. An entry is forgotten only once its
	 * change is recorded, so that a concurrent read waits for (or does) the same change instead of matching an old tag.
	 */
	private void recover() {
		if (this.overflowed.get()) {
			dropAll();
			this.overflowed.set(false);
		}
		for (Map.Entry<String, PendingChange> entry : this.pending.entrySet()) {
			PendingChange change = entry.getValue();
			change(entry.getKey(), change.exists(), change.token());
			this.pending.remove(entry.getKey(), change);
		}
		this.dirty = false;
		if (!this.pending.isEmpty() || this.overflowed.get()) {
			this.dirty = true;
		}
	}

	private void dropAll() {
		ScanArgs args = ScanArgs.Builder.matches(glob(this.prefix) + "*").limit(500);
		ScanCursor cursor = ScanCursor.INITIAL;
		do {
			ScanCursor from = cursor;
			KeyScanCursor<byte[]> page = this.guard.call(() -> this.redis.commands().scan(from, args));
			List<byte[]> keys = page.getKeys();
			if (!keys.isEmpty()) {
				this.guard.call(() -> this.redis.commands().unlink(keys.toArray(new byte[0][])));
			}
			cursor = page;
		}
		while (!cursor.isFinished());
		logger.warn("resilience.etag.store: more instances changed while Redis was unreachable than "
				+ "resilience.etag.redis.max-pending-changes=" + this.maxPendingChanges
				+ "; dropped every key under '" + this.prefix + "' so that no old entity tag matches");
	}

	/**
	 * The state of a key by a plain {@code HMGET}: a read needs no atomicity beyond one command, and Redis runs it at a
	 * fraction of a script's cost. A reservation whose lease has ended by this instance's clock is none; a script that
	 * acts on it checks the lease again against the server's clock.
	 */
	private @Nullable ResourceState read(String redisKey) {
		if (this.dirty) {
			recover();
		}
		byte[] key = utf8(redisKey);
		List<KeyValue<byte[], byte[]>> fields = this.guard.call(() -> this.redis.commands().hmget(key, FIELDS));
		if (fields.size() < FIELDS.length || !fields.get(0).hasValue()) {
			return null;
		}
		byte[] reservation = fields.get(3).getValueOrElse(null);
		byte[] leaseEnd = fields.get(4).getValueOrElse(null);
		if (reservation != null && (leaseEnd == null
				|| Long.parseLong(new String(leaseEnd, StandardCharsets.US_ASCII)) < System.currentTimeMillis())) {
			reservation = null;
		}
		return state(Arrays.asList(fields.get(0).getValue(), fields.get(1).getValueOrElse(null),
				fields.get(2).getValueOrElse(null), reservation));
	}

	private <T> T run(RedisScript script, String key, byte[]... args) {
		if (this.dirty) {
			recover();
		}
		return runWithoutRecovery(script, key, args);
	}

	private <T> T runWithoutRecovery(RedisScript script, String key, byte[]... args) {
		byte[][] keys = { utf8(key) };
		return this.guard.call(() -> this.redis.evaluate(script, keys, args));
	}

	private static @Nullable ResourceState state(@Nullable Object reply) {
		if (!(reply instanceof List<?> fields) || fields.size() < 4) {
			return null;
		}
		String version = string(fields.get(0));
		String millis = string(fields.get(1));
		String existence = string(fields.get(2));
		String reservation = string(fields.get(3));
		Instant modifiedAt = (millis.isEmpty()) ? null : Instant.ofEpochMilli(Long.parseLong(millis));
		Existence parsed = switch (existence) {
			case "P" -> Existence.PRESENT;
			case "A" -> Existence.ABSENT;
			default -> Existence.UNKNOWN;
		};
		return new ResourceState(new ResourceVersion(version, modifiedAt), parsed,
				reservation.isEmpty() ? null : reservation);
	}

	private static String string(@Nullable Object value) {
		return (value instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : "";
	}

	private static byte[] existence(Existence existence) {
		return switch (existence) {
			case PRESENT -> P;
			case ABSENT -> A;
			case UNKNOWN -> U;
		};
	}

	private static final byte[] P = { 'P' };

	private static final byte[] A = { 'A' };

	private static final byte[] U = { 'U' };

	private static RedisScript script(ScriptOutputType output, String body) {
		return RedisScript.of(output, PRELUDE + body);
	}

	private String key(String resource, String key) {
		return this.prefix + resource.length() + ':' + resource + ':' + key;
	}

	private static byte[] freshVersion(long millis) {
		return ascii(Long.toHexString(millis) + '-' + Long.toHexString(ThreadLocalRandom.current().nextLong()));
	}

	private static String glob(String literal) {
		StringBuilder escaped = new StringBuilder(literal.length() + 4);
		for (int i = 0; i < literal.length(); i++) {
			char c = literal.charAt(i);
			if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
				escaped.append('\\');
			}
			escaped.append(c);
		}
		return escaped.toString();
	}

	private static byte[] ascii(String value) {
		return value.getBytes(StandardCharsets.US_ASCII);
	}

	private static byte[] utf8(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	private record PendingChange(boolean exists, @Nullable String token) {
	}

}
