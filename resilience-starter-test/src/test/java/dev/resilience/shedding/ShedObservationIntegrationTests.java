package dev.resilience.shedding;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.resilience.test.shedding.AutoConfigureWorkerPoolPressure;
import dev.resilience.test.shedding.WorkerPoolPressure;
import dev.resilience.test.shedding.WorkerPoolPressure.Hold;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static dev.resilience.test.shedding.ShedResponseAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shed requests in {@code http.server.requests}, on a real Tomcat with actuator and Micrometer: each one exactly once,
 * with its status and its URI template or path rule pattern, never its raw path, while the requests that are let
 * through are still counted by Boot's observation filter.
 */
class ShedObservationIntegrationTests {

	private static final Duration OBSERVED = Duration.ofSeconds(10);

	static double count(MeterRegistry registry, String uri, String status) {
		Timer timer = registry.find("http.server.requests").tag("uri", uri).tag("status", status).timer();
		return (timer != null) ? timer.count() : 0;
	}

	static boolean hasRawPath(MeterRegistry registry, String prefix) {
		return registry.find("http.server.requests")
			.timers()
			.stream()
			.anyMatch((timer) -> timer.getId().getTag("uri").startsWith(prefix));
	}

	@Nested
	@SpringBootTest(classes = SheddingTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = "server.tomcat.threads.max=10")
	@AutoConfigureWorkerPoolPressure
	class AnnotatedHandlers {

		@LocalServerPort
		int port;

		@Autowired
		WorkerPoolPressure pressure;

		@Autowired
		MeterRegistry meterRegistry;

		@Autowired
		ServerRequestShedObserver observer;

		@Test
		void shedRequestsAreCountedOnceWith429AndTheirUriTemplateAndServedOnesAsBefore() {
			try (Hold hold = this.pressure.reach(0.85)) {
				for (int i = 0; i < 5; i++) {
					assertThat(Http.get(this.port, "/reports/lyon")).isShed();
					assertThat(Http.get(this.port, "/reports/paris-" + i)).isShed();
				}
				assertThat(Http.get(this.port, "/critical").statusCode()).isEqualTo(200);
			}
			assertThat(Http.get(this.port, "/reports/lyon").statusCode()).isEqualTo(200);
			await().atMost(OBSERVED).untilAsserted(() -> {
				assertThat(count(this.meterRegistry, "/reports/{city}", "429")).isEqualTo(10);
				assertThat(count(this.meterRegistry, "/reports/{city}", "200")).isEqualTo(1);
				assertThat(count(this.meterRegistry, "/critical", "200")).isEqualTo(1);
			});
			Timer shed = this.meterRegistry.get("http.server.requests")
				.tag("uri", "/reports/{city}")
				.tag("status", "429")
				.timer();
			assertThat(shed.getId().getTag("outcome")).isEqualTo("CLIENT_ERROR");
			assertThat(shed.getId().getTag("method")).isEqualTo("GET");
			assertThat(shed.getId().getTag("exception")).isEqualTo("none");
			assertThat(hasRawPath(this.meterRegistry, "/reports/lyon")).isFalse();
			assertThat(hasRawPath(this.meterRegistry, "/reports/paris")).isFalse();
			// Boot's own observation set-up: the later shed requests were recorded in this timer directly
			assertThat(this.observer.recordsDirectly("/reports/{city}", "GET")).isTrue();
		}

	}

	@Nested
	@SpringBootTest(classes = SheddingTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "server.tomcat.threads.max=10", "management.observations.key-values.region=eu-west",
					"management.metrics.tags.application=shop" })
	@AutoConfigureWorkerPoolPressure
	class ConcurrentShedRequestsWithBootsCommonKeyValuesAndTags {

		@LocalServerPort
		int port;

		@Autowired
		WorkerPoolPressure pressure;

		@Autowired
		MeterRegistry meterRegistry;

		@Autowired
		ServerRequestShedObserver observer;

		@Test
		void everyShedRequestIsCountedInOneSeriesCarryingThem() throws Exception {
			int callers = 6;
			int each = 10;
			ExecutorService executor = Executors.newFixedThreadPool(callers);
			try (Hold hold = this.pressure.reach(0.85)) {
				List<Future<Integer>> statuses = new ArrayList<>();
				for (int i = 0; i < callers * each; i++) {
					String path = "/reports/city-" + i;
					statuses.add(executor.submit(() -> Http.get(this.port, path).statusCode()));
				}
				for (Future<Integer> status : statuses) {
					assertThat(status.get(30, TimeUnit.SECONDS)).isEqualTo(429);
				}
			}
			finally {
				executor.shutdownNow();
			}
			await().atMost(OBSERVED)
				.untilAsserted(() -> assertThat(count(this.meterRegistry, "/reports/{city}", "429"))
					.isEqualTo(callers * each));
			Collection<Timer> shed = this.meterRegistry.find("http.server.requests").tag("status", "429").timers();
			assertThat(shed).singleElement().satisfies((timer) -> {
				assertThat(timer.getId().getTag("region")).isEqualTo("eu-west");
				assertThat(timer.getId().getTag("application")).isEqualTo("shop");
			});
			assertThat(this.observer.recordsDirectly("/reports/{city}", "GET")).isTrue();
			// 60 distinct paths, one template: what is remembered does not grow with what clients send
			assertThat(this.observer.uriTemplatesRemembered()).isEqualTo(1);
			// the shed template's only: the held requests' observations may still be stopping as their responses arrive
			await().atMost(OBSERVED).untilAsserted(() -> {
				Collection<LongTaskTimer> active = this.meterRegistry.find("http.server.requests.active")
					.tag("uri", "/reports/{city}")
					.longTaskTimers();
				assertThat(active).isNotEmpty().allSatisfy((timer) -> assertThat(timer.activeTasks()).isZero());
			});
		}

	}

	@Nested
	@SpringBootTest(classes = TierTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "server.tomcat.threads.max=10", "resilience.shedding.rejection-status=503",
					"resilience.shedding.tiers.batch.threshold=0.5",
					"resilience.shedding.tiers.batch.paths=GET /library/**", "test.own-threshold=0.9" })
	@AutoConfigureWorkerPoolPressure
	class PathRulesWith503 {

		@LocalServerPort
		int port;

		@Autowired
		WorkerPoolPressure pressure;

		@Autowired
		MeterRegistry meterRegistry;

		@Test
		void shedRequestsAreCountedOnceWith503AndTheRulePattern() {
			try (Hold hold = this.pressure.reach(0.5)) {
				for (int i = 0; i < 4; i++) {
					assertThat(Http.get(this.port, "/library/reports/" + i)).isShed();
				}
				assertThat(Http.get(this.port, "/critical").statusCode()).isEqualTo(200);
			}
			await().atMost(OBSERVED).untilAsserted(() -> {
				assertThat(count(this.meterRegistry, "/library/**", "503")).isEqualTo(4);
				assertThat(count(this.meterRegistry, "/critical", "200")).isEqualTo(1);
			});
			assertThat(hasRawPath(this.meterRegistry, "/library/reports")).isFalse();
		}

	}

}
