package dev.resilience.test.timeouts;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Streaming responses with no timeout of their own, on a real Tomcat with every starter default in place: each sends
 * one item a second for longer than the 10 s {@code spring.mvc.async.request-timeout} the starter used to set, and
 * must be delivered whole, as plain Spring Boot delivers it (Tomcat's async timeout: 30 s).
 */
@SpringBootTest(classes = StreamingResponsesIntegrationTests.StreamingApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.threads.virtual.enabled=false")
class StreamingResponsesIntegrationTests {

	/** Items per stream: they take 12 s, beyond the 10 s that cut streams. */
	static final int ITEMS = 12;

	static final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);

	@LocalServerPort
	private int port;

	@AfterAll
	static void stopScheduler() {
		scheduler.shutdownNow();
	}

	@Test
	void sseEmitterResponseBodyEmitterAndStreamingResponseBodyAreNotCut() {
		HttpClient client = HttpClient.newHttpClient();
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			CompletableFuture<List<String>> sse = lines(client, "/sse");
			CompletableFuture<List<String>> emitter = lines(client, "/emitter");
			CompletableFuture<List<String>> streaming = lines(client, "/streaming");
			assertThat(sse.get().stream().filter((line) -> line.startsWith("data:")))
				.containsExactlyElementsOf(expected("data:"));
			assertThat(emitter.get()).containsExactlyElementsOf(expected(""));
			assertThat(streaming.get()).containsExactlyElementsOf(expected(""));
		});
	}

	private static List<String> expected(String prefix) {
		List<String> expected = new ArrayList<>();
		for (int i = 1; i <= ITEMS; i++) {
			expected.add(prefix + "item " + i);
		}
		return expected;
	}

	private CompletableFuture<List<String>> lines(HttpClient client, String path) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build();
		return client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
			.thenApply(StreamingResponsesIntegrationTests::readLines);
	}

	private static List<String> readLines(HttpResponse<InputStream> response) {
		List<String> lines = new ArrayList<>();
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
			for (String line = reader.readLine(); line != null; line = reader.readLine()) {
				if (!line.isEmpty()) {
					lines.add(line);
				}
			}
		}
		catch (java.io.IOException ex) {
			// the stream was cut: return what arrived
		}
		return lines;
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(StreamingController.class)
	static class StreamingApplication {

	}

	@RestController
	static class StreamingController {

		@GetMapping("/sse")
		SseEmitter sse() {
			SseEmitter emitter = new SseEmitter();
			everySecond(emitter, (i) -> SseEmitter.event().data("item " + i));
			return emitter;
		}

		@GetMapping("/emitter")
		ResponseBodyEmitter emitter() {
			ResponseBodyEmitter emitter = new ResponseBodyEmitter();
			everySecond(emitter, (i) -> "item " + i + "\n");
			return emitter;
		}

		@GetMapping("/streaming")
		StreamingResponseBody streaming() {
			return (out) -> {
				for (int i = 1; i <= ITEMS; i++) {
					out.write(("item " + i + "\n").getBytes(StandardCharsets.UTF_8));
					out.flush();
					try {
						Thread.sleep(1000);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return;
					}
				}
			};
		}

		private static void everySecond(ResponseBodyEmitter emitter, java.util.function.IntFunction<Object> item) {
			AtomicInteger sent = new AtomicInteger();
			scheduler.schedule(new Runnable() {

				@Override
				public void run() {
					int i = sent.incrementAndGet();
					try {
						Object next = item.apply(i);
						if (next instanceof SseEmitter.SseEventBuilder event) {
							((SseEmitter) emitter).send(event);
						}
						else {
							emitter.send(next);
						}
					}
					catch (Exception ex) {
						return;
					}
					if (i == ITEMS) {
						emitter.complete();
					}
					else {
						scheduler.schedule(this, 1, TimeUnit.SECONDS);
					}
				}

			}, 0, TimeUnit.SECONDS);
		}

	}

}
