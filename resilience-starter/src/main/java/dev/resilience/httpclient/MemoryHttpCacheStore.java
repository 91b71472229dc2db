package dev.resilience.httpclient;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.apache.hc.client5.http.cache.HttpCacheCASOperation;
import org.apache.hc.client5.http.cache.HttpCacheEntry;
import org.apache.hc.client5.http.cache.ResourceIOException;
import org.apache.hc.core5.http.Header;

/**
 * In-heap store of entry objects (no serialisation on a hit) in a Caffeine cache bounded by weight. An entry weighs
 * its bytes (body plus headers), but at least {@code maxBytes / maxEntries}: the store holds at most {@code maxBytes}
 * bytes and, whenever {@code maxBytes} is at least {@code maxEntries}² (1MB for 1000 entries), at most
 * {@code maxEntries} entries. A replaced or evicted entry is no longer referenced by the store, whatever the churn.
 * Eviction runs on the writing thread, so the bound holds when a write returns. Reads take no lock.
 */
public final class MemoryHttpCacheStore implements HttpCacheStore {

	private final Cache<String, HttpCacheEntry> cache;

	private final long maxBytes;

	/**
	 * Create a store.
	 * @param maxEntries most entries kept
	 * @param maxBytes most bytes (bodies plus headers) kept
	 */
	public MemoryHttpCacheStore(int maxEntries, long maxBytes) {
		this(maxEntries, maxBytes, null);
	}

	/**
	 * Create a store whose entries are dropped a time after they were written, as the heap tier of a
	 * {@link TieredHttpCacheStore}.
	 * @param maxEntries most entries kept
	 * @param maxBytes most bytes (bodies plus headers) kept
	 * @param timeToLive how long an entry is kept after it was written, or {@code null} for as long as it fits
	 */
	public MemoryHttpCacheStore(int maxEntries, long maxBytes, Duration timeToLive) {
		if (maxEntries < 1 || maxBytes < 1) {
			throw new IllegalArgumentException("maxEntries and maxBytes must be positive");
		}
		this.maxBytes = maxBytes;
		long minimumWeight = Math.max(1, maxBytes / maxEntries);
		Caffeine<String, HttpCacheEntry> builder = Caffeine.newBuilder()
			.maximumWeight(maxBytes)
			.weigher((String key, HttpCacheEntry entry) -> (int) Math
				.min(Math.max(weigh(entry) + 2L * key.length(), minimumWeight), Integer.MAX_VALUE))
			.executor(Runnable::run);
		if (timeToLive != null) {
			builder.expireAfterWrite(timeToLive);
		}
		this.cache = builder.build();
	}

	@Override
	public String name() {
		return "memory";
	}

	@Override
	public long entryCount() {
		return this.cache.estimatedSize();
	}

	/**
	 * Bytes (bodies plus headers) of the entries held, walking the entries: at most {@code maxEntries} of them.
	 * @return the size in bytes
	 */
	@Override
	public long sizeInBytes() {
		long bytes = 0;
		for (HttpCacheEntry entry : this.cache.asMap().values()) {
			bytes += weigh(entry);
		}
		return bytes;
	}

	@Override
	public void putEntry(String key, HttpCacheEntry entry) {
		if (fits(entry)) {
			this.cache.put(key, entry);
		}
		else {
			this.cache.invalidate(key);
		}
	}

	@Override
	public HttpCacheEntry getEntry(String key) {
		return this.cache.getIfPresent(key);
	}

	@Override
	public void removeEntry(String key) {
		this.cache.invalidate(key);
	}

	/**
	 * Run the operation atomically against the current entry: no other update of the key interleaves, and a reader
	 * sees the entry before or after, never an entry the operation refused by throwing.
	 */
	@Override
	public void updateEntry(String key, HttpCacheCASOperation casOperation) throws ResourceIOException {
		try {
			this.cache.asMap().compute(key, (k, existing) -> {
				HttpCacheEntry updated = execute(casOperation, existing);
				return (updated != null && fits(updated)) ? updated : null;
			});
		}
		catch (UncheckedResourceIOException ex) {
			throw ex.getCause();
		}
	}

	@Override
	public Map<String, HttpCacheEntry> getEntries(Collection<String> keys) {
		Map<String, HttpCacheEntry> found = new HashMap<>();
		for (String key : keys) {
			HttpCacheEntry entry = getEntry(key);
			if (entry != null) {
				found.put(key, entry);
			}
		}
		return found;
	}

	private boolean fits(HttpCacheEntry entry) {
		return weigh(entry) <= this.maxBytes;
	}

	private static HttpCacheEntry execute(HttpCacheCASOperation casOperation, HttpCacheEntry existing) {
		try {
			return casOperation.execute(existing);
		}
		catch (ResourceIOException ex) {
			throw new UncheckedResourceIOException(ex);
		}
	}

	static long weigh(HttpCacheEntry entry) {
		long weight = 64;
		for (Header header : entry.getHeaders()) {
			weight += 2L * (header.getName().length() + header.getValue().length()) + 32;
		}
		if (entry.getResource() != null) {
			weight += entry.getResource().length();
		}
		return weight;
	}

	private static final class UncheckedResourceIOException extends RuntimeException {

		UncheckedResourceIOException(ResourceIOException cause) {
			super(cause);
		}

		@Override
		public synchronized ResourceIOException getCause() {
			return (ResourceIOException) super.getCause();
		}

	}

}
