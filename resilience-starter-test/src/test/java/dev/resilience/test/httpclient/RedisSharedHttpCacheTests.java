package dev.resilience.test.httpclient;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import dev.resilience.httpclient.CacheOutcome;
import dev.resilience.httpclient.RedisHttpCacheStore;
import dev.resilience.httpclient.SharedHttpClient;
import dev.resilience.httpclient.SharedHttpClientMetrics;
import dev.resilience.httpclient.SharedHttpClientSection;
import dev.resilience.httpclient.TieredHttpCacheStore;
import dev.resilience.support.RemoteStoreGuard;
import dev.resilience.test.redis.RedisServer;
import io.micrometer.core.instrument.MeterRegistry;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static dev.resilience.test.httpclient.CacheOutcomeAssert.assertThatCacheOutcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Two application contexts sharing one real {@code redis-server} through {@code resilience.http-client.cache.store=redis},
 * against a real local origin: what one fetched the other is served, and what happens when Redis is killed or paused.
 */
class RedisSharedHttpCacheTests {

	private static final Duration BOUND = Duration.ofSeconds(60);

	private RedisServer redis;

	private RecordingOrigin origin;

	private final String prefix = "test:" + UUID.randomUUID() + ":";

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@BeforeEach
	void start() throws IOException {
		this.redis = RedisServer.start();
		this.origin = RecordingOrigin.start();
	}

	@AfterEach
	void stop() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		this.origin.close();
		this.redis.close();
	}

	@ParameterizedTest(name = "heap tier {0}")
	@ValueSource(booleans = { false, true })
	void aResponseFetchedByOneInstanceIsServedToTheOtherWithoutReachingTheOrigin(boolean heapTier) {
		ConfigurableApplicationContext a = instance("resilience.http-client.cache.redis.heap-tier.enabled=" + heapTier);
		ConfigurableApplicationContext b = instance("resilience.http-client.cache.redis.heap-tier.enabled=" + heapTier);
		this.origin.respond("/shared", (request) -> OriginResponse.ok("fetched once").cacheControl("max-age=60"));
		assertThatCacheOutcome(get(a, "/shared")).isMiss();
		ResponseEntity<String> fromB = get(b, "/shared");
		assertThat(fromB.getBody()).isEqualTo("fetched once");
		assertThatCacheOutcome(fromB).isHit();
		assertThat(this.origin.requestCount("/shared")).isOne();
		String redisTier = "redis";
		assertThat(tierHits(b, redisTier)).isOne();
		if (heapTier) {
			assertThatCacheOutcome(get(b, "/shared")).isHit();
			assertThat(tierHits(b, "heap")).isOne();
			assertThat(b.getBean(SharedHttpClient.class).store()).isInstanceOf(TieredHttpCacheStore.class);
		}
		assertThat(this.origin.requestCount("/shared")).isOne();
	}

	@Test
	void anotherInstancesInvalidationReachesTheHeapTierWhenItsCopyExpires() {
		String heapTier = "resilience.http-client.cache.redis.heap-tier.time-to-live=1s";
		ConfigurableApplicationContext a = instance("resilience.http-client.cache.redis.heap-tier.enabled=true", heapTier);
		ConfigurableApplicationContext b = instance("resilience.http-client.cache.redis.heap-tier.enabled=true", heapTier);
		AtomicReference<String> version = new AtomicReference<>("v1");
		this.origin.respond("/note", (request) -> OriginResponse.ok(version.get()).cacheControl("max-age=600"));
		assertThat(get(a, "/note").getBody()).isEqualTo("v1");
		assertThat(get(b, "/note").getBody()).isEqualTo("v1");
		version.set("v2");
		// an unsafe request through A invalidates the URL in A's heap tier and in Redis (RFC 9111 §4.4)
		a.getBean(RestClient.Builder.class).build().post().uri(this.origin.uri("/note")).retrieve().toBodilessEntity();
		assertThat(get(a, "/note").getBody()).isEqualTo("v2");
		// B's heap copy is served until it expires, then B reads what Redis holds now
		assertTimeoutPreemptively(BOUND, () -> {
			while (!"v2".equals(get(b, "/note").getBody())) {
				Thread.sleep(100);
			}
		});
		assertThat(b.getBean(SharedHttpClient.class).store()).isInstanceOf(TieredHttpCacheStore.class);
	}

	@Test
	void redisKilledRequestsSucceedThroughTheOriginAndCountAsFailureAndWhenItIsBackEntriesAreSharedAgain() {
		ConfigurableApplicationContext a = instance();
		ConfigurableApplicationContext b = instance();
		this.origin.respond("/data", (request) -> OriginResponse.ok("from origin").cacheControl("max-age=60"));
		assertThatCacheOutcome(get(a, "/data")).isMiss();
		this.redis.kill();
		double failuresBefore = outcomes(b, CacheOutcome.FAILURE);
		assertTimeoutPreemptively(BOUND, () -> {
			for (ConfigurableApplicationContext instance : List.of(a, b, a, b, a, b)) {
				ResponseEntity<String> response = get(instance, "/data");
				assertThat(response.getBody()).isEqualTo("from origin");
				assertThatCacheOutcome(response).isFailure();
			}
		});
		assertThat(outcomes(b, CacheOutcome.FAILURE)).isEqualTo(failuresBefore + 3);
		assertThat(this.origin.requestCount("/data")).isEqualTo(1 + 6);
		assertThat(redisSection(b)).containsEntry("health", "DOWN");
		this.redis.restart();
		this.origin.respond("/after", (request) -> OriginResponse.ok("shared again").cacheControl("max-age=60"));
		awaitShared(a, b, "/after");
		assertThat(redisSection(b)).containsEntry("health", "UP").containsEntry("breaker", "CLOSED");
	}

	@Test
	void redisPausedTwentyRequestsInARowDoNotEachPayTheTimeoutAndServiceReturnsOnResume() {
		ConfigurableApplicationContext a = instance();
		ConfigurableApplicationContext b = instance();
		for (String path : Stream.concat(Stream.of("/paused"),
				IntStream.range(0, 20).mapToObj((i) -> "/paused-" + i)).toList()) {
			this.origin.respond(path, (request) -> OriginResponse.ok("from origin").cacheControl("max-age=60"));
		}
		get(a, "/paused");
		RemoteStoreGuard guard = RedisHttpCacheStoreAccess.guard(a);
		MeterRegistry meters = a.getBean(MeterRegistry.class);
		double errorsBefore = meters.get(SharedHttpClientMetrics.STORE_ERRORS).functionCounter().count();
		double rejectedBefore = meters.get(SharedHttpClientMetrics.STORE_REJECTED).functionCounter().count();
		double failuresBefore = outcomes(a, CacheOutcome.FAILURE);
		this.redis.pause();
		long callsBefore = guard.calls();
		long rejectedCallsBefore = guard.rejected();
		assertTimeoutPreemptively(BOUND, () -> {
			for (int i = 0; i < 20; i++) {
				ResponseEntity<String> response = get(a, "/paused-" + i);
				assertThat(response.getBody()).isEqualTo("from origin");
				assertThatCacheOutcome(response).isFailure();
			}
		});
		long calls = guard.calls() - callsBefore;
		long rejected = guard.rejected() - rejectedCallsBefore;
		// three timeouts open the breaker; every later store call of the 20 requests is refused at once
		assertThat(calls).isBetween(3L, 5L);
		assertThat(rejected).isGreaterThanOrEqualTo(20 - calls);
		assertThat(outcomes(a, CacheOutcome.FAILURE)).isEqualTo(failuresBefore + 20);
		assertThat(meters.get(SharedHttpClientMetrics.STORE_ERRORS).functionCounter().count() - errorsBefore)
			.isEqualTo(calls);
		assertThat(meters.get(SharedHttpClientMetrics.STORE_REJECTED).functionCounter().count() - rejectedBefore)
			.isEqualTo(rejected);
		assertThat(meters.get(SharedHttpClientMetrics.STORE_BREAKER).gauge().value()).isEqualTo(2);
		assertThat(redisSection(a)).containsEntry("breaker", "OPEN");
		this.redis.resume();
		this.origin.respond("/resumed", (request) -> OriginResponse.ok("shared again").cacheControl("max-age=60"));
		awaitShared(a, b, "/resumed");
		assertThat(guard.state()).isEqualTo(RemoteStoreGuard.State.CLOSED);
	}

	/**
	 * Request the path through A until A's store works again (the breaker's probe succeeded and A stored the
	 * response), then B must be served it without reaching the origin.
	 */
	private void awaitShared(ConfigurableApplicationContext a, ConfigurableApplicationContext b, String path) {
		assertTimeoutPreemptively(BOUND, () -> {
			while (CacheOutcome.fromCacheStatus(get(a, path).getHeaders().getFirst(CacheOutcome.CACHE_STATUS_HEADER))
					!= CacheOutcome.MISS) {
				Thread.sleep(200);
			}
		});
		int originRequests = this.origin.requestCount(path);
		ResponseEntity<String> fromB = get(b, path);
		assertThat(fromB.getBody()).isEqualTo("shared again");
		assertThatCacheOutcome(fromB).isHit();
		assertThat(this.origin.requestCount(path)).isEqualTo(originRequests);
	}

	private ConfigurableApplicationContext instance(String... properties) {
		List<String> all = new ArrayList<>(List.of(this.redis.springDataRedisProperties()));
		// this module's application.properties keeps Redis off; keep only its Jetty exclusion
		all.addAll(List.of("spring.autoconfigure.exclude="
				+ "org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration",
				"resilience.http-client.cache.store=redis", "resilience.http-client.cache.status-header=true",
				"resilience.http-client.cache.redis.key-prefix=" + this.prefix,
				// short, so that a probe comes soon after Redis is back; long enough for a loaded build machine
				"resilience.http-client.cache.redis.timeout=500ms", "resilience.http-client.cache.redis.cool-down=2s",
				"spring.http.clients.connect-timeout=2s", "spring.http.clients.read-timeout=10s",
				"spring.main.banner-mode=off"));
		all.addAll(List.of(properties));
		// as command-line arguments, so that they take precedence over this module's application.properties
		ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
			.run(all.stream().map((property) -> "--" + property).toArray(String[]::new));
		this.contexts.add(context);
		return context;
	}

	private ResponseEntity<String> get(ConfigurableApplicationContext instance, String path) {
		return instance.getBean(RestClient.Builder.class)
			.build()
			.get()
			.uri(this.origin.uri(path))
			.retrieve()
			.toEntity(String.class);
	}

	private static double outcomes(ConfigurableApplicationContext instance, CacheOutcome outcome) {
		return instance.getBean(MeterRegistry.class)
			.get(SharedHttpClientMetrics.CACHE_REQUESTS)
			.tag("outcome", outcome.tag())
			.functionCounter()
			.count();
	}

	private static double tierHits(ConfigurableApplicationContext instance, String tier) {
		return instance.getBean(MeterRegistry.class)
			.get(SharedHttpClientMetrics.CACHE_TIER_HITS)
			.tag("tier", tier)
			.functionCounter()
			.count();
	}

	private static Map<String, Object> redisSection(ConfigurableApplicationContext instance) {
		Object cache = instance.getBean(SharedHttpClientSection.class).describe().get("cache");
		return assertThat(cache).asInstanceOf(InstanceOfAssertFactories.MAP)
			.extractingByKey("redis")
			.asInstanceOf(InstanceOfAssertFactories.map(String.class, Object.class))
			.actual();
	}

	private static final class RedisHttpCacheStoreAccess {

		static RemoteStoreGuard guard(ConfigurableApplicationContext instance) {
			return ((RedisHttpCacheStore) instance.getBean(SharedHttpClient.class).store()).guard();
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

}
