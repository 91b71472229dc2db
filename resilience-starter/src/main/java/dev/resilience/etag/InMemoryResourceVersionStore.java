package dev.resilience.etag;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.resilience.etag.ResourceState.Existence;
import org.jspecify.annotations.Nullable;

/**
 * {@link ResourceVersionStore} in this JVM's memory, bounded by a maximum number of entries (least recently used
 * entries are evicted; an evicted instance simply gets a fresh version of unknown existence, which costs its clients
 * one full response). One entry per resource instance holds its version, its existence and a conditional write's
 * reservation; instances that clients only name (a {@code 404} remembered as absent) count against the same bound.
 * Every operation is one atomic {@code compute} on the instance's entry.
 *
 * <p>Each version value combines the current time with 64 random bits, so values never repeat across restarts: a
 * client holding an entity tag from before a restart gets a full {@code 200}, never a false {@code 304}.
 *
 * <p><strong>Correct on a single instance only.</strong> Instance B never hears of a change made through instance A
 * and keeps answering {@code 304} for the old content. Use a shared store or {@link ResourceVersionResolver}s when the
 * application runs on more than one instance.
 */
public final class InMemoryResourceVersionStore implements ResourceVersionStore {

	private final Cache<Key, ResourceState> states;

	private final long maxEntries;

	private final Clock clock;

	private final AtomicLong reservations = new AtomicLong();

	/**
	 * Create a store.
	 * @param maxEntries the maximum number of resource instances whose state is kept
	 */
	public InMemoryResourceVersionStore(long maxEntries) {
		this(maxEntries, Clock.systemUTC());
	}

	/**
	 * Create a store with a given clock for modification times.
	 * @param maxEntries the maximum number of resource instances whose state is kept
	 * @param clock the clock that stamps new versions
	 */
	public InMemoryResourceVersionStore(long maxEntries, Clock clock) {
		if (maxEntries < 1) {
			throw new IllegalArgumentException("maxEntries must be at least 1");
		}
		this.maxEntries = maxEntries;
		this.clock = clock;
		this.states = Caffeine.newBuilder().maximumSize(maxEntries).executor(Runnable::run).build();
	}

	@Override
	public @Nullable ResourceState current(String resource, String key) {
		return this.states.getIfPresent(new Key(resource, key));
	}

	@Override
	public ResourceState currentOrRecord(String resource, String key) {
		return this.states.get(new Key(resource, key), (k) -> new ResourceState(fresh(null), Existence.UNKNOWN, null));
	}

	@Override
	public ResourceState observe(String resource, String key, ResourceState seen, boolean exists) {
		Existence observed = exists ? Existence.PRESENT : Existence.ABSENT;
		ResourceState[] applied = new ResourceState[1];
		this.states.asMap().computeIfPresent(new Key(resource, key), (k, current) -> {
			if (!current.equals(seen) || current.isReserved() || current.existence() == observed) {
				return current;
			}
			// back from absent: whatever a client may hold from before describes other content
			ResourceVersion version = (current.existence() == Existence.ABSENT) ? fresh(current.version())
					: current.version();
			applied[0] = new ResourceState(version, observed, null);
			return applied[0];
		});
		return (applied[0] != null) ? applied[0] : seen;
	}

	@Override
	public @Nullable ResourceState reserve(String resource, String key, ResourceState expected) {
		String token = Long.toString(this.reservations.incrementAndGet(), 36);
		ResourceState[] reserved = new ResourceState[1];
		this.states.asMap().computeIfPresent(new Key(resource, key), (k, current) -> {
			if (!current.equals(expected) || current.isReserved()) {
				return current;
			}
			reserved[0] = current.reservedBy(token);
			return reserved[0];
		});
		return reserved[0];
	}

	@Override
	public Reservation reserveCurrent(String resource, String key) {
		String token = Long.toString(this.reservations.incrementAndGet(), 36);
		Reservation[] result = new Reservation[1];
		this.states.asMap().compute(new Key(resource, key), (k, current) -> {
			ResourceState state = (current != null) ? current : new ResourceState(fresh(null), Existence.UNKNOWN, null);
			result[0] = state.isReserved() ? new Reservation(state, false) : new Reservation(state.reservedBy(token), true);
			return result[0].state();
		});
		return result[0];
	}

	@Override
	public ResourceState changed(String resource, String key, boolean exists, @Nullable ResourceState reserved) {
		Existence existence = exists ? Existence.PRESENT : Existence.ABSENT;
		return this.states.asMap().compute(new Key(resource, key), (k, current) -> {
			if (current == null) {
				return new ResourceState(fresh(null), existence, null);
			}
			String other = current.reservation();
			boolean ours = other != null && reserved != null && other.equals(reserved.reservation());
			return new ResourceState(fresh(current.version()), existence, ours ? null : other);
		});
	}

	@Override
	public void release(String resource, String key, ResourceState reserved) {
		String token = reserved.reservation();
		if (token == null) {
			return;
		}
		this.states.asMap().computeIfPresent(new Key(resource, key), (k, current) -> token.equals(current.reservation())
				? new ResourceState(current.version(), current.existence(), null) : current);
	}

	@Override
	public boolean isShared() {
		return false;
	}

	/**
	 * Number of resource instances whose state is currently kept (an estimate while evictions are pending).
	 * @return the number of entries
	 */
	public long size() {
		return this.states.estimatedSize();
	}

	/**
	 * Maximum number of resource instances whose state is kept.
	 * @return the bound
	 */
	public long maxEntries() {
		return this.maxEntries;
	}

	private ResourceVersion fresh(@Nullable ResourceVersion previous) {
		while (true) {
			long millis = this.clock.millis();
			String value = Long.toHexString(millis) + '-' + Long.toHexString(ThreadLocalRandom.current().nextLong());
			if (previous == null || !previous.value().equals(value)) {
				return new ResourceVersion(value, Instant.ofEpochMilli(millis));
			}
		}
	}

	private record Key(String resource, String key) {
	}

}
