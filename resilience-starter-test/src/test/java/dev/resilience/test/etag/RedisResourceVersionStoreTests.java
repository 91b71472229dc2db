package dev.resilience.test.etag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.resilience.etag.RedisResourceVersionStore;
import dev.resilience.etag.ResourceState;
import dev.resilience.etag.ResourceState.Existence;
import dev.resilience.support.RemoteStoreGuard;
import dev.resilience.test.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two {@link RedisResourceVersionStore}s (two instances of an application) on one real {@code redis-server}: the
 * compare-and-set operations hold across them.
 */
class RedisResourceVersionStoreTests {

	private RedisServer redis;

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	private final List<RedisResourceVersionStore> stores = new ArrayList<>();

	@BeforeEach
	void start() {
		this.redis = RedisServer.start();
	}

	@AfterEach
	void stop() {
		this.stores.forEach(RedisResourceVersionStore::close);
		this.factories.forEach(LettuceConnectionFactory::destroy);
		this.redis.close();
	}

	@Test
	void ofConcurrentReservationsAgainstOneStateAcrossStoresExactlyOneSucceeds() throws Exception {
		RedisResourceVersionStore a = store();
		RedisResourceVersionStore b = store();
		ResourceState state = a.changed("note", "1", true, null);
		CyclicBarrier start = new CyclicBarrier(12);
		ExecutorService threads = Executors.newFixedThreadPool(12);
		try {
			List<Future<ResourceState>> reservations = new ArrayList<>();
			for (int i = 0; i < 12; i++) {
				RedisResourceVersionStore store = (i % 2 == 0) ? a : b;
				reservations.add(threads.submit(() -> {
					start.await(30, TimeUnit.SECONDS);
					return store.reserve("note", "1", state);
				}));
			}
			List<ResourceState> won = new ArrayList<>();
			for (Future<ResourceState> reservation : reservations) {
				won.add(reservation.get(30, TimeUnit.SECONDS));
			}
			assertThat(won.stream().filter(Objects::nonNull).toList()).hasSize(1);
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void aReleasedReservationGivesTheVersionBackToTheOtherStore() {
		RedisResourceVersionStore a = store();
		RedisResourceVersionStore b = store();
		ResourceState state = a.changed("note", "1", true, null);
		ResourceState reserved = a.reserve("note", "1", state);
		assertThat(reserved).isNotNull();
		assertThat(b.currentOrRecord("note", "1").isReserved()).isTrue();
		assertThat(b.reserve("note", "1", state)).isNull();
		a.release("note", "1", reserved);
		assertThat(b.currentOrRecord("note", "1")).isEqualTo(state);
		assertThat(b.reserve("note", "1", state)).isNotNull();
	}

	@Test
	void aChangeOutsideAReservationKeepsItForItsHolder() {
		RedisResourceVersionStore a = store();
		RedisResourceVersionStore b = store();
		ResourceState state = a.changed("note", "1", true, null);
		ResourceState reserved = a.reserve("note", "1", state);
		ResourceState touched = b.changed("note", "1", true, null);
		assertThat(touched.version()).isNotEqualTo(state.version());
		assertThat(touched.reservation()).isEqualTo(reserved.reservation());
		ResourceState committed = a.changed("note", "1", true, reserved);
		assertThat(committed.isReserved()).isFalse();
		assertThat(b.current("note", "1")).isEqualTo(committed);
	}

	@Test
	void existenceIsSharedAndAnInstanceBackFromAbsentGetsAFreshVersion() {
		RedisResourceVersionStore a = store();
		RedisResourceVersionStore b = store();
		ResourceState unknown = a.currentOrRecord("note", "1");
		assertThat(unknown.existence()).isEqualTo(Existence.UNKNOWN);
		ResourceState absent = a.observe("note", "1", unknown, false);
		assertThat(b.current("note", "1")).isEqualTo(absent);
		assertThat(absent.existence()).isEqualTo(Existence.ABSENT);
		ResourceState present = b.observe("note", "1", absent, true);
		assertThat(present.existence()).isEqualTo(Existence.PRESENT);
		assertThat(present.version()).isNotEqualTo(absent.version());
		// a read that started from a state that is no longer stored observes nothing
		assertThat(a.observe("note", "1", unknown, false)).isEqualTo(unknown);
		assertThat(a.current("note", "1")).isEqualTo(present);
	}

	@Test
	void aReservationWhoseHolderNeverEndsItExpiresAfterTheLease() throws InterruptedException {
		RedisResourceVersionStore a = store();
		ResourceState state = a.changed("note", "1", true, null);
		assertThat(a.reserve("note", "1", state)).isNotNull();
		Thread.sleep(400);
		ResourceState after = a.currentOrRecord("note", "1");
		assertThat(after.isReserved()).isFalse();
		assertThat(a.reserve("note", "1", after)).isNotNull();
	}

	@Test
	void recordingAndWritingSetTheTimeToLiveAndReadsLeaveIt() {
		RedisResourceVersionStore a = store();
		RedisClient client = RedisClient.create(this.redis.url());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			RedisCommands<String, String> commands = connection.sync();
			String key = "test:4:note:1";
			ResourceState recorded = a.currentOrRecord("note", "1");
			assertThat(commands.pttl(key)).isGreaterThan(Duration.ofMinutes(59).toMillis());
			commands.pexpire(key, Duration.ofMinutes(10).toMillis());
			assertThat(a.currentOrRecord("note", "1")).isEqualTo(recorded);
			assertThat(a.current("note", "1")).isEqualTo(recorded);
			assertThat(commands.pttl(key)).isLessThanOrEqualTo(Duration.ofMinutes(10).toMillis());
			a.changed("note", "1", true, null);
			assertThat(commands.pttl(key)).isGreaterThan(Duration.ofMinutes(59).toMillis());
		}
		finally {
			client.shutdown();
		}
	}

	private RedisResourceVersionStore store() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(this.redis.host(), this.redis.port());
		factory.afterPropertiesSet();
		factory.start();
		this.factories.add(factory);
		RemoteStoreGuard guard = new RemoteStoreGuard("test", Duration.ofSeconds(5), 3, Duration.ofSeconds(1),
				LogFactory.getLog(RedisResourceVersionStoreTests.class));
		RedisResourceVersionStore store = new RedisResourceVersionStore(factory, guard, "test:", Duration.ofHours(1),
				Duration.ofMillis(200), 100);
		this.stores.add(store);
		return store;
	}

}
