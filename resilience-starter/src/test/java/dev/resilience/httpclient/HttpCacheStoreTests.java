package dev.resilience.httpclient;

import java.time.Instant;
import java.util.List;

import org.apache.hc.client5.http.cache.HttpCacheEntry;
import org.apache.hc.client5.http.cache.HttpCacheEntryFactory;
import org.apache.hc.client5.http.impl.cache.HeapResource;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HttpCacheStoreTests {

	@Test
	void memoryStoreIsBoundedByEntries() throws Exception {
		MemoryHttpCacheStore store = new MemoryHttpCacheStore(3, 1024 * 1024);
		for (int i = 0; i < 10; i++) {
			store.putEntry("key" + i, entry(100));
		}
		assertThat(store.entryCount()).isEqualTo(3);
		assertThat(store.getEntry("key9")).isNotNull();
		assertThat(store.getEntry("key0")).isNull();
	}

	@Test
	void memoryStoreIsBoundedByBytes() throws Exception {
		MemoryHttpCacheStore store = new MemoryHttpCacheStore(1000, 10_000);
		for (int i = 0; i < 10; i++) {
			store.putEntry("key" + i, entry(3000));
		}
		assertThat(store.sizeInBytes()).isLessThanOrEqualTo(10_000);
		assertThat(store.entryCount()).isBetween(1L, 3L);
		assertThat(store.getEntry("key9")).isNotNull();
	}

	@Test
	void memoryStoreReplacingAnEntryCountsItsBytesOnce() throws Exception {
		MemoryHttpCacheStore store = new MemoryHttpCacheStore(1000, 1024 * 1024);
		store.putEntry("key", entry(1000));
		long one = store.sizeInBytes();
		store.putEntry("key", entry(1000));
		store.updateEntry("key", (existing) -> entry(1000));
		assertThat(store.sizeInBytes()).isEqualTo(one);
		store.removeEntry("key");
		assertThat(store.sizeInBytes()).isZero();
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

	private static HttpCacheEntry entry(int bodySize) {
		BasicHttpResponse response = new BasicHttpResponse(200);
		response.addHeader("Cache-Control", "max-age=60");
		return HttpCacheEntryFactory.INSTANCE.create(Instant.now(), Instant.now(), new HttpHost("localhost"),
				new BasicHttpRequest("GET", "/"), response, new HeapResource(new byte[bodySize]));
	}

}
