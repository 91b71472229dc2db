package dev.resilience.httpclient;

import java.util.Collection;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.apache.hc.client5.http.impl.cache.AbstractSerializingCacheStorage;
import org.apache.hc.client5.http.impl.cache.HttpByteArrayCacheEntrySerializer;

/**
 * Caffeine store (W-TinyLFU admission and eviction) of serialised entries, weighed by their size in bytes. HttpClient
 * 5.6 ships no Caffeine storage; this one follows {@code AbstractSerializingCacheStorage}'s contract, using
 * {@code ConcurrentMap.replace} as the compare-and-set.
 */
public final class CaffeineHttpCacheStore extends AbstractSerializingCacheStorage<byte[], byte[]>
		implements HttpCacheStore {

	private final Cache<String, byte[]> cache;

	/**
	 * Create a store.
	 * @param maxBytes most bytes (serialised entries plus keys) kept
	 * @param maxUpdateRetries how often a concurrent update is retried
	 */
	public CaffeineHttpCacheStore(long maxBytes, int maxUpdateRetries) {
		super(maxUpdateRetries, HttpByteArrayCacheEntrySerializer.INSTANCE);
		this.cache = Caffeine.newBuilder()
			.maximumWeight(maxBytes)
			.weigher((String key, byte[] value) -> 2 * key.length() + value.length)
			.build();
	}

	@Override
	public String name() {
		return "caffeine";
	}

	@Override
	public long entryCount() {
		return this.cache.estimatedSize();
	}

	@Override
	public long sizeInBytes() {
		this.cache.cleanUp();
		return this.cache.policy().eviction().map((eviction) -> eviction.weightedSize().orElse(-1L)).orElse(-1L);
	}

	@Override
	protected String digestToStorageKey(String key) {
		return key;
	}

	@Override
	protected void store(String storageKey, byte[] storageObject) {
		this.cache.put(storageKey, storageObject);
	}

	@Override
	protected byte[] restore(String storageKey) {
		return this.cache.getIfPresent(storageKey);
	}

	@Override
	protected byte[] getForUpdateCAS(String storageKey) {
		return this.cache.getIfPresent(storageKey);
	}

	@Override
	protected byte[] getStorageObject(byte[] cas) {
		return cas;
	}

	@Override
	protected boolean updateCAS(String storageKey, byte[] cas, byte[] storageObject) {
		return this.cache.asMap().replace(storageKey, cas, storageObject);
	}

	@Override
	protected void delete(String storageKey) {
		this.cache.invalidate(storageKey);
	}

	@Override
	protected Map<String, byte[]> bulkRestore(Collection<String> storageKeys) {
		return this.cache.getAllPresent(storageKeys);
	}

}
