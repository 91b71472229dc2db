package dev.resilience.httpclient;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.hc.client5.http.cache.HttpCacheEntry;
import org.apache.hc.client5.http.cache.HttpCacheEntryFactory;
import org.apache.hc.client5.http.cache.ResourceIOException;
import org.apache.hc.client5.http.impl.cache.HeapResource;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class TieredHttpCacheStoreTests {

	@Test
	void heapTierStaysBoundedByBytesUnderChurnOfManyKeysWrittenAndRead() throws Exception {
		long entryBytes = MemoryHttpCacheStore.weigh(entry(10_000, "max-age=60"));
		MemoryHttpCacheStore heap = new MemoryHttpCacheStore(1000, 20 * entryBytes, Duration.ofMinutes(1));
		CaffeineHttpCacheStore shared = new CaffeineHttpCacheStore(512 * 1024 * 1024, 1);
		TieredHttpCacheStore store = new TieredHttpCacheStore(heap, shared);
		List<WeakReference<HttpCacheEntry>> onHeap = new ArrayList<>();
		for (int i = 0; i < 2_000; i++) {
			HttpCacheEntry entry = entry(10_000, "max-age=60");
			onHeap.add(new WeakReference<>(entry));
			store.putEntry("key" + i, entry);
		}
		for (int i = 0; i < 2_000; i++) {
			// a read from the shared tier fills the heap tier: that churn is bounded too
			HttpCacheEntry entry = store.getEntry("key" + i);
			assertThat(entry).isNotNull();
			onHeap.add(new WeakReference<>(entry));
		}
		assertThat(heap.sizeInBytes()).isLessThanOrEqualTo(20 * entryBytes);
		assertThat(heap.entryCount()).isLessThanOrEqualTo(20);
		assertThat(HttpCacheStoreTests.awaitCollected(onHeap, 20)).isLessThanOrEqualTo(20);
	}

	@Test
	void aReadFromTheSharedTierIsKeptOnTheHeapAndTheAnsweringTierIsKnown() throws Exception {
		MemoryHttpCacheStore heap = new MemoryHttpCacheStore(100, 1024 * 1024, Duration.ofMinutes(1));
		CaffeineHttpCacheStore shared = new CaffeineHttpCacheStore(1024 * 1024, 1);
		TieredHttpCacheStore store = new TieredHttpCacheStore(heap, shared);
		assertThat(store.tiers()).containsExactly("heap", "caffeine");
		assertThat(store.name()).isEqualTo("heap+caffeine");
		shared.putEntry("key", entry(100, "max-age=60"));
		assertThat(store.getEntry("key")).isNotNull();
		assertThat(store.lastReadTier()).isEqualTo(1);
		assertThat(heap.getEntry("key")).isNotNull();
		assertThat(store.getEntry("key")).isNotNull();
		assertThat(store.lastReadTier()).isZero();
	}

	@Test
	void writesUpdatesAndRemovalsReachBothTiers() throws Exception {
		MemoryHttpCacheStore heap = new MemoryHttpCacheStore(100, 1024 * 1024, Duration.ofMinutes(1));
		CaffeineHttpCacheStore shared = new CaffeineHttpCacheStore(1024 * 1024, 1);
		TieredHttpCacheStore store = new TieredHttpCacheStore(heap, shared);
		store.putEntry("key", entry(100, "max-age=60"));
		assertThat(heap.getEntry("key")).isNotNull();
		assertThat(shared.getEntry("key")).isNotNull();
		store.updateEntry("key", (existing) -> entry(200, "max-age=60"));
		assertThat(heap.getEntry("key").getResource().length()).isEqualTo(200);
		assertThat(shared.getEntry("key").getResource().length()).isEqualTo(200);
		store.removeEntry("key");
		assertThat(heap.getEntry("key")).isNull();
		assertThat(shared.getEntry("key")).isNull();
	}

	@Test
	void anUpdateTheOperationRefusesLeavesNoHeapCopyAndTheSharedEntryAsItWas() throws Exception {
		MemoryHttpCacheStore heap = new MemoryHttpCacheStore(100, 1024 * 1024, Duration.ofMinutes(1));
		CaffeineHttpCacheStore shared = new CaffeineHttpCacheStore(1024 * 1024, 1);
		TieredHttpCacheStore store = new TieredHttpCacheStore(heap, shared);
		store.putEntry("key", entry(100, "max-age=60"));
		ResourceIOException refused = new ResourceIOException("refused");
		assertThatExceptionOfType(ResourceIOException.class).isThrownBy(() -> store.updateEntry("key", (existing) -> {
			throw refused;
		})).isSameAs(refused);
		assertThat(heap.getEntry("key")).isNull();
		assertThat(shared.getEntry("key").getResource().length()).isEqualTo(100);
	}

	@Test
	void aHitIsCountedForTheTierThatHeldTheEntry() throws Exception {
		MemoryHttpCacheStore heap = new MemoryHttpCacheStore(100, 1024 * 1024, Duration.ofMinutes(1));
		CaffeineHttpCacheStore shared = new CaffeineHttpCacheStore(1024 * 1024, 1);
		TieredHttpCacheStore store = new TieredHttpCacheStore(heap, shared);
		GuardedHttpCacheStorage guard = new GuardedHttpCacheStorage(store);
		shared.putEntry("key", entry(100, "max-age=60"));
		GuardedHttpCacheStorage.resetFailure();
		assertThat(guard.getEntry("key")).isNotNull();
		assertThat(GuardedHttpCacheStorage.tierReadSinceReset()).isEqualTo(1);
		GuardedHttpCacheStorage.resetFailure();
		assertThat(guard.getEntry("key")).isNotNull();
		assertThat(GuardedHttpCacheStorage.tierReadSinceReset()).isZero();
	}

	static HttpCacheEntry entry(int bodySize, String cacheControl, String... headers) {
		BasicHttpResponse response = new BasicHttpResponse(200);
		response.addHeader("Cache-Control", cacheControl);
		for (int i = 0; i + 1 < headers.length; i += 2) {
			response.addHeader(headers[i], headers[i + 1]);
		}
		return HttpCacheEntryFactory.INSTANCE.create(Instant.now(), Instant.now(), new HttpHost("localhost"),
				new BasicHttpRequest("GET", "/"), response, new HeapResource(new byte[bodySize]));
	}

}
