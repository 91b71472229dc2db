package dev.resilience.httpclient;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;

import org.apache.hc.client5.http.cache.HttpCacheCASOperation;
import org.apache.hc.client5.http.cache.HttpCacheEntry;
import org.apache.hc.client5.http.cache.HttpCacheUpdateException;
import org.apache.hc.client5.http.cache.ResourceIOException;
import org.apache.hc.client5.http.impl.cache.CacheConfig;
import org.apache.hc.client5.http.impl.cache.ehcache.EhcacheHttpCacheStorage;
import org.ehcache.CacheManager;
import org.ehcache.StateTransitionException;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.MemoryUnit;

import org.springframework.util.FileSystemUtils;

/**
 * Ehcache 3 store with a heap tier bounded by bytes and optional off-heap and disk tiers, on the
 * {@link EhcacheHttpCacheStorage} that httpclient5-cache ships. Entries are stored serialised. The heap tier holds
 * {@code heapBytes / maxObjectSize} entries, so their bodies never take more than {@code heapBytes}. Only a disk tier
 * makes the cache manager persistent: in the given directory, where entries survive a restart, or, without one, in a
 * fresh temporary directory of this store alone (no other JVM or application can collide with it) whose entries are
 * dropped, and which is deleted, when the store closes.
 */
public final class EhcacheHttpCacheStore implements HttpCacheStore, AutoCloseable {

	private static final String CACHE_NAME = "resilience-http-cache";

	private final CacheManager cacheManager;

	private final Path temporaryDirectory;

	private final EhcacheHttpCacheStorage<byte[]> storage;

	/**
	 * Create a store.
	 * @param heapBytes bytes of bodies kept on the heap, at the largest cacheable size ({@code config}'s
	 * {@code maxObjectSize})
	 * @param offHeapBytes bytes kept off-heap, {@code 0} for no off-heap tier
	 * @param diskBytes bytes kept on disk, {@code 0} for no disk tier
	 * @param diskPath directory of a persistent disk tier, or {@code null} for a temporary directory of this store's
	 * own; not used without a disk tier
	 * @param config HttpClient's cache configuration (for the update retries)
	 * @throws IllegalStateException if the disk tier's directory is locked by another cache manager
	 */
	public EhcacheHttpCacheStore(long heapBytes, long offHeapBytes, long diskBytes, File diskPath,
			CacheConfig config) {
		// Ehcache sizes a heap tier in bytes only by walking object graphs with reflection (deprecated, and blind to
		// JDK internals since Java 17): bound it by as many entries as heapBytes holds at the largest cacheable size
		long heapEntries = Math.max(1, heapBytes / Math.max(1, config.getMaxObjectSize()));
		ResourcePoolsBuilder pools = ResourcePoolsBuilder.heap(heapEntries);
		if (offHeapBytes > 0) {
			pools = pools.offheap(offHeapBytes, MemoryUnit.B);
		}
		Path directory = null;
		if (diskBytes > 0) {
			pools = pools.disk(diskBytes, MemoryUnit.B, diskPath != null);
			directory = (diskPath != null) ? diskPath.toPath() : createTemporaryDirectory();
		}
		this.temporaryDirectory = (diskPath == null) ? directory : null;
		CacheConfigurationBuilder<String, byte[]> cache = CacheConfigurationBuilder
			.newCacheConfigurationBuilder(String.class, byte[].class, pools);
		try {
			this.cacheManager = (directory != null)
					? CacheManagerBuilder.newCacheManagerBuilder()
						.with(CacheManagerBuilder.persistence(directory.toFile()))
						.withCache(CACHE_NAME, cache)
						.build(true)
					: CacheManagerBuilder.newCacheManagerBuilder().withCache(CACHE_NAME, cache).build(true);
		}
		catch (StateTransitionException ex) {
			deleteTemporaryDirectory();
			throw new IllegalStateException("Ehcache could not start its disk tier in " + directory
					+ " (is another JVM or application using it? each needs its own"
					+ " resilience.http-client.cache.ehcache.disk-path): " + ex.getMessage(), ex);
		}
		this.storage = EhcacheHttpCacheStorage.createSerializedCache(
				this.cacheManager.getCache(CACHE_NAME, String.class, byte[].class), config);
	}

	private static Path createTemporaryDirectory() {
		try {
			return Files.createTempDirectory("resilience-http-cache-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create a directory for the Ehcache disk tier", ex);
		}
	}

	/**
	 * Directory of the disk tier when this store created it, deleted on {@link #close()}.
	 * @return the directory, or {@code null} without a disk tier or with a configured directory
	 */
	public Path temporaryDirectory() {
		return this.temporaryDirectory;
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
		try {
			this.cacheManager.close();
		}
		finally {
			deleteTemporaryDirectory();
		}
	}

	private void deleteTemporaryDirectory() {
		if (this.temporaryDirectory != null) {
			try {
				FileSystemUtils.deleteRecursively(this.temporaryDirectory);
			}
			catch (IOException ex) {
				// a temporary directory: the operating system's clean-up of the temporary directory takes it
			}
		}
	}

}
