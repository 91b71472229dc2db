package dev.resilience.httpclient;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.hc.client5.http.cache.HttpCacheCASOperation;
import org.apache.hc.client5.http.cache.HttpCacheEntry;
import org.apache.hc.client5.http.cache.HttpCacheEntryFactory;
import org.apache.hc.client5.http.cache.ResourceIOException;
import org.apache.hc.client5.http.impl.cache.HeapResource;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code Set-Cookie} refusal of {@link GuardedHttpCacheStorage}, with a deterministic interleaving: another thread
 * reads the key at the moment the store's update has just finished, before the guard's own call returns.
 */
class GuardedHttpCacheStorageTests {

	@Test
	void aCookieMergedIntoAnEntryByAnUpdateIsNeverVisibleToAConcurrentReader() throws Exception {
		GuardedHttpCacheStorage.resetFailure();
		MemoryHttpCacheStore memory = new MemoryHttpCacheStore(100, 1024 * 1024);
		AtomicReference<GuardedHttpCacheStorage> guard = new AtomicReference<>();
		AtomicReference<HttpCacheEntry> seenByOtherUser = new AtomicReference<>();
		HttpCacheStore interleaving = new DelegatingStore(memory) {

			@Override
			public void updateEntry(String key, HttpCacheCASOperation casOperation) throws ResourceIOException {
				try {
					super.updateEntry(key, casOperation);
				}
				finally {
					// another user's request hits the key right after the store's own update
					seenByOtherUser.set(CompletableFuture.supplyAsync(() -> guard.get().getEntry(key))
						.orTimeout(10, TimeUnit.SECONDS)
						.join());
				}
			}

		};
		guard.set(new GuardedHttpCacheStorage(interleaving));
		HttpCacheEntry stored = entry();
		guard.get().putEntry("key", stored);
		guard.get().updateEntry("key", (existing) -> entry("Set-Cookie", "session=user-a"));
		assertThat(seenByOtherUser.get()).isNotNull();
		assertThat(seenByOtherUser.get().containsHeader("Set-Cookie")).as("another user saw user A's cookie").isFalse();
		assertThat(guard.get().getEntry("key")).isNull();
		assertThat(GuardedHttpCacheStorage.failedSinceReset()).isFalse();
	}

	@Test
	void anUpdateWithoutACookieIsStored() {
		GuardedHttpCacheStorage guard = new GuardedHttpCacheStorage(new MemoryHttpCacheStore(100, 1024 * 1024));
		guard.putEntry("key", entry());
		HttpCacheEntry updated = entry("ETag", "\"v2\"");
		guard.updateEntry("key", (existing) -> updated);
		assertThat(guard.getEntry("key")).isSameAs(updated);
	}

	@Test
	void aResponseWithACookieIsNotStored() {
		GuardedHttpCacheStorage guard = new GuardedHttpCacheStorage(new MemoryHttpCacheStore(100, 1024 * 1024));
		guard.putEntry("key", entry());
		guard.putEntry("key", entry("Set-Cookie", "session=user-a"));
		assertThat(guard.getEntry("key")).isNull();
	}

	@Test
	void aResponseToARequestWithAnIdentityHeaderIsStoredOnlyWhenTheOriginAllowsReuse() {
		GuardedHttpCacheStorage guard = new GuardedHttpCacheStorage(new MemoryHttpCacheStore(100, 1024 * 1024),
				List.of("Cookie", "X-User-Id"));
		guard.putEntry("cookie", entryFor("Cookie", "session=a", "max-age=60"));
		guard.putEntry("custom", entryFor("x-user-id", "alice", "max-age=60"));
		guard.putEntry("public", entryFor("X-User-Id", "alice", "public, max-age=60"));
		guard.putEntry("s-maxage", entryFor("X-User-Id", "alice", "s-maxage=60"));
		guard.putEntry("anonymous", entryFor("Accept", "text/plain", "max-age=60"));
		assertThat(guard.getEntry("cookie")).isNull();
		assertThat(guard.getEntry("custom")).isNull();
		assertThat(guard.getEntry("public")).isNotNull();
		assertThat(guard.getEntry("s-maxage")).isNotNull();
		assertThat(guard.getEntry("anonymous")).isNotNull();
		guard.updateEntry("anonymous", (existing) -> entryFor("X-User-Id", "bob", "max-age=60"));
		assertThat(guard.getEntry("anonymous")).isNull();
	}

	private static HttpCacheEntry entryFor(String requestHeader, String value, String cacheControl) {
		BasicHttpRequest request = new BasicHttpRequest("GET", "/");
		request.addHeader(requestHeader, value);
		BasicHttpResponse response = new BasicHttpResponse(200);
		response.addHeader("Cache-Control", cacheControl);
		return HttpCacheEntryFactory.INSTANCE.create(Instant.now(), Instant.now(), new HttpHost("localhost"), request,
				response, new HeapResource(new byte[10]));
	}

	private static HttpCacheEntry entry(String... header) {
		BasicHttpResponse response = new BasicHttpResponse(200);
		response.addHeader("Cache-Control", "max-age=60");
		for (int i = 0; i < header.length; i += 2) {
			response.addHeader(header[i], header[i + 1]);
		}
		return HttpCacheEntryFactory.INSTANCE.create(Instant.now(), Instant.now(), new HttpHost("localhost"),
				new BasicHttpRequest("GET", "/"), response, new HeapResource(new byte[10]));
	}

	private static class DelegatingStore implements HttpCacheStore {

		private final HttpCacheStore delegate;

		DelegatingStore(HttpCacheStore delegate) {
			this.delegate = delegate;
		}

		@Override
		public String name() {
			return "delegating";
		}

		@Override
		public long entryCount() {
			return this.delegate.entryCount();
		}

		@Override
		public long sizeInBytes() {
			return this.delegate.sizeInBytes();
		}

		@Override
		public void putEntry(String key, HttpCacheEntry entry) throws ResourceIOException {
			this.delegate.putEntry(key, entry);
		}

		@Override
		public HttpCacheEntry getEntry(String key) throws ResourceIOException {
			return this.delegate.getEntry(key);
		}

		@Override
		public void removeEntry(String key) throws ResourceIOException {
			this.delegate.removeEntry(key);
		}

		@Override
		public void updateEntry(String key, HttpCacheCASOperation casOperation) throws ResourceIOException {
			try {
				this.delegate.updateEntry(key, casOperation);
			}
			catch (org.apache.hc.client5.http.cache.HttpCacheUpdateException ex) {
				throw new ResourceIOException(ex.getMessage(), ex);
			}
		}

		@Override
		public Map<String, HttpCacheEntry> getEntries(Collection<String> keys) throws ResourceIOException {
			return this.delegate.getEntries(keys);
		}

	}

}
