package dev.resilience.test.httpclient;

import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import dev.resilience.httpclient.MemoryHttpCacheStore;
import dev.resilience.httpclient.RedisHttpCacheStore;
import dev.resilience.httpclient.TieredHttpCacheStore;
import dev.resilience.support.RemoteStoreGuard;
import dev.resilience.test.redis.RedisServerExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.apache.commons.logging.LogFactory;
import org.apache.hc.client5.http.cache.HttpCacheEntry;
import org.apache.hc.client5.http.cache.HttpCacheEntryFactory;
import org.apache.hc.client5.http.cache.HttpCacheUpdateException;
import org.apache.hc.client5.http.impl.cache.HeapResource;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The Redis store against a real {@code redis-server}: compare-and-set across instances, the size bound, the
 * time-to-live of entries, and the breaker when Redis hangs.
 */
class RedisHttpCacheStoreTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	private final String prefix = "test:" + UUID.randomUUID() + ":";

	private RedisClient client;

	private StatefulRedisConnection<String, String> connection;

	private RedisCommands<String, String> commands;

	@BeforeEach
	void connect() {
		this.client = RedisClient.create(redis.server().url());
		this.connection = this.client.connect();
		this.commands = this.connection.sync();
	}

	@AfterEach
	void disconnect() {
		this.connection.close();
		this.client.shutdown();
		this.factories.forEach(LettuceConnectionFactory::destroy);
	}

	@Test
	void concurrentUpdatesThroughTwoInstancesLoseNoUpdate() throws Exception {
		RedisHttpCacheStore a = store(1024 * 1024, 50);
		RedisHttpCacheStore b = store(1024 * 1024, 50);
		a.putEntry("counter", entry(10, "max-age=60", "X-Count", "0"));
		AtomicInteger applied = new AtomicInteger();
		ExecutorService writers = Executors.newFixedThreadPool(8);
		try {
			assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
				List<Future<?>> done = new ArrayList<>();
				for (int i = 0; i < 8; i++) {
					RedisHttpCacheStore store = (i % 2 == 0) ? a : b;
					done.add(writers.submit(() -> {
						for (int j = 0; j < 25; j++) {
							try {
								store.updateEntry("counter", (existing) -> entry(10, "max-age=60", "X-Count",
										Integer.toString(Integer.parseInt(existing.getFirstHeader("X-Count").getValue())
												+ 1)));
								applied.incrementAndGet();
							}
							catch (HttpCacheUpdateException ex) {
								// lost more races than retries allow: not applied, and not counted
							}
						}
						return null;
					}));
				}
				for (Future<?> future : done) {
					future.get();
				}
			});
		}
		finally {
			writers.shutdownNow();
		}
		assertThat(applied.get()).isPositive();
		// a lost update (two writers replacing the same value) would leave the count below the updates applied
		assertThat(b.getEntry("counter").getFirstHeader("X-Count").getValue())
			.isEqualTo(Integer.toString(applied.get()));
	}

	@Test
	void anEntryLargerThanTheBoundIsNotStoredAndRemovesTheOlderOne() throws Exception {
		RedisHttpCacheStore store = store(10_000, 1);
		store.putEntry("key", entry(1_000, "max-age=60"));
		assertThat(store.getEntry("key")).isNotNull();
		store.putEntry("key", entry(20_000, "max-age=60"));
		assertThat(store.getEntry("key")).isNull();
		assertThat(this.commands.exists(this.prefix + "key")).isZero();
		store.updateEntry("key", (existing) -> entry(20_000, "max-age=60"));
		assertThat(this.commands.exists(this.prefix + "key")).isZero();
		assertThat(store.oversized()).isEqualTo(2);
	}

	@Test
	void entriesExpireAfterTheirFreshnessPlusTheStaleAllowanceOrTheRevalidationBound() throws Exception {
		RedisHttpCacheStore store = store(1024 * 1024, 1);
		store.putEntry("fresh", entry(10, "max-age=600"));
		store.putEntry("revalidatable", entry(10, "no-cache", "ETag", "\"v1\""));
		store.putEntry("tolerant", entry(10, "max-age=60, stale-while-revalidate=900"));
		store.putEntry("useless", entry(10, "max-age=60", "Age", "3600"));
		store.updateEntry("updated", (existing) -> entry(10, "max-age=30"));
		// stale allowance: the one-minute stale-if-unreachable bound
		assertThat(this.commands.pttl(this.prefix + "fresh")).isBetween(655_000L, 660_000L);
		assertThat(this.commands.pttl(this.prefix + "revalidatable")).isBetween(3_595_000L, 3_600_000L);
		assertThat(this.commands.pttl(this.prefix + "tolerant")).isBetween(955_000L, 960_000L);
		assertThat(this.commands.pttl(this.prefix + "updated")).isBetween(85_000L, 90_000L);
		assertThat(this.commands.exists(this.prefix + "useless")).isZero();
	}

	@Test
	void theHeapTierInFrontOfRedisStaysBoundedUnderChurnOfManyKeys() throws Exception {
		long entryBytes = 64 + 5_000 + 200;
		MemoryHttpCacheStore heap = new MemoryHttpCacheStore(1000, 20 * entryBytes, Duration.ofMinutes(1));
		TieredHttpCacheStore store = new TieredHttpCacheStore(heap, store(1024 * 1024, 1));
		List<WeakReference<HttpCacheEntry>> entries = new ArrayList<>();
		for (int i = 0; i < 1_000; i++) {
			HttpCacheEntry entry = entry(5_000, "max-age=60");
			entries.add(new WeakReference<>(entry));
			store.putEntry("churn" + i, entry);
		}
		for (int i = 0; i < 1_000; i += 10) {
			HttpCacheEntry read = store.getEntry("churn" + i);
			assertThat(read).as("entry %s in Redis", i).isNotNull();
			entries.add(new WeakReference<>(read));
		}
		assertThat(heap.sizeInBytes()).isLessThanOrEqualTo(20 * entryBytes);
		assertThat(heap.entryCount()).isLessThanOrEqualTo(20);
		assertThat(awaitCollected(entries, 20)).isLessThanOrEqualTo(20);
	}

	/**
	 * Run the garbage collector until at most {@code expected} of the references are still reachable, or give up.
	 */
	private static long awaitCollected(List<WeakReference<HttpCacheEntry>> references, long expected) {
		long reachable = references.stream().filter((reference) -> reference.get() != null).count();
		for (int i = 0; i < 20 && reachable > expected; i++) {
			System.gc();
			reachable = references.stream().filter((reference) -> reference.get() != null).count();
		}
		return reachable;
	}

	@Test
	void bytesPerEntryInRedis() throws Exception {
		RedisHttpCacheStore store = store(1024 * 1024, 1);
		String key = "http://api.example.com:8080/v1/products/12345?lang=en";
		for (int body : new int[] { 200, 2_000, 20_000 }) {
			store.putEntry(key + body, entry(body, "max-age=60", "ETag", "\"5f2b-1a3c\"", "Content-Type",
					"application/json", "Date", org.apache.hc.client5.http.utils.DateUtils.formatStandardDate(Instant.now())));
			Long bytes = this.commands.memoryUsage(this.prefix + key + body);
			long serialised = this.commands.strlen(this.prefix + key + body);
			System.out.println("MEMORY USAGE of an entry with a " + body + " byte body: " + bytes + " bytes ("
					+ serialised + " serialised)");
			assertThat(bytes).isGreaterThan(body);
		}
	}

	@Test
	void aPausedRedisOpensTheBreakerSoThatCallsFailAtOnceAndAProbeClosesItWhenRedisAnswers() throws Exception {
		RedisHttpCacheStore store = store(1024 * 1024, 1);
		RemoteStoreGuard guard = store.guard();
		store.putEntry("key", entry(10, "max-age=60"));
		redis.server().pause();
		try {
			assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
				for (int i = 0; i < 20; i++) {
					try {
						store.getEntry("key");
					}
					catch (RuntimeException ex) {
						// unavailable: the cache treats the entry as absent
					}
				}
			});
			assertThat(guard.calls()).isEqualTo(1 + 3);
			assertThat(guard.rejected()).isEqualTo(17);
			assertThat(guard.state()).isEqualTo(RemoteStoreGuard.State.OPEN);
		}
		finally {
			redis.server().resume();
		}
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			while (guard.state() != RemoteStoreGuard.State.CLOSED) {
				Thread.sleep(100);
				try {
					store.getEntry("key");
				}
				catch (RuntimeException ex) {
					// still open or the probe failed
				}
			}
		});
		assertThat(store.getEntry("key")).isNotNull();
	}

	private RedisHttpCacheStore store(long maxEntryBytes, int maxUpdateRetries) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(redis.host(), redis.port()));
		factory.afterPropertiesSet();
		factory.start();
		this.factories.add(factory);
		// a short timeout, as in production: the pause test counts calls, not time
		RemoteStoreGuard guard = new RemoteStoreGuard("test", Duration.ofMillis(500), 3, Duration.ofSeconds(5),
				LogFactory.getLog(RedisHttpCacheStoreTests.class));
		return new RedisHttpCacheStore(factory, guard, this.prefix, maxEntryBytes, Duration.ofMinutes(1),
				Duration.ofHours(1), true, maxUpdateRetries);
	}

	private static HttpCacheEntry entry(int bodySize, String cacheControl, String... headers) {
		BasicHttpResponse response = new BasicHttpResponse(200);
		response.addHeader("Cache-Control", cacheControl);
		for (int i = 0; i + 1 < headers.length; i += 2) {
			response.addHeader(headers[i], headers[i + 1]);
		}
		return HttpCacheEntryFactory.INSTANCE.create(Instant.now(), Instant.now(), new HttpHost("localhost"),
				new BasicHttpRequest("GET", "/"), response,
				new HeapResource("x".repeat(bodySize).getBytes(StandardCharsets.US_ASCII)));
	}

}
