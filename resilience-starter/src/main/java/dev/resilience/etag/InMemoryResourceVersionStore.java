package dev.resilience.etag;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jspecify.annotations.Nullable;

/**
 * {@link ResourceVersionStore} in this JVM's memory, bounded by a maximum number of entries (least recently used
 * entries are evicted; an evicted instance simply gets a fresh version, which costs its clients one full response).
 *
 * <p>Each version value combines the current time with 64 random bits, so values never repeat across restarts: a
 * client holding an entity tag from before a restart gets a full {@code 200}, never a false {@code 304}.
 *
 * <p><strong>Correct on a single instance only.</strong> Instance B never hears of a change made through instance A
 * and keeps answering {@code 304} for the old content. Use a shared store or {@link ResourceVersionResolver}s when the
 * application runs on more than one instance.
 */
public final class InMemoryResourceVersionStore implements ResourceVersionStore {

	private final Cache<Key, ResourceVersion> versions;

	private final long maxEntries;

	private final Clock clock;

	/**
	 * Create a store.
	 * @param maxEntries the maximum number of resource instances whose version is kept
	 */
	public InMemoryResourceVersionStore(long maxEntries) {
		this(maxEntries, Clock.systemUTC());
	}

	/**
	 * Create a store with a given clock for modification times.
	 * @param maxEntries the maximum number of resource instances whose version is kept
	 * @param clock the clock that stamps new versions
	 */
	public InMemoryResourceVersionStore(long maxEntries, Clock clock) {
		if (maxEntries < 1) {
			throw new IllegalArgumentException("maxEntries must be at least 1");
		}
		this.maxEntries = maxEntries;
		this.clock = clock;
		this.versions = Caffeine.newBuilder().maximumSize(maxEntries).executor(Runnable::run).build();
	}

	@Override
	public @Nullable ResourceVersion current(String resource, String key) {
		return this.versions.getIfPresent(new Key(resource, key));
	}

	@Override
	public ResourceVersion currentOrRecord(String resource, String key) {
		return this.versions.get(new Key(resource, key), (k) -> fresh(null));
	}

	@Override
	public ResourceVersion touch(String resource, String key) {
		return this.versions.asMap().compute(new Key(resource, key), (k, previous) -> fresh(previous));
	}

	@Override
	public boolean isShared() {
		return false;
	}

	/**
	 * Number of resource instances whose version is currently kept (an estimate while evictions are pending).
	 * @return the number of entries
	 */
	public long size() {
		return this.versions.estimatedSize();
	}

	/**
	 * Maximum number of resource instances whose version is kept.
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
