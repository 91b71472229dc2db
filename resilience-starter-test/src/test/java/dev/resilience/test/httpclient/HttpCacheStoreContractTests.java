package dev.resilience.test.httpclient;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;

import dev.resilience.httpclient.CaffeineHttpCacheStore;
import dev.resilience.httpclient.EhcacheHttpCacheStore;
import dev.resilience.httpclient.HttpCacheStore;
import dev.resilience.httpclient.MemoryHttpCacheStore;
import dev.resilience.httpclient.RedisHttpCacheStore;
import dev.resilience.httpclient.TieredHttpCacheStore;
import dev.resilience.support.RemoteStoreGuard;
import dev.resilience.test.redis.RedisServerExtension;
import org.apache.commons.logging.LogFactory;
import org.apache.hc.client5.http.cache.HttpCacheEntry;
import org.apache.hc.client5.http.cache.HttpCacheEntryFactory;
import org.apache.hc.client5.http.cache.ResourceIOException;
import org.apache.hc.client5.http.impl.cache.CacheConfig;
import org.apache.hc.client5.http.impl.cache.HeapResource;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What HttpClient's cache needs of every {@link HttpCacheStore}, on each store the starter offers: memory, caffeine,
 * ehcache, redis (against a real {@code redis-server}) and redis behind the heap tier.
 */
class HttpCacheStoreContractTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	static LettuceConnectionFactory connectionFactory;

	@BeforeAll
	static void connect() {
		connectionFactory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(redis.host(), redis.port()));
		connectionFactory.afterPropertiesSet();
		connectionFactory.start();
	}

	@AfterAll
	static void disconnect() {
		connectionFactory.destroy();
	}

	private final List<AutoCloseable> opened = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable store : this.opened) {
			store.close();
		}
	}

	private HttpCacheStore open(Supplier<HttpCacheStore> stores) {
		HttpCacheStore store = stores.get();
		if (store instanceof AutoCloseable closeable) {
			this.opened.add(closeable);
		}
		return store;
	}

	static Stream<Arguments> stores() {
		return Stream.of(store("memory", () -> new MemoryHttpCacheStore(100, 1024 * 1024)),
				store("caffeine", () -> new CaffeineHttpCacheStore(1024 * 1024, 1)),
				store("ehcache", () -> new EhcacheHttpCacheStore(1024 * 1024, 0, 0, null, CacheConfig.DEFAULT)),
				store("redis", HttpCacheStoreContractTests::redisStore), store("heap+redis",
						() -> new TieredHttpCacheStore(new MemoryHttpCacheStore(100, 1024 * 1024, Duration.ofSeconds(10)),
								redisStore())));
	}

	private static Arguments store(String name, Supplier<HttpCacheStore> store) {
		return Arguments.of(name, store);
	}

	static RedisHttpCacheStore redisStore() {
		RemoteStoreGuard guard = new RemoteStoreGuard("test", Duration.ofSeconds(2), 3, Duration.ofSeconds(1),
				LogFactory.getLog(HttpCacheStoreContractTests.class));
		return new RedisHttpCacheStore(connectionFactory, guard, "test:" + UUID.randomUUID() + ":", 1024 * 1024,
				Duration.ofMinutes(1), Duration.ofHours(1), true, 3);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("stores")
	void anEntryIsReadBackAsStored(String name, Supplier<HttpCacheStore> stores) throws Exception {
		HttpCacheStore store = open(stores);
		assertThat(store.getEntry("missing")).isNull();
		store.putEntry("key", entry(100, "one"));
		HttpCacheEntry read = store.getEntry("key");
		assertThat(read.getResource().length()).isEqualTo(100);
		assertThat(read.getFirstHeader("X-Version").getValue()).isEqualTo("one");
		assertThat(read.getStatus()).isEqualTo(200);
		assertThat(store.getEntries(List.of("key", "missing"))).containsOnlyKeys("key");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("stores")
	void aPutReplacesAndARemoveRemoves(String name, Supplier<HttpCacheStore> stores) throws Exception {
		HttpCacheStore store = open(stores);
		store.putEntry("key", entry(100, "one"));
		store.putEntry("key", entry(200, "two"));
		assertThat(store.getEntry("key").getFirstHeader("X-Version").getValue()).isEqualTo("two");
		store.removeEntry("key");
		assertThat(store.getEntry("key")).isNull();
		assertThat(store.getEntries(List.of("key"))).isEmpty();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("stores")
	void anUpdateSeesTheStoredEntryAndReplacesIt(String name, Supplier<HttpCacheStore> stores) throws Exception {
		HttpCacheStore store = open(stores);
		store.putEntry("key", entry(100, "one"));
		store.updateEntry("key", (existing) -> {
			assertThat(existing.getFirstHeader("X-Version").getValue()).isEqualTo("one");
			return entry(200, "two");
		});
		assertThat(store.getEntry("key").getFirstHeader("X-Version").getValue()).isEqualTo("two");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("stores")
	void anUpdateOfAnAbsentEntryStoresIt(String name, Supplier<HttpCacheStore> stores) throws Exception {
		HttpCacheStore store = open(stores);
		store.updateEntry("key", (existing) -> {
			assertThat(existing).isNull();
			return entry(100, "created");
		});
		assertThat(store.getEntry("key").getFirstHeader("X-Version").getValue()).isEqualTo("created");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("stores")
	void anUpdateThatThrowsLeavesTheEntryAsItWas(String name, Supplier<HttpCacheStore> stores) throws Exception {
		HttpCacheStore store = open(stores);
		store.putEntry("key", entry(100, "one"));
		ResourceIOException refused = new ResourceIOException("refused");
		assertThatExceptionOfType(ResourceIOException.class).isThrownBy(() -> store.updateEntry("key", (existing) -> {
			throw refused;
		})).isSameAs(refused);
		assertThat(store.getEntry("key").getFirstHeader("X-Version").getValue()).isEqualTo("one");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("stores")
	void variantKeysAndLongKeysAreKeptApart(String name, Supplier<HttpCacheStore> stores) throws Exception {
		HttpCacheStore store = open(stores);
		String root = "http://localhost:8080/things?q=" + "x".repeat(2000);
		store.putEntry(root, entry(10, "root"));
		store.putEntry("{accept=text%2Fplain}" + root, entry(20, "variant"));
		assertThat(store.getEntry(root).getFirstHeader("X-Version").getValue()).isEqualTo("root");
		assertThat(store.getEntry("{accept=text%2Fplain}" + root).getFirstHeader("X-Version").getValue())
			.isEqualTo("variant");
	}

	static HttpCacheEntry entry(int bodySize, String version) {
		BasicHttpResponse response = new BasicHttpResponse(200);
		response.addHeader("Cache-Control", "max-age=60");
		response.addHeader("X-Version", version);
		return HttpCacheEntryFactory.INSTANCE.create(Instant.now(), Instant.now(), new HttpHost("localhost"),
				new BasicHttpRequest("GET", "/"), response, new HeapResource(new byte[bodySize]));
	}

}
