package dev.resilience.test.etag;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.resilience.etag.ChangesResource;
import dev.resilience.etag.ETagged;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Application run as several instances against one Redis: notes kept in a map all instances in this JVM share (the
 * database replicas would share), each instance counting its own handler invocations.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(RedisConditionalRequestsApplication.NoteController.class)
public class RedisConditionalRequestsApplication {

	static final Map<String, String> NOTES = new ConcurrentHashMap<>();

	@RestController
	public static class NoteController {

		final AtomicInteger reads = new AtomicInteger();

		final AtomicInteger writes = new AtomicInteger();

		volatile CountDownLatch gate = new CountDownLatch(0);

		@ETagged(resource = "note", key = "#id")
		@GetMapping("/notes/{id}")
		String note(@PathVariable String id) {
			this.reads.incrementAndGet();
			String note = NOTES.get(id);
			if (note == null) {
				throw new ResponseStatusException(HttpStatus.NOT_FOUND);
			}
			return note;
		}

		@ChangesResource(resource = "note", key = "#id")
		@PutMapping("/notes/{id}")
		String put(@PathVariable String id, @RequestBody Map<String, String> body,
				@RequestParam(defaultValue = "200") int status) throws InterruptedException {
			this.writes.incrementAndGet();
			if (!this.gate.await(60, TimeUnit.SECONDS)) {
				throw new IllegalStateException("the test never opened the gate");
			}
			if (status != 200) {
				throw new ResponseStatusException(HttpStatus.valueOf(status));
			}
			String text = body.getOrDefault("text", "");
			NOTES.put(id, text);
			return text;
		}

	}

}
