package dev.resilience.httpclient;

import java.io.File;
import java.util.Collection;
import java.util.Map;

import org.apache.hc.client5.http.cache.HttpCacheCASOperation;
import org.apache.hc.client5.http.cache.HttpCacheEntry;
import org.apache.hc.client5.http.cache.HttpCacheUpdateException;
import org.apache.hc.client5.http.cache.ResourceIOException;
import org.apache.hc.client5.http.impl.cache.CacheConfig;
import org.apache.hc.client5.http.impl.cache.ehcache.EhcacheHttpCacheStorage;
import org.ehcache.PersistentCacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.MemoryUnit;

/**
 * Ehcache 3 store with heap, off-heap and disk tiers, on the {@link EhcacheHttpCacheStorage} that httpclient5-cache
 * ships. Entries are stored serialised. Closing the store closes its cache manager (the disk tier stays on disk).
 */
public final class EhcacheHttpCacheStore implements HttpCacheStore, AutoCloseable {

	private static final String CACHE_NAME = "resilience-http-cache";

	private final PersistentCacheManager cacheManager;

	private final EhcacheHttpCacheStorage<byte[]> storage;

	/**
	 * Create a store.
	 * @param heapEntries entries kept on the heap
	 * @param offHeapBytes bytes kept off-heap, {@code 0} for no off-heap tier
	 * @param diskBytes bytes kept on disk, {@code 0} for no disk tier
	 * @param diskPath directory of the disk tier
	 * @param config HttpClient's cache configuration (for the update retries)
	 */
	public EhcacheHttpCacheStore(long heapEntries, long offHeapBytes, long diskBytes, File diskPath,
			CacheConfig config) {
		ResourcePoolsBuilder pools = ResourcePoolsBuilder.heap(heapEntries);
		if (offHeapBytes > 0) {
			pools = pools.offheap(offHeapBytes, MemoryUnit.B);
		}
		if (diskBytes > 0) {
			pools = pools.disk(diskBytes, MemoryUnit.B, true);
		}
		this.cacheManager = CacheManagerBuilder.newCacheManagerBuilder()
			.with(CacheManagerBuilder.persistence(diskPath))
			.withCache(CACHE_NAME, CacheConfigurationBuilder.newCacheConfigurationBuilder(String.class, byte[].class, pools))
			.build(true);
		this.storage = EhcacheHttpCacheStorage.createSerializedCache(
				this.cacheManager.getCache(CACHE_NAME, String.class, byte[].class), config);
	}

	@Override
	public String name() {
		return "ehcache";
	}

	@Override
	public long entryCount() {
		return -1;
	}

	@Override
	public long sizeInBytes() {
		return -1;
	}

	@Override
	public void putEntry(String key, HttpCacheEntry entry) throws ResourceIOException {
		this.storage.putEntry(key, entry);
	}

	@Override
	public HttpCacheEntry getEntry(String key) throws ResourceIOException {
		return this.storage.getEntry(key);
	}

	@Override
	public void removeEntry(String key) throws ResourceIOException {
		this.storage.removeEntry(key);
	}

	@Override
	public void updateEntry(String key, HttpCacheCASOperation casOperation)
			throws ResourceIOException, HttpCacheUpdateException {
		this.storage.updateEntry(key, casOperation);
	}

	@Override
	public Map<String, HttpCacheEntry> getEntries(Collection<String> keys) throws ResourceIOException {
		return this.storage.getEntries(keys);
	}

	@Override
	public void close() {
		this.cacheManager.close();
	}

}
