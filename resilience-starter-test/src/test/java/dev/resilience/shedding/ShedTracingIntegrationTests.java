package dev.resilience.shedding;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import brave.Tracing;
import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.ThreadLocalCurrentTraceContext;
import brave.propagation.TraceContext;
import dev.resilience.test.shedding.AutoConfigureWorkerPoolPressure;
import dev.resilience.test.shedding.WorkerPoolPressure;
import dev.resilience.test.shedding.WorkerPoolPressure.Hold;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BravePropagator;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import static dev.resilience.test.shedding.ShedResponseAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A shed request in the traces, on a real Tomcat with Micrometer Tracing on Brave and an in-memory span handler: a
 * server span in the caller's trace, carrying the rejection's status and the handler's URI template, exactly like the
 * span of a request that was served.
 */
@SpringBootTest(classes = SheddingTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "server.tomcat.threads.max=10")
@AutoConfigureWorkerPoolPressure
@Import(ShedTracingIntegrationTests.BraveTracing.class)
class ShedTracingIntegrationTests {

	private static final String TRACE_ID = "463ac35c9f6413ad48485a3953bb6124";

	private static final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	@LocalServerPort
	int port;

	@Autowired
	WorkerPoolPressure pressure;

	@Autowired
	List<MutableSpan> spans;

	@Autowired
	ServerRequestShedObserver observer;

	@Test
	void shedRequestIsAServerSpanInTheCallersTraceWithItsStatusAndUriTemplate() throws Exception {
		try (Hold hold = this.pressure.reach(0.85)) {
			assertThat(get("/reports/lyon", "a2fb4a1d1a96d312")).isShed();
			assertThat(get("/reports/nice", "c41d7a26e1f34b90")).isShed();
		}
		assertThat(get("/reports/paris", "b7ad6b7169203331").statusCode()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(spanWithParent("a2fb4a1d1a96d312")).isNotNull();
			assertThat(spanWithParent("b7ad6b7169203331")).isNotNull();
			// not only the first: with tracing on, every shed request is observed in full
			assertThat(spanWithParent("c41d7a26e1f34b90")).isNotNull();
		});
		assertThat(this.observer.recordsDirectly("/reports/{city}", "GET")).isFalse();
		MutableSpan shed = spanWithParent("a2fb4a1d1a96d312");
		assertThat(shed.kind()).isEqualTo(brave.Span.Kind.SERVER);
		assertThat(shed.traceId()).isEqualTo(TRACE_ID);
		assertThat(shed.name()).isEqualTo("http get /reports/{city}");
		assertThat(shed.tags()).containsEntry("status", "429")
			.containsEntry("uri", "/reports/{city}")
			.containsEntry("outcome", "CLIENT_ERROR")
			.containsEntry("method", "GET");
		// the raw path only as the high-cardinality http.url, which traces carry for served requests too
		assertThat(shed.tags()).containsEntry("http.url", "/reports/lyon");
		MutableSpan served = spanWithParent("b7ad6b7169203331");
		assertThat(served.tags()).containsEntry("status", "200").containsEntry("uri", "/reports/{city}");
		assertThat(shed.tags().keySet()).containsExactlyInAnyOrderElementsOf(served.tags().keySet());
	}

	private HttpResponse<String> get(String path, String parentSpanId) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.header("b3", TRACE_ID + "-" + parentSpanId + "-1")
			.timeout(Duration.ofSeconds(30))
			.build();
		return client.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private MutableSpan spanWithParent(String parentId) {
		return this.spans.stream().filter((span) -> parentId.equals(span.parentId())).findFirst().orElse(null);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class BraveTracing {

		@Bean
		List<MutableSpan> finishedSpans() {
			return new CopyOnWriteArrayList<>();
		}

		@Bean(destroyMethod = "close")
		Tracing braveTracing(List<MutableSpan> finishedSpans) {
			return Tracing.newBuilder()
				.localServiceName("shedding-test")
				.currentTraceContext(ThreadLocalCurrentTraceContext.create())
				.addSpanHandler(new SpanHandler() {
					@Override
					public boolean end(TraceContext context, MutableSpan span, Cause cause) {
						finishedSpans.add(span);
						return true;
					}
				})
				.build();
		}

		@Bean
		Tracer tracer(Tracing tracing) {
			return new BraveTracer(tracing.tracer(), new BraveCurrentTraceContext(tracing.currentTraceContext()));
		}

		// what Boot's tracing auto-configuration registers for server requests
		@Bean
		PropagatingReceiverTracingObservationHandler<?> receiverTracingHandler(Tracer tracer, Tracing tracing) {
			return new PropagatingReceiverTracingObservationHandler<>(tracer, new BravePropagator(tracing));
		}

	}

}
