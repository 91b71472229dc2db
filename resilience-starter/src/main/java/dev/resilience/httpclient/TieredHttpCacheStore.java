package dev.resilience.httpclient;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.hc.client5.http.cache.HttpCacheCASOperation;
import org.apache.hc.client5.http.cache.HttpCacheEntry;
import org.apache.hc.client5.http.cache.HttpCacheUpdateException;
import org.apache.hc.client5.http.cache.ResourceIOException;

/**
 * An in-heap {@link MemoryHttpCacheStore} in front of a store shared by instances (Redis): a read is answered from the
 * heap tier when it holds the entry, else from the shared tier, whose entry is then kept on the heap too. Writes go
 * to both tiers (heap first, so that this instance keeps what it fetched even while the shared tier fails); removals
 * remove from both; an update is the shared tier's compare-and-set, whose result then replaces the heap copy.
 *
 * <p>How the tiers stay consistent: on this instance, every write, update and removal changes both tiers, so the heap
 * never holds what the shared tier refused. Another instance's write reaches this heap tier only when its copy
 * expires: give the heap tier a time-to-live (seconds), and an entry another instance replaced or invalidated is
 * served here for at most that long, never beyond the freshness the origin gave it (the cache checks freshness of
 * whatever a tier returns).
 */
public final class TieredHttpCacheStore implements HttpCacheStore {

	private static final ThreadLocal<int[]> lastTier = ThreadLocal.withInitial(() -> new int[1]);

	private final MemoryHttpCacheStore heap;

	private final HttpCacheStore shared;

	private final List<String> tiers;

	/**
	 * Create a store of two tiers.
	 * @param heap the first tier, in this JVM's heap
	 * @param shared the second tier, shared by instances
	 */
	public TieredHttpCacheStore(MemoryHttpCacheStore heap, HttpCacheStore shared) {
		this.heap = heap;
		this.shared = shared;
		this.tiers = List.of("heap", shared.name());
	}

	/**
	 * {@code heap+} and the shared tier's name, for example {@code heap+redis}.
	 */
	@Override
	public String name() {
		return "heap+" + this.shared.name();
	}

	/**
	 * {@code heap} and the shared tier's name.
	 */
	@Override
	public List<String> tiers() {
		return this.tiers;
	}

	@Override
	public int lastReadTier() {
		return lastTier.get()[0];
	}

	/**
	 * Entries on the heap tier.
	 */
	@Override
	public long entryCount() {
		return this.heap.entryCount();
	}

	/**
	 * Bytes on the heap tier.
	 */
	@Override
	public long sizeInBytes() {
		return this.heap.sizeInBytes();
	}

	/**
	 * The first tier.
	 * @return the heap tier
	 */
	public MemoryHttpCacheStore heap() {
		return this.heap;
	}

	/**
	 * The second tier.
	 * @return the shared tier
	 */
	public HttpCacheStore shared() {
		return this.shared;
	}

	@Override
	public void putEntry(String key, HttpCacheEntry entry) throws ResourceIOException {
		this.heap.putEntry(key, entry);
		this.shared.putEntry(key, entry);
	}

	@Override
	public HttpCacheEntry getEntry(String key) throws ResourceIOException {
		HttpCacheEntry entry = this.heap.getEntry(key);
		if (entry != null) {
			lastTier.get()[0] = 0;
			return entry;
		}
		entry = this.shared.getEntry(key);
		if (entry != null) {
			this.heap.putEntry(key, entry);
			lastTier.get()[0] = 1;
		}
		return entry;
	}

	@Override
	public void removeEntry(String key) throws ResourceIOException {
		this.heap.removeEntry(key);
		this.shared.removeEntry(key);
	}

	/**
	 * The shared tier's compare-and-set; its result replaces the heap copy. When the update fails or the operation
	 * refuses the entry (throws), the heap copy is removed too, so that the heap never serves what the shared tier did
	 * not take.
	 */
	@Override
	public void updateEntry(String key, HttpCacheCASOperation casOperation)
			throws ResourceIOException, HttpCacheUpdateException {
		HttpCacheEntry[] result = new HttpCacheEntry[1];
		try {
			this.shared.updateEntry(key, (existing) -> {
				result[0] = casOperation.execute(existing);
				return result[0];
			});
		}
		catch (ResourceIOException | HttpCacheUpdateException | RuntimeException ex) {
			this.heap.removeEntry(key);
			throw ex;
		}
		if (result[0] != null) {
			this.heap.putEntry(key, result[0]);
		}
		else {
			this.heap.removeEntry(key);
		}
	}

	@Override
	public Map<String, HttpCacheEntry> getEntries(Collection<String> keys) throws ResourceIOException {
		Map<String, HttpCacheEntry> found = new HashMap<>(this.heap.getEntries(keys));
		if (found.size() < keys.size()) {
			List<String> missing = keys.stream().filter((key) -> !found.containsKey(key)).toList();
			Map<String, HttpCacheEntry> shared = this.shared.getEntries(missing);
			shared.forEach(this.heap::putEntry);
			found.putAll(shared);
		}
		return found;
	}

}
