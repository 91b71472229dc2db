package dev.resilience.test.etag;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.resilience.etag.ConditionalRequestsSection;
import dev.resilience.etag.RedisResourceVersionStore;
import dev.resilience.support.RemoteStoreGuard;
import dev.resilience.test.etag.RedisConditionalRequestsApplication.NoteController;
import dev.resilience.test.instances.ApplicationInstances;
import dev.resilience.test.instances.ApplicationInstances.Instance;
import dev.resilience.test.net.TcpLink;
import dev.resilience.test.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.resilience.test.etag.ConditionalRequests.assertETag;
import static dev.resilience.test.etag.ConditionalRequests.assertFullResponse;
import static dev.resilience.test.etag.ConditionalRequests.assertNoETag;
import static dev.resilience.test.etag.ConditionalRequests.assertNotModified;
import static dev.resilience.test.etag.ConditionalRequests.assertPreconditionFailed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Two instances of an application on random ports, sharing one real {@code redis-server} through
 * {@code resilience.etag.store=redis}: the cluster guarantees, and what happens when Redis is killed, paused, cut off
 * from one instance or restarted empty.
 */
class RedisConditionalRequestsTests {

	private static final Duration BOUND = Duration.ofSeconds(60);

	private static final String NOTE = "/notes/1";

	private RedisServer redis;

	private ApplicationInstances instances;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@BeforeEach
	void startRedis() {
		RedisConditionalRequestsApplication.NOTES.clear();
		this.redis = RedisServer.start();
		this.instances = ApplicationInstances.of(RedisConditionalRequestsApplication.class)
			.properties(this.redis.springDataRedisProperties())
			.properties("spring.autoconfigure.exclude="
					+ "org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration",
					"resilience.etag.store=redis", "resilience.etag.secret=cluster-secret",
					"resilience.etag.redis.key-prefix=test:" + UUID.randomUUID() + ":",
					"resilience.etag.redis.cool-down=2s", "resilience.etag.redis.reservation-lease=5s",
					// a loaded build machine must not turn a slow answer into an outage in tests about correctness
					"resilience.etag.redis.timeout=1s");
	}

	@AfterEach
	void stop() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
		this.instances.close();
		this.redis.close();
	}

	@Test
	void oneTagClusterWideAndAnotherInstanceAnswers304WithoutRunningItsHandler() {
		Instance a = start();
		Instance b = start();
		http(a).send("PUT", NOTE, "{\"text\":\"first\"}");
		String tagFromA = assertETag(okGet(a));
		String tagFromB = assertETag(okGet(b));
		assertThat(tagFromB).isEqualTo(tagFromA);
		int readsOnB = notes(b).reads.get();
		assertNotModified(http(b).get(NOTE, "If-None-Match", tagFromA), tagFromA);
		assertThat(notes(b).reads.get()).isEqualTo(readsOnB);
	}

	@Test
	void afterAPutOnOneInstanceTheOtherAnswersTheOldTagInFull() {
		Instance a = start();
		Instance b = start();
		http(a).send("PUT", NOTE, "{\"text\":\"first\"}");
		String old = assertETag(okGet(b));
		assertNotModified(http(b).get(NOTE, "If-None-Match", old), old);
		assertThat(http(a).send("PUT", NOTE, "{\"text\":\"second\"}").statusCode()).isEqualTo(200);
		HttpResponse<String> response = http(b).get(NOTE, "If-None-Match", old);
		assertFullResponse(response);
		assertThat(response.body()).isEqualTo("second");
		assertThat(assertETag(response)).isNotEqualTo(old);
		assertPreconditionFailed(http(b).send("PUT", NOTE, "{\"text\":\"lost\"}", "If-Match", old));
	}

	@Test
	void ofTwelveConcurrentPutsAcrossBothInstancesWithOneIfMatchExactlyOneProceeds() throws Exception {
		Instance a = start();
		Instance b = start();
		http(a).send("PUT", NOTE, "{\"text\":\"first\"}");
		String tag = assertETag(okGet(a));
		CountDownLatch gate = new CountDownLatch(1);
		notes(a).gate = gate;
		notes(b).gate = gate;
		ExecutorService clients = Executors.newFixedThreadPool(12);
		try {
			List<Future<HttpResponse<String>>> responses = new ArrayList<>();
			for (int i = 0; i < 12; i++) {
				Instance target = (i % 2 == 0) ? a : b;
				String body = "{\"text\":\"writer " + i + "\"}";
				responses.add(clients.submit(() -> http(target).send("PUT", NOTE, body, "If-Match", tag)));
			}
			// the winner holds in its handler until the others have their answers, so that all really overlap
			awaitTrue(() -> responses.stream().filter(Future::isDone).count() >= 11);
			gate.countDown();
			List<Integer> statuses = new ArrayList<>();
			for (Future<HttpResponse<String>> response : responses) {
				statuses.add(response.get(30, TimeUnit.SECONDS).statusCode());
			}
			assertThat(statuses).filteredOn((status) -> status >= 200 && status < 300).hasSize(1);
			assertThat(statuses).filteredOn((status) -> status == 412).hasSize(11);
			assertThat(notes(a).writes.get() + notes(b).writes.get()).isEqualTo(2);
		}
		finally {
			clients.shutdownNow();
		}
	}

	@Test
	void aFailedWriteGivesTheVersionBackOnEveryInstance() {
		Instance a = start();
		Instance b = start();
		http(a).send("PUT", NOTE, "{\"text\":\"first\"}");
		String tag = assertETag(okGet(a));
		assertThat(http(a).send("PUT", NOTE + "?status=409", "{\"text\":\"refused\"}", "If-Match", tag).statusCode())
			.isEqualTo(409);
		assertNotModified(http(b).get(NOTE, "If-None-Match", tag), tag);
		assertThat(http(b).send("PUT", NOTE, "{\"text\":\"second\"}", "If-Match", tag).statusCode()).isEqualTo(200);
	}

	@Test
	void redisKilledReadsAreFullConditionalWritesAre503AndServiceReturnsWhenItIsBack() {
		Instance a = start();
		Instance b = start();
		http(a).send("PUT", NOTE, "{\"text\":\"first\"}");
		String tag = assertETag(okGet(a));
		this.redis.kill();
		assertTimeoutPreemptively(BOUND, () -> {
			for (Instance instance : List.of(a, b, a, b, a, b)) {
				HttpResponse<String> read = http(instance).get(NOTE, "If-None-Match", tag);
				assertFullResponse(read);
				assertNoETag(read);
			}
			assertUnavailable(http(b).send("PUT", NOTE, "{\"text\":\"guarded\"}", "If-Match", tag));
			assertUnavailable(http(a).send("PUT", NOTE, "{\"text\":\"guarded\"}", "If-None-Match", "*"));
			assertUnavailable(http(a).send("PUT", NOTE, "{\"text\":\"guarded\"}", "If-Unmodified-Since",
					"Tue, 01 Dec 2099 00:00:00 GMT"));
			assertThat(RedisConditionalRequestsApplication.NOTES.get("1")).isEqualTo("first");
			assertThat(http(b).send("PUT", NOTE, "{\"text\":\"unconditional\"}").statusCode()).isEqualTo(200);
		});
		assertThat(store(a).guard().state()).isEqualTo(RemoteStoreGuard.State.OPEN);
		assertThat(store(a).describe()).containsEntry("health", "DOWN").containsEntry("breaker", "OPEN");
		assertThat(store(b).pendingChanges()).isEqualTo(1);
		this.redis.restart();
		// B records the unconditional write's version as soon as Redis answers, without a request
		awaitTrue(() -> store(b).pendingChanges() == 0);
		String fresh = awaitServing(a);
		assertThat(fresh).isNotEqualTo(tag);
		assertNotModified(http(b).get(NOTE, "If-None-Match", fresh), fresh);
		assertThat(http(b).send("PUT", NOTE, "{\"text\":\"again\"}", "If-Match", fresh).statusCode()).isEqualTo(200);
		assertThat(a.bean(ConditionalRequestsSection.class).describe().get("store").toString())
			.contains("kind=redis", "health=UP", "breaker=CLOSED");
	}

	@Test
	void redisPausedTheBreakerSparesRequestsTheTimeoutAndServiceReturnsOnResume() {
		Instance a = start();
		http(a).send("PUT", NOTE, "{\"text\":\"first\"}");
		String tag = assertETag(okGet(a));
		RemoteStoreGuard guard = store(a).guard();
		this.redis.pause();
		long callsBefore = guard.calls();
		long rejectedBefore = guard.rejected();
		assertTimeoutPreemptively(BOUND, () -> {
			for (int i = 0; i < 20; i++) {
				HttpResponse<String> read = http(a).get(NOTE, "If-None-Match", tag);
				assertFullResponse(read);
			}
		});
		long calls = guard.calls() - callsBefore;
		long rejected = guard.rejected() - rejectedBefore;
		// three timeouts open the breaker; the rest are refused at once, but for a probe per 2 s cool-down
		assertThat(calls + rejected).isEqualTo(20);
		assertThat(calls).isBetween(3L, 6L);
		assertThat(guard.state()).isNotEqualTo(RemoteStoreGuard.State.CLOSED);
		assertTimeoutPreemptively(BOUND, () -> assertUnavailable(
				http(a).send("PUT", NOTE, "{\"text\":\"guarded\"}", "If-Match", tag)));
		this.redis.resume();
		awaitTrue(() -> http(a).get(NOTE, "If-None-Match", tag).statusCode() == 304);
		assertThat(guard.state()).isEqualTo(RemoteStoreGuard.State.CLOSED);
		assertThat(http(a).send("PUT", NOTE, "{\"text\":\"second\"}", "If-Match", tag).statusCode()).isEqualTo(200);
	}

	@Test
	void anInstanceCutOffFromRedisAcceptsAnUnconditionalWriteAndNoInstanceMatchesAnOlderTagAfterItHeals() {
		TcpLink link = TcpLink.to(this.redis.host(), this.redis.port());
		this.closeables.add(link);
		Instance a = start("spring.data.redis.port=" + link.port());
		Instance b = start();
		http(b).send("PUT", NOTE, "{\"text\":\"first\"}");
		String old = assertETag(okGet(a));
		assertNotModified(http(b).get(NOTE, "If-None-Match", old), old);
		link.cut();
		assertTimeoutPreemptively(BOUND, () -> {
			assertThat(http(a).send("PUT", NOTE, "{\"text\":\"while cut off\"}").statusCode()).isEqualTo(200);
			assertUnavailable(http(a).send("PUT", NOTE, "{\"text\":\"guarded\"}", "If-Match", old));
			assertFullResponse(http(a).get(NOTE, "If-None-Match", old));
		});
		assertThat(store(a).pendingChanges()).isEqualTo(1);
		link.heal();
		awaitTrue(() -> store(a).pendingChanges() == 0);
		for (Instance instance : List.of(a, b)) {
			HttpResponse<String> response = http(instance).get(NOTE, "If-None-Match", old);
			assertFullResponse(response);
			assertThat(response.body()).isEqualTo("while cut off");
		}
	}

	@Test
	void changesBeyondTheRememberedOnesDropEveryKeyWhenRedisAnswersAgain() {
		TcpLink link = TcpLink.to(this.redis.host(), this.redis.port());
		this.closeables.add(link);
		Instance a = start("spring.data.redis.port=" + link.port(), "resilience.etag.redis.max-pending-changes=1");
		Instance b = start();
		List<String> tags = new ArrayList<>();
		for (String id : List.of("1", "2", "3")) {
			http(b).send("PUT", "/notes/" + id, "{\"text\":\"first\"}");
			tags.add(assertETag(okGet(b, "/notes/" + id)));
		}
		link.cut();
		assertTimeoutPreemptively(BOUND, () -> {
			assertThat(http(a).send("PUT", "/notes/1", "{\"text\":\"cut 1\"}").statusCode()).isEqualTo(200);
			assertThat(http(a).send("PUT", "/notes/2", "{\"text\":\"cut 2\"}").statusCode()).isEqualTo(200);
		});
		assertThat(store(a).pendingChangesOverflowed()).isTrue();
		link.heal();
		awaitTrue(() -> !store(a).pendingChangesOverflowed() && store(a).pendingChanges() == 0);
		for (int i = 0; i < 3; i++) {
			assertFullResponse(http(b).get("/notes/" + (i + 1), "If-None-Match", tags.get(i)));
		}
	}

	@Test
	void redisRestartedEmptyGivesNoFalse304() {
		Instance a = start();
		Instance b = start();
		http(a).send("PUT", NOTE, "{\"text\":\"first\"}");
		String old = assertETag(okGet(a));
		this.redis.restart();
		awaitTrue(() -> okGet(a).headers().firstValue("ETag").isPresent());
		for (Instance instance : List.of(a, b, a, b)) {
			HttpResponse<String> response = http(instance).get(NOTE, "If-None-Match", old);
			assertFullResponse(response);
			assertThat(assertETag(response)).isNotEqualTo(old);
		}
		assertPreconditionFailed(http(b).send("PUT", NOTE, "{\"text\":\"lost\"}", "If-Match", old));
	}

	@Test
	void aConditionalReadIsOneRoundTripAndAConditionalWriteTwo() {
		Instance a = start();
		RemoteStoreGuard guard = a.bean(RedisResourceVersionStore.class).guard();
		RedisClient client = RedisClient.create(this.redis.url());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			RedisCommands<String, String> commands = connection.sync();
			http(a).send("PUT", NOTE, "{\"text\":\"first\"}");
			// once through every path, so that the scripts are loaded and the connection is open
			String stale = assertETag(okGet(a));
			http(a).send("PUT", NOTE, "{\"text\":\"second\"}", "If-Match", stale);
			assertPreconditionFailed(http(a).send("PUT", NOTE, "{\"text\":\"lost\"}", "If-Match", stale));
			String tag = assertETag(okGet(a));
			long before = guard.calls();
			Map<String, Long> executed = commandsExecuted(commands);
			assertNotModified(http(a).get(NOTE, "If-None-Match", tag), tag);
			assertThat(guard.calls() - before).isEqualTo(1);
			// a read is one plain HMGET for Redis: no script, nothing that extends the key's time-to-live
			assertThat(difference(executed, commandsExecuted(commands))).containsExactly(Map.entry("hmget", 1L));
			before = guard.calls();
			assertFullResponse(http(a).get(NOTE, "If-None-Match", stale));
			assertThat(guard.calls() - before).isEqualTo(1);
			before = guard.calls();
			assertThat(http(a).send("PUT", NOTE, "{\"text\":\"third\"}", "If-Match", tag).statusCode()).isEqualTo(200);
			assertThat(guard.calls() - before).isEqualTo(2);
			before = guard.calls();
			assertPreconditionFailed(http(a).send("PUT", NOTE, "{\"text\":\"lost\"}", "If-Match", tag));
			assertThat(guard.calls() - before).isEqualTo(2);
		}
		finally {
			client.shutdown();
		}
	}

	/** Calls per command Redis has executed, those scripts run inside it included, except {@code INFO}. */
	private static Map<String, Long> commandsExecuted(RedisCommands<String, String> commands) {
		Map<String, Long> calls = new TreeMap<>();
		for (String line : commands.info("commandstats").split("\r?\n")) {
			if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_info:")) {
				int start = line.indexOf("calls=") + "calls=".length();
				calls.put(line.substring("cmdstat_".length(), line.indexOf(':')),
						Long.parseLong(line.substring(start, line.indexOf(',', start))));
			}
		}
		return calls;
	}

	private static Map<String, Long> difference(Map<String, Long> before, Map<String, Long> after) {
		Map<String, Long> difference = new TreeMap<>();
		after.forEach((command, calls) -> {
			long delta = calls - before.getOrDefault(command, 0L);
			if (delta != 0) {
				difference.put(command, delta);
			}
		});
		return difference;
	}

	@Test
	void oneKeyPerInstanceWithATimeToLiveAndAFewHundredBytes() {
		Instance a = start("resilience.etag.redis.time-to-live=1h");
		for (int i = 0; i < 50; i++) {
			http(a).send("PUT", "/notes/" + i, "{\"text\":\"n\"}");
			okGet(a, "/notes/" + i);
		}
		RedisClient client = RedisClient.create(this.redis.url());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			RedisCommands<String, String> commands = connection.sync();
			List<String> keys = commands.keys(store(a).prefix() + "*");
			assertThat(keys).hasSize(50);
			for (String key : keys) {
				assertThat(commands.pttl(key)).isBetween(Duration.ofMinutes(59).toMillis(), Duration.ofHours(1).toMillis());
				assertThat(commands.memoryUsage(key)).isLessThan(256);
			}
		}
		finally {
			client.shutdown();
		}
	}

	private Instance start(String... properties) {
		return this.instances.start(properties);
	}

	private static ConditionalRequests http(Instance instance) {
		return ConditionalRequests.onLocalPort(instance.port());
	}

	private static NoteController notes(Instance instance) {
		return instance.bean(NoteController.class);
	}

	private static RedisResourceVersionStore store(Instance instance) {
		return instance.bean(RedisResourceVersionStore.class);
	}

	private static HttpResponse<String> okGet(Instance instance) {
		return okGet(instance, NOTE);
	}

	private static HttpResponse<String> okGet(Instance instance, String path) {
		HttpResponse<String> response = http(instance).get(path);
		assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
		return response;
	}

	private static String awaitServing(Instance instance) {
		String[] tag = new String[1];
		awaitTrue(() -> {
			tag[0] = okGet(instance).headers().firstValue("ETag").orElse(null);
			return tag[0] != null;
		});
		return tag[0];
	}

	private static void assertUnavailable(HttpResponse<String> response) {
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.headers().firstValue("Retry-After")).hasValueSatisfying(
				(value) -> assertThat(Long.parseLong(value)).isPositive());
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(response.body()).contains("\"status\":503");
	}

	private static void awaitTrue(BooleanSupplier condition) {
		long deadline = System.nanoTime() + BOUND.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				fail("condition not met within " + BOUND);
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

}
