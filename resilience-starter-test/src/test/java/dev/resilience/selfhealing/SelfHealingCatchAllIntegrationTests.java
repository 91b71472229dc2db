package dev.resilience.selfhealing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;

import dev.resilience.test.selfhealing.AutoConfigureSelfHealingTester;
import dev.resilience.test.selfhealing.SelfHealingTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An {@link OutOfMemoryError} thrown by a handler behind the very common catch-all
 * {@code @ExceptionHandler(Exception.class)}, on a real Tomcat: the advice answers as the application wants, and
 * liveness still goes DOWN, for a plain request and for the async dispatch of a {@link Callable}.
 */
@SpringBootTest(classes = SelfHealingCatchAllIntegrationTests.CatchAllApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=health",
				"management.endpoint.health.show-details=always" })
@AutoConfigureSelfHealingTester
class SelfHealingCatchAllIntegrationTests {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	@LocalServerPort
	int port;

	@Autowired
	SelfHealingTester selfHealing;

	@AfterEach
	void heal() {
		this.selfHealing.reset();
	}

	@Test
	void outOfMemoryErrorCaughtByCatchAllHandlerTurnsLivenessDown() throws Exception {
		HttpResponse<String> response = get("/oom");
		assertThat(response.statusCode()).isEqualTo(500);
		assertThat(response.body()).isEqualTo("handled by the catch-all: ServletException");
		assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(503);
		assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(503);
		assertThat(get("/actuator/health/selfHealing").body()).contains("\"cause\":\"OUT_OF_MEMORY\"")
			.contains("OutOfMemoryError in request GET /oom: thrown behind a catch-all");
	}

	@Test
	void outOfMemoryErrorOfAnAsyncHandlerCaughtByCatchAllHandlerTurnsLivenessDown() throws Exception {
		HttpResponse<String> response = get("/oom-async");
		assertThat(response.statusCode()).isEqualTo(500);
		assertThat(response.body()).startsWith("handled by the catch-all");
		assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(503);
		assertThat(get("/actuator/health/selfHealing").body()).contains("\"cause\":\"OUT_OF_MEMORY\"")
			.contains("OutOfMemoryError in request GET /oom-async: thrown by a Callable");
	}

	@Test
	void otherExceptionsCaughtByCatchAllHandlerLeaveLivenessUp() throws Exception {
		HttpResponse<String> response = get("/boom");
		assertThat(response.statusCode()).isEqualTo(500);
		assertThat(response.body()).isEqualTo("handled by the catch-all: IllegalStateException");
		assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(30))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import({ FailingController.class, CatchAllAdvice.class })
	static class CatchAllApplication {

	}

	@RestController
	static class FailingController {

		@GetMapping("/oom")
		String oom() {
			throw new OutOfMemoryError("thrown behind a catch-all");
		}

		@GetMapping("/oom-async")
		Callable<String> oomAsync() {
			return () -> {
				throw new OutOfMemoryError("thrown by a Callable");
			};
		}

		@GetMapping("/boom")
		String boom() {
			throw new IllegalStateException("not fatal");
		}

	}

	@RestControllerAdvice
	static class CatchAllAdvice {

		@ExceptionHandler(Exception.class)
		ResponseEntity<String> handle(Exception ex) {
			return ResponseEntity.internalServerError().body("handled by the catch-all: " + ex.getClass().getSimpleName());
		}

	}

}
