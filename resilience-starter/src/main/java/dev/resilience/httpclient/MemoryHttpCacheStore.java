package dev.resilience.httpclient;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.hc.client5.http.cache.HttpCacheCASOperation;
import org.apache.hc.client5.http.cache.HttpCacheEntry;
import org.apache.hc.client5.http.cache.ResourceIOException;
import org.apache.hc.core5.http.Header;

/**
 * In-heap store bounded by entry count and by bytes. Entries are kept as objects (no serialisation on a hit); when a
 * bound is exceeded the oldest insertions are evicted first. Reads take no lock.
 */
public final class MemoryHttpCacheStore implements HttpCacheStore {

	private final ConcurrentHashMap<String, Stored> entries = new ConcurrentHashMap<>();

	private final ConcurrentLinkedQueue<Stored> insertionOrder = new ConcurrentLinkedQueue<>();

	private final AtomicLong bytes = new AtomicLong();

	private final int maxEntries;

	private final long maxBytes;

	/**
	 * Create a store.
	 * @param maxEntries most entries kept
	 * @param maxBytes most bytes (bodies plus headers) kept
	 */
	public MemoryHttpCacheStore(int maxEntries, long maxBytes) {
		this.maxEntries = maxEntries;
		this.maxBytes = maxBytes;
	}

	@Override
	public String name() {
		return "memory";
	}

	@Override
	public long entryCount() {
		return this.entries.size();
	}

	@Override
	public long sizeInBytes() {
		return this.bytes.get();
	}

	@Override
	public void putEntry(String key, HttpCacheEntry entry) {
		Stored stored = new Stored(key, entry, weigh(entry));
		if (stored.weight > this.maxBytes) {
			removeEntry(key);
			return;
		}
		replaced(this.entries.put(key, stored));
		this.bytes.addAndGet(stored.weight);
		this.insertionOrder.add(stored);
		evict();
	}

	@Override
	public HttpCacheEntry getEntry(String key) {
		Stored stored = this.entries.get(key);
		return (stored != null) ? stored.entry : null;
	}

	@Override
	public void removeEntry(String key) {
		replaced(this.entries.remove(key));
	}

	@Override
	public void updateEntry(String key, HttpCacheCASOperation casOperation) throws ResourceIOException {
		Stored existing = this.entries.get(key);
		HttpCacheEntry updated = casOperation.execute((existing != null) ? existing.entry : null);
		if (updated == null) {
			removeEntry(key);
		}
		else {
			putEntry(key, updated);
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

	private void replaced(Stored previous) {
		if (previous != null && previous.removed()) {
			this.bytes.addAndGet(-previous.weight);
		}
	}

	private void evict() {
		while (this.entries.size() > this.maxEntries || this.bytes.get() > this.maxBytes) {
			Stored oldest = this.insertionOrder.poll();
			if (oldest == null) {
				return;
			}
			if (this.entries.remove(oldest.key, oldest) && oldest.removed()) {
				this.bytes.addAndGet(-oldest.weight);
			}
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

	private static final class Stored {

		final String key;

		final HttpCacheEntry entry;

		final long weight;

		private final AtomicBoolean present = new AtomicBoolean(true);

		Stored(String key, HttpCacheEntry entry, long weight) {
			this.key = key;
			this.entry = entry;
			this.weight = weight;
		}

		boolean removed() {
			return this.present.compareAndSet(true, false);
		}

	}

}
