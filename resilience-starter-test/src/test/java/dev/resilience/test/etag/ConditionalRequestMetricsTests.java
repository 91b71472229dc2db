package dev.resilience.test.etag;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static dev.resilience.test.etag.ConditionalRequests.assertETag;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ETag counters on a real server: registered at zero for every annotated resource before the first request, and
 * still one series per resource after thousands of client-chosen keys, tags and unknown paths.
 */
@SpringBootTest(classes = ConditionalRequestsTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "resilience.etag.max-entries=50000")
class ConditionalRequestMetricsTests {

	private static final Set<String> RESOURCES = Set.of("account", "device", "ledger", "number", "row", "thing");

	private static final List<String> COUNTERS = List.of("resilience.etag.not.modified",
			"resilience.etag.precondition.failed");

	@LocalServerPort
	private int port;

	@Autowired
	private MeterRegistry meters;

	@Test
	void countersAreRegisteredAtZeroForEveryResourceAndStayOneSeriesPerResourceUnderHostileInput() throws Exception {
		for (String name : COUNTERS) {
			assertThat(resources(name)).as(name).isEqualTo(RESOURCES);
			assertThat(this.meters.find(name).counters()).as(name).allSatisfy((c) -> assertThat(c.count()).isZero());
		}
		ConditionalRequests http = ConditionalRequests.onLocalPort(this.port);
		ExecutorService clients = Executors.newFixedThreadPool(4);
		try {
			List<Future<?>> work = new ArrayList<>();
			for (int client = 0; client < 4; client++) {
				work.add(clients.submit(() -> {
					for (int i = 0; i < 300; i++) {
						String key = UUID.randomUUID().toString();
						String etag = assertETag(http.get("/search?q=" + key));
						assertThat(http.get("/search?q=" + key, "If-None-Match", etag).statusCode()).isEqualTo(304);
						assertThat(http.send("PUT", "/things/" + key, "{\"name\":\"x\"}", "If-Match", "\"" + key + "\"")
							.statusCode()).isEqualTo(412);
						HttpResponse<String> unknown = http.get("/" + key + "/things/" + key, "If-None-Match",
								"\"" + key + "\"");
						assertThat(unknown.statusCode()).isEqualTo(404);
					}
					return null;
				}));
			}
			for (Future<?> done : work) {
				done.get();
			}
		}
		finally {
			clients.shutdownNow();
		}
		for (String name : COUNTERS) {
			assertThat(resources(name)).as(name).isEqualTo(RESOURCES);
		}
		assertThat(this.meters.get("resilience.etag.not.modified").tag("resource", "thing").counter().count())
			.isEqualTo(1200);
		assertThat(this.meters.get("resilience.etag.precondition.failed").tag("resource", "thing").counter().count())
			.isEqualTo(1200);
		List<Meter.Id> etagMeters = this.meters.getMeters()
			.stream()
			.map(Meter::getId)
			.filter((id) -> id.getName().startsWith("resilience.etag."))
			.toList();
		assertThat(etagMeters).hasSize(RESOURCES.size() * COUNTERS.size())
			.allSatisfy((id) -> assertThat(id.getTags()).singleElement()
				.satisfies((tag) -> assertThat(tag.getKey()).isEqualTo("resource")));
	}

	private Set<String> resources(String name) {
		return this.meters.find(name)
			.counters()
			.stream()
			.map((Counter counter) -> counter.getId().getTag("resource"))
			.collect(Collectors.toSet());
	}

}
