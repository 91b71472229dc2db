package dev.resilience.httpclient;

import java.io.File;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.hc.client5.http.cache.HttpCacheEntry;
import org.apache.hc.client5.http.cache.HttpCacheEntryFactory;
import org.apache.hc.client5.http.cache.ResourceIOException;
import org.apache.hc.client5.http.impl.cache.CacheConfig;
import org.apache.hc.client5.http.impl.cache.HeapResource;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class HttpCacheStoreTests {

	@Test
	void memoryStoreIsBoundedByEntries() throws Exception {
		MemoryHttpCacheStore store = new MemoryHttpCacheStore(3, 1024 * 1024);
		for (int i = 0; i < 10; i++) {
			store.putEntry("key" + i, entry(100));
		}
		assertThat(store.entryCount()).isEqualTo(3);
		assertThat(IntStream.range(0, 10).filter((i) -> store.getEntry("key" + i) != null)).hasSize(3);
	}

	@Test
	void memoryStoreIsBoundedByBytes() throws Exception {
		MemoryHttpCacheStore store = new MemoryHttpCacheStore(1000, 10_000);
		for (int i = 0; i < 10; i++) {
			store.putEntry("key" + i, entry(3000));
		}
		assertThat(store.sizeInBytes()).isLessThanOrEqualTo(10_000);
		assertThat(store.entryCount()).isBetween(1L, 3L);
	}

	@Test
	void memoryStoreReplacingAnEntryCountsItsBytesOnce() throws Exception {
		MemoryHttpCacheStore store = new MemoryHttpCacheStore(1000, 1024 * 1024);
		store.putEntry("key", entry(1000));
		long one = store.sizeInBytes();
		WeakReference<HttpCacheEntry> first = new WeakReference<>(store.getEntry("key"));
		store.putEntry("key", entry(1000));
		WeakReference<HttpCacheEntry> second = new WeakReference<>(store.getEntry("key"));
		store.updateEntry("key", (existing) -> entry(1000));
		assertThat(store.sizeInBytes()).isEqualTo(one);
		assertThat(store.entryCount()).isOne();
		awaitCollected(List.of(first, second), 0);
		assertThat(first.get()).as("replaced entry still reachable").isNull();
		assertThat(second.get()).as("entry replaced by an update still reachable").isNull();
		store.removeEntry("key");
		assertThat(store.sizeInBytes()).isZero();
	}

	@Test
	void memoryStoreRetainsOnlyItsLiveEntriesUnderChurn() throws Exception {
		MemoryHttpCacheStore store = new MemoryHttpCacheStore(10, 1024 * 1024);
		List<WeakReference<HttpCacheEntry>> stored = new ArrayList<>();
		for (int i = 0; i < 3_000; i++) {
			HttpCacheEntry entry = entry(10_000);
			stored.add(new WeakReference<>(entry));
			if (i % 2 == 0) {
				store.putEntry("key" + (i % 3), entry);
			}
			else {
				store.updateEntry("key" + (i % 3), (existing) -> entry);
			}
		}
		assertThat(store.entryCount()).isEqualTo(3);
		assertThat(store.sizeInBytes()).isLessThanOrEqualTo(3 * MemoryHttpCacheStore.weigh(entry(10_000)));
		// the three live entries stay reachable; every replaced one must become collectable
		assertThat(awaitCollected(stored, 3)).isEqualTo(3);
	}

	@Test
	void memoryStoreBoundsChurnOverManyKeysByBytes() throws Exception {
		long entryBytes = MemoryHttpCacheStore.weigh(entry(10_000));
		MemoryHttpCacheStore store = new MemoryHttpCacheStore(1000, 20 * entryBytes);
		List<WeakReference<HttpCacheEntry>> stored = new ArrayList<>();
		for (int i = 0; i < 2_000; i++) {
			HttpCacheEntry entry = entry(10_000);
			stored.add(new WeakReference<>(entry));
			store.putEntry("key" + i, entry);
		}
		assertThat(store.sizeInBytes()).isLessThanOrEqualTo(20 * entryBytes);
		assertThat(awaitCollected(stored, 20)).isLessThanOrEqualTo(20);
	}

	@Test
	void memoryStoreUpdateThatThrowsLeavesTheEntryAsItWas() throws Exception {
		MemoryHttpCacheStore store = new MemoryHttpCacheStore(1000, 1024 * 1024);
		HttpCacheEntry original = entry(100);
		store.putEntry("key", original);
		ResourceIOException refused = new ResourceIOException("refused");
		assertThatExceptionOfType(ResourceIOException.class).isThrownBy(() -> store.updateEntry("key", (existing) -> {
			throw refused;
		})).isSameAs(refused);
		assertThat(store.getEntry("key")).isSameAs(original);
	}

	@Test
	void ehcacheStoresWithTheDefaultConfigurationDoNotShareADirectory() throws Exception {
		try (EhcacheHttpCacheStore first = new EhcacheHttpCacheStore(1024 * 1024, 0, 0, null, CacheConfig.DEFAULT);
				EhcacheHttpCacheStore second = new EhcacheHttpCacheStore(1024 * 1024, 0, 0, null,
						CacheConfig.DEFAULT)) {
			first.putEntry("key", entry(100));
			second.putEntry("key", entry(200));
			assertThat(first.getEntry("key").getResource().length()).isEqualTo(100);
			assertThat(second.getEntry("key").getResource().length()).isEqualTo(200);
			assertThat(first.temporaryDirectory()).isNull();
		}
	}

	@Test
	void ehcacheStoresWithADiskTierButNoPathEachGetADirectoryOfTheirOwn() throws Exception {
		Path firstDirectory;
		try (EhcacheHttpCacheStore first = new EhcacheHttpCacheStore(1024 * 1024, 0, 8 * 1024 * 1024, null,
				CacheConfig.DEFAULT);
				EhcacheHttpCacheStore second = new EhcacheHttpCacheStore(1024 * 1024, 0, 8 * 1024 * 1024, null,
						CacheConfig.DEFAULT)) {
			firstDirectory = first.temporaryDirectory();
			assertThat(firstDirectory).isDirectory().isNotEqualTo(second.temporaryDirectory());
			first.putEntry("key", entry(100));
			second.putEntry("key", entry(200));
			assertThat(first.getEntry("key").getResource().length()).isEqualTo(100);
			assertThat(second.getEntry("key").getResource().length()).isEqualTo(200);
		}
		assertThat(firstDirectory).doesNotExist();
	}

	@Test
	void ehcacheStoreWithoutADiskTierWritesNothingToDisk(@TempDir Path directory) throws Exception {
		Path diskPath = directory.resolve("ehcache");
		try (EhcacheHttpCacheStore store = new EhcacheHttpCacheStore(1024 * 1024, 0, 0, diskPath.toFile(),
				CacheConfig.DEFAULT)) {
			store.putEntry("key", entry(100));
			assertThat(store.getEntry("key")).isNotNull();
		}
		assertThat(diskPath).doesNotExist();
	}

	@Test
	void ehcacheStoreWithADiskPathPersistsAndASecondUserOfThePathFailsNamingTheProperty(@TempDir Path directory)
			throws Exception {
		File diskPath = directory.resolve("ehcache").toFile();
		try (EhcacheHttpCacheStore store = new EhcacheHttpCacheStore(1024 * 1024, 0, 8 * 1024 * 1024, diskPath,
				CacheConfig.DEFAULT)) {
			store.putEntry("key", entry(100));
			assertThatIllegalStateException()
				.isThrownBy(() -> new EhcacheHttpCacheStore(1024 * 1024, 0, 8 * 1024 * 1024, diskPath,
						CacheConfig.DEFAULT))
				.withMessageContaining("resilience.http-client.cache.ehcache.disk-path");
		}
		try (EhcacheHttpCacheStore reopened = new EhcacheHttpCacheStore(1024 * 1024, 0, 8 * 1024 * 1024, diskPath,
				CacheConfig.DEFAULT)) {
			assertThat(reopened.getEntry("key").getResource().length()).isEqualTo(100);
		}
	}

	@Test
	void ehcacheHeapTierIsBoundedByBytes() throws Exception {
		CacheConfig config = CacheConfig.custom().setMaxObjectSize(10_000).build();
		try (EhcacheHttpCacheStore store = new EhcacheHttpCacheStore(200_000, 0, 0, null, config)) {
			for (int i = 0; i < 100; i++) {
				store.putEntry("key" + i, entry(10_000));
			}
			int present = 0;
			for (int i = 0; i < 100; i++) {
				if (store.getEntry("key" + i) != null) {
					present++;
				}
			}
			assertThat(present).isBetween(1, 20);
		}
	}

	@Test
	void caffeineStoreRoundTripsAndIsBoundedByBytes() throws Exception {
		CaffeineHttpCacheStore store = new CaffeineHttpCacheStore(50_000, 1);
		store.putEntry("key", entry(100));
		assertThat(store.getEntry("key").getResource().length()).isEqualTo(100);
		store.updateEntry("key", (existing) -> entry(200));
		assertThat(store.getEntry("key").getResource().length()).isEqualTo(200);
		assertThat(store.getEntries(List.of("key", "missing"))).containsOnlyKeys("key");
		for (int i = 0; i < 100; i++) {
			store.putEntry("key" + i, entry(5000));
		}
		assertThat(store.sizeInBytes()).isBetween(1L, 60_000L);
	}

	/**
	 * Run the garbage collector until at most {@code expected} of the references are still reachable, or give up.
	 * @return how many are still reachable
	 */
	static long awaitCollected(List<? extends Reference<?>> references, long expected) {
		long reachable = reachable(references);
		for (int i = 0; i < 20 && reachable > expected; i++) {
			System.gc();
			reachable = reachable(references);
		}
		return reachable;
	}

	private static long reachable(List<? extends Reference<?>> references) {
		return references.stream().filter((reference) -> reference.get() != null).count();
	}

	private static HttpCacheEntry entry(int bodySize) {
		BasicHttpResponse response = new BasicHttpResponse(200);
		response.addHeader("Cache-Control", "max-age=60");
		return HttpCacheEntryFactory.INSTANCE.create(Instant.now(), Instant.now(), new HttpHost("localhost"),
				new BasicHttpRequest("GET", "/"), response, new HeapResource(new byte[bodySize]));
	}

}
