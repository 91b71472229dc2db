package dev.resilience.test.etag;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.resilience.etag.ChangesResource;
import dev.resilience.etag.ETagged;
import dev.resilience.etag.InMemoryResourceVersionStore;
import dev.resilience.etag.ResourceState;
import dev.resilience.etag.ResourceVersion;
import dev.resilience.etag.ResourceVersionResolver;
import dev.resilience.etag.ResourceVersionStore;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.server.ResponseStatusException;

/**
 * Application for the end-to-end tests: a "thing" catalogue whose handlers count their invocations, written in the
 * different ways Spring MVC handlers produce responses.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(ConditionalRequestsTestApplication.Things.class)
public class ConditionalRequestsTestApplication {

	static final String TOMCAT = "org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration";

	@Configuration(proxyBeanMethods = false)
	@Import({ ThingController.class, ConcurrencyController.class, KeyController.class })
	static class Things {

		@Bean
		CommitObservingStore resourceVersionStore() {
			return new CommitObservingStore();
		}

		@Bean
		ResourceVersionResolver rowVersions(ThingController things) {
			return ResourceVersionResolver.of("row", (key) -> things.rowsUpdatedAt.containsKey(key)
					? ResourceVersion.modifiedAt(things.rowsUpdatedAt.get(key)) : null);
		}

		@Bean
		ResourceVersionResolver ledgerVersions(ConcurrencyController ledgers) {
			return ResourceVersionResolver.of("ledger", (key) -> {
				AtomicLong version = ledgers.ledgerVersions.get(key);
				return (version != null) ? ResourceVersion.of(version.get()) : null;
			});
		}

	}

	public record Thing(String id, long revision, String name) {
	}

	@RestController
	public static class ThingController {

		final AtomicInteger reads = new AtomicInteger();

		final AtomicInteger writes = new AtomicInteger();

		final Map<String, Thing> things = new ConcurrentHashMap<>();

		final Map<String, Instant> rowsUpdatedAt = new ConcurrentHashMap<>();

		final AtomicLong revisions = new AtomicLong();

		@ETagged(resource = "thing", key = "#id")
		@GetMapping("/things/{id}")
		Thing thing(@PathVariable String id) {
			this.reads.incrementAndGet();
			Thing thing = this.things.get(id);
			if (thing == null) {
				throw new ResponseStatusException(HttpStatus.NOT_FOUND);
			}
			return thing;
		}

		@ETagged(resource = "thing", key = "#thingId", cacheControl = "max-age=60, must-revalidate",
				vary = "Accept-Language")
		@GetMapping("/entities/{thingId}")
		ResponseEntity<Thing> entity(@PathVariable String thingId, @RequestParam(defaultValue = "200") int status) {
			this.reads.incrementAndGet();
			return ResponseEntity.status(status).body(this.things.get(thingId));
		}

		@ETagged(resource = "thing", key = "#id")
		@GetMapping("/raw/{id}")
		void raw(@PathVariable String id, HttpServletResponse response) throws IOException {
			this.reads.incrementAndGet();
			response.setContentType("text/plain");
			response.getWriter().write(String.valueOf(this.things.get(id)));
		}

		@ETagged(resource = "thing", key = "#q")
		@GetMapping("/search")
		List<Thing> search(@RequestParam(required = false) @Nullable String q) {
			this.reads.incrementAndGet();
			return this.things.values().stream().filter((thing) -> q == null || thing.name().contains(q)).toList();
		}

		@ETagged(resource = "row", key = "#id")
		@GetMapping("/rows/{id}")
		String row(@PathVariable String id) {
			this.reads.incrementAndGet();
			return "row " + id + " updated at " + this.rowsUpdatedAt.get(id);
		}

		@ChangesResource(resource = "thing", key = "#id")
		@PutMapping("/things/{id}")
		Thing put(@PathVariable String id, @RequestBody Map<String, String> body,
				@RequestParam(defaultValue = "200") int status) {
			this.writes.incrementAndGet();
			if (body.containsKey("explode")) {
				throw new IllegalStateException("the write failed");
			}
			if (status != 200) {
				throw new ResponseStatusException(HttpStatus.valueOf(status));
			}
			// revision and content change together, so that the stored revision only ever grows
			return this.things.compute(id,
					(key, old) -> new Thing(id, this.revisions.incrementAndGet(), body.getOrDefault("name", "unnamed")));
		}

		@ChangesResource(resource = "row", key = "#id")
		@PutMapping("/rows/{id}")
		String putRow(@PathVariable String id) {
			this.writes.incrementAndGet();
			this.rowsUpdatedAt.put(id, Instant.now());
			return "row " + id;
		}

		@ChangesResource(resource = "thing", key = "#id")
		@PutMapping("/entities/{id}")
		ResponseEntity<Void> putEntity(@PathVariable String id, @RequestBody Map<String, String> body) {
			this.writes.incrementAndGet();
			this.things.compute(id, (key, old) -> new Thing(id, this.revisions.incrementAndGet(), body.get("name")));
			return ResponseEntity.noContent().build();
		}

		@ChangesResource(resource = "thing", key = "#id")
		@DeleteMapping("/things/{id}")
		@ResponseStatus(HttpStatus.NO_CONTENT)
		void delete(@PathVariable String id) {
			this.writes.incrementAndGet();
			this.things.remove(id);
		}

	}

	/**
	 * Writes that hold inside the handler until the test opens a gate, so that concurrent requests really overlap.
	 */
	@RestController
	public static class ConcurrencyController {

		final AtomicInteger accountWrites = new AtomicInteger();

		final Map<String, String> accounts = new ConcurrentHashMap<>();

		volatile CountDownLatch gate = new CountDownLatch(0);

		final Map<String, AtomicLong> ledgerVersions = new ConcurrentHashMap<>();

		final AtomicInteger ledgerWrites = new AtomicInteger();

		volatile CyclicBarrier ledgerBarrier = new CyclicBarrier(1);

		private final Executor asyncWrites = Executors.newCachedThreadPool((task) -> {
			Thread thread = new Thread(task, "async-account-write");
			thread.setDaemon(true);
			return thread;
		});

		@ETagged(resource = "account", key = "#id")
		@GetMapping("/accounts/{id}")
		String account(@PathVariable String id) {
			String account = this.accounts.get(id);
			if (account == null) {
				throw new ResponseStatusException(HttpStatus.NOT_FOUND);
			}
			return account;
		}

		@ChangesResource(resource = "account", key = "#id")
		@PutMapping("/accounts/{id}")
		String putAccount(@PathVariable String id, @RequestBody String balance,
				@RequestParam(defaultValue = "false") boolean fail) throws InterruptedException {
			this.accountWrites.incrementAndGet();
			if (!this.gate.await(60, TimeUnit.SECONDS)) {
				throw new IllegalStateException("the test never opened the gate");
			}
			if (fail) {
				throw new IllegalStateException("the write failed");
			}
			this.accounts.put(id, balance);
			return balance;
		}

		/**
		 * The same write completing asynchronously: the reservation taken before the handler must last until the
		 * async result is written, and be given back if it fails.
		 */
		@ChangesResource(resource = "account", key = "#id")
		@PutMapping("/async-accounts/{id}")
		CompletableFuture<String> putAccountAsync(@PathVariable String id, @RequestBody String balance,
				@RequestParam(defaultValue = "false") boolean fail) {
			return CompletableFuture.supplyAsync(() -> {
				try {
					return putAccount(id, balance, fail);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(ex);
				}
			}, this.asyncWrites);
		}

		@ETagged(resource = "ledger", key = "#id")
		@GetMapping("/ledgers/{id}")
		String ledger(@PathVariable String id) {
			AtomicLong version = this.ledgerVersions.get(id);
			if (version == null) {
				throw new ResponseStatusException(HttpStatus.NOT_FOUND);
			}
			return "ledger " + id + " version " + version.get();
		}

		/**
		 * Optimistic locking as the documentation shows it: the starter checked If-Match against the resolver's
		 * version, the update applies only if the row still has that version.
		 */
		@ChangesResource(resource = "ledger", key = "#id")
		@PutMapping("/ledgers/{id}")
		String putLedger(@PathVariable String id,
				@RequestAttribute(name = ChangesResource.CHECKED_VERSION_ATTRIBUTE,
						required = false) @Nullable ResourceVersion checked)
				throws Exception {
			this.ledgerWrites.incrementAndGet();
			this.ledgerBarrier.await(60, TimeUnit.SECONDS);
			AtomicLong version = this.ledgerVersions.computeIfAbsent(id, (key) -> new AtomicLong());
			if (checked == null) {
				return "ledger " + id + " version " + version.incrementAndGet();
			}
			long expected = Long.parseLong(checked.value());
			if (!version.compareAndSet(expected, expected + 1)) {
				throw new ResponseStatusException(HttpStatus.PRECONDITION_FAILED, "changed concurrently");
			}
			return "ledger " + id + " version " + (expected + 1);
		}

	}

	/**
	 * Keys bound to non-string handler parameters: equal arguments must give equal keys.
	 */
	@RestController
	public static class KeyController {

		final Map<String, String> values = new ConcurrentHashMap<>();

		@ETagged(resource = "number", key = "#id")
		@GetMapping("/numbers/{id}")
		String number(@PathVariable long id) {
			return "number " + id + " is " + this.values.getOrDefault("n" + id, "unset");
		}

		@ChangesResource(resource = "number", key = "#id")
		@PutMapping("/numbers/{id}")
		String putNumber(@PathVariable long id, @RequestBody String value) {
			this.values.put("n" + id, value);
			return value;
		}

		@ETagged(resource = "device", key = "#id")
		@GetMapping("/devices/{id}")
		String device(@PathVariable UUID id) {
			return "device " + id + " is " + this.values.getOrDefault("d" + id, "unset");
		}

		@ChangesResource(resource = "device", key = "#id")
		@PutMapping("/devices/{id}")
		String putDevice(@PathVariable UUID id, @RequestBody String value) {
			this.values.put("d" + id, value);
			return value;
		}

		@ETagged(resource = "number", key = "#id")
		@GetMapping("/numbers")
		String numberByParameter(@RequestParam long id) {
			return number(id);
		}

	}

	/**
	 * In-memory store that records, for each bump, whether the response was already committed: a committed response
	 * may already be with the client, whose next request must see the new version.
	 */
	public static class CommitObservingStore implements ResourceVersionStore {

		private final InMemoryResourceVersionStore delegate = new InMemoryResourceVersionStore(1000);

		final List<Boolean> committedAtTouch = new CopyOnWriteArrayList<>();

		@Override
		public @Nullable ResourceState current(String resource, String key) {
			return this.delegate.current(resource, key);
		}

		@Override
		public ResourceState currentOrRecord(String resource, String key) {
			return this.delegate.currentOrRecord(resource, key);
		}

		@Override
		public ResourceState observe(String resource, String key, ResourceState seen, boolean exists) {
			return this.delegate.observe(resource, key, seen, exists);
		}

		@Override
		public @Nullable ResourceState reserve(String resource, String key, ResourceState expected) {
			return this.delegate.reserve(resource, key, expected);
		}

		@Override
		public ResourceState changed(String resource, String key, boolean exists, @Nullable ResourceState reserved) {
			if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
					&& attributes.getResponse() != null) {
				this.committedAtTouch.add(attributes.getResponse().isCommitted());
			}
			return this.delegate.changed(resource, key, exists, reserved);
		}

		@Override
		public void release(String resource, String key, ResourceState reserved) {
			this.delegate.release(resource, key, reserved);
		}

		@Override
		public boolean isShared() {
			return false;
		}

	}

}
