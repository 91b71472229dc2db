package dev.resilience.shedding;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.resilience.annotation.ConcurrencyLimit;
import org.springframework.resilience.annotation.EnableResilientMethods;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Load shedding on a real Jetty: the capacity is Jetty's pool less the threads its connector leases for good.
 */
@SpringBootTest(classes = JettySheddingTests.JettyApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.jetty.threads.max=20", "resilience.shedding.tiers.batch.threshold=0.5",
				"resilience.shedding.tiers.batch.paths=GET /library/**,/fn/**" })
class JettySheddingTests {

	private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@LocalServerPort
	int port;

	@Autowired
	PressureGauge gauge;

	@Autowired
	JettyApplication application;

	@Test
	void capacityIsJettysPoolLessLeasedThreads() {
		assertThat(this.gauge.capacity().mode()).isEqualTo(PressureGauge.Mode.WORKER_POOL);
		assertThat(this.gauge.capacity().size()).isBetween(10, 19);
		assertThat(this.gauge.capacity().source()).contains("Jetty");
	}

	@Test
	void shedsWhenJettysWorkersAreBusy() throws Exception {
		int held = (int) Math.ceil(0.85 * this.gauge.capacity().size()) - 1;
		List<CompletableFuture<HttpResponse<String>>> holds = new ArrayList<>();
		try {
			for (int i = 0; i < held; i++) {
				holds.add(client.sendAsync(request("/hold"), HttpResponse.BodyHandlers.ofString()));
			}
			assertThat(this.application.arrived.tryAcquire(held, 30, TimeUnit.SECONDS)).isTrue();
			HttpResponse<String> shed = client.send(request("/report"), HttpResponse.BodyHandlers.ofString());
			assertThat(shed.statusCode()).isEqualTo(429);
			assertThat(shed.headers().firstValue("Retry-After")).hasValueSatisfying(
					(value) -> assertThat(Integer.parseInt(value)).isBetween(1, 3));
			assertThat(client.send(request("/critical"), HttpResponse.BodyHandlers.ofString()).statusCode())
				.isEqualTo(200);
			assertThat(client.send(request("/library/feed"), HttpResponse.BodyHandlers.ofString()).statusCode())
				.as("unannotated, in a tier by a path rule")
				.isEqualTo(429);
			assertThat(client.send(request("/fn/feed"), HttpResponse.BodyHandlers.ofString()).statusCode())
				.as("functional endpoint in a tier by a path rule")
				.isEqualTo(429);
		}
		finally {
			this.application.release.countDown();
			CompletableFuture.allOf(holds.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
		}
	}

	@Test
	void concurrencyLimitRejectionIsAnsweredLikeAShedRequest() throws Exception {
		CompletableFuture<HttpResponse<String>> first = client.sendAsync(request("/limited"),
				HttpResponse.BodyHandlers.ofString());
		try {
			assertThat(LimitedController.arrived.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
			HttpResponse<String> rejected = client.send(request("/limited"), HttpResponse.BodyHandlers.ofString());
			assertThat(rejected.statusCode()).isEqualTo(429);
			assertThat(rejected.headers().firstValue("Retry-After")).hasValueSatisfying(
					(value) -> assertThat(Integer.parseInt(value)).isBetween(1, 3));
			assertThat(rejected.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(rejected.body()).contains("\"status\":429", "\"instance\":\"/limited\"");
		}
		finally {
			LimitedController.release.countDown();
		}
		assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
	}

	private HttpRequest request(String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableResilientMethods
	@Import(LimitedController.class)
	@RestController
	static class JettyApplication {

		final Semaphore arrived = new Semaphore(0);

		final CountDownLatch release = new CountDownLatch(1);

		@Bean // Tomcat is on the classpath too: choose Jetty explicitly
		JettyServletWebServerFactory jettyServletWebServerFactory() {
			return new JettyServletWebServerFactory(0);
		}

		@GetMapping("/hold")
		String hold() throws InterruptedException {
			this.arrived.release();
			this.release.await(60, TimeUnit.SECONDS);
			return "held";
		}

		@Sheddable
		@GetMapping("/report")
		String report() {
			return "report";
		}

		@GetMapping("/critical")
		String critical() {
			return "critical";
		}

		@GetMapping("/library/feed")
		String libraryFeed() {
			return "feed";
		}

		@Bean
		RouterFunction<ServerResponse> feedRoute() {
			return RouterFunctions.route().GET("/fn/feed", (request) -> ServerResponse.ok().body("feed")).build();
		}

	}

	@RestController
	static class LimitedController {

		// static: the controller bean is a proxy
		static final Semaphore arrived = new Semaphore(0);

		static final CountDownLatch release = new CountDownLatch(1);

		@ConcurrencyLimit(limit = 1, policy = ConcurrencyLimit.ThrottlePolicy.REJECT)
		@GetMapping("/limited")
		String limited() throws InterruptedException {
			arrived.release();
			release.await(30, TimeUnit.SECONDS);
			return "limited";
		}

	}

}
