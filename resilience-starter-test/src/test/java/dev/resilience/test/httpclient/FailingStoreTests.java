package dev.resilience.test.httpclient;

import java.io.IOException;
import java.util.Collection;
import java.util.Map;

import dev.resilience.httpclient.CacheOutcome;
import dev.resilience.httpclient.HttpCacheStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.hc.client5.http.cache.HttpCacheCASOperation;
import org.apache.hc.client5.http.cache.HttpCacheEntry;
import org.apache.hc.client5.http.cache.ResourceIOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static dev.resilience.test.httpclient.CacheOutcomeAssert.assertThatCacheOutcome;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failing cache store (a full disk, a serialisation error, an unchecked exception from the cache library) never
 * fails the request: it goes to the origin and counts as {@code failure}.
 */
@SpringBootTest(classes = FailingStoreTests.App.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = "resilience.http-client.cache.status-header=true")
class FailingStoreTests {

	static RecordingOrigin origin;

	@Autowired
	RestClient.Builder builder;

	@Autowired
	MeterRegistry meterRegistry;

	@BeforeAll
	static void startOrigin() throws IOException {
		origin = RecordingOrigin.start();
	}

	@AfterAll
	static void stopOrigin() {
		origin.close();
	}

	@Test
	void failingStoreDegradesToTheOriginAndCountsAsFailure() {
		origin.respond("/data", (request) -> OriginResponse.ok("from origin").cacheControl("max-age=60"));
		RestClient client = this.builder.build();
		for (int i = 0; i < 3; i++) {
			ResponseEntity<String> response = client.get().uri(origin.uri("/data")).retrieve().toEntity(String.class);
			assertThat(response.getBody()).isEqualTo("from origin");
			assertThatCacheOutcome(response).isFailure();
		}
		assertThat(origin.requestCount("/data")).isEqualTo(3);
		assertThat(this.meterRegistry.get("resilience.http.client.cache.requests")
			.tag("outcome", CacheOutcome.FAILURE.tag())
			.functionCounter()
			.count()).isEqualTo(3);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

		@Bean
		HttpCacheStore brokenStore() {
			return new BrokenStore();
		}

	}

	/**
	 * Fails reads with HttpClient's checked exception and writes with an unchecked one, as Ehcache does when its disk
	 * tier is full.
	 */
	static class BrokenStore implements HttpCacheStore {

		@Override
		public String name() {
			return "broken";
		}

		@Override
		public long entryCount() {
			return 0;
		}

		@Override
		public long sizeInBytes() {
			return 0;
		}

		@Override
		public void putEntry(String key, HttpCacheEntry entry) {
			throw new IllegalStateException("disk full");
		}

		@Override
		public HttpCacheEntry getEntry(String key) throws ResourceIOException {
			throw new ResourceIOException("cannot deserialize entry");
		}

		@Override
		public void removeEntry(String key) {
			throw new IllegalStateException("disk full");
		}

		@Override
		public void updateEntry(String key, HttpCacheCASOperation casOperation) {
			throw new IllegalStateException("disk full");
		}

		@Override
		public Map<String, HttpCacheEntry> getEntries(Collection<String> keys) throws ResourceIOException {
			throw new ResourceIOException("cannot deserialize entries");
		}

	}

}
