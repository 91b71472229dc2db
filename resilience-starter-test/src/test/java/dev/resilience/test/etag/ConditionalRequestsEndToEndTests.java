package dev.resilience.test.etag;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.resilience.test.etag.ConditionalRequestsTestApplication.CommitObservingStore;
import dev.resilience.test.etag.ConditionalRequestsTestApplication.ConcurrencyController;
import dev.resilience.test.etag.ConditionalRequestsTestApplication.KeyController;
import dev.resilience.test.etag.ConditionalRequestsTestApplication.ThingController;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.servlet.ServletWebServerFactory;

import static dev.resilience.test.etag.ConditionalRequests.assertETag;
import static dev.resilience.test.etag.ConditionalRequests.assertFullResponse;
import static dev.resilience.test.etag.ConditionalRequests.assertNoETag;
import static dev.resilience.test.etag.ConditionalRequests.assertNotModified;
import static dev.resilience.test.etag.ConditionalRequests.assertPreconditionFailed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

@SpringBootTest(classes = ConditionalRequestsTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "management.endpoints.web.exposure.include=resilience")
class ConditionalRequestsEndToEndTests {

	@LocalServerPort
	private int port;

	@Autowired
	private ThingController controller;

	@Autowired
	private CommitObservingStore store;

	@Autowired
	private ConcurrencyController concurrency;

	@Autowired
	private KeyController keys;

	@Autowired
	private MeterRegistry meters;

	@Autowired
	private ServletWebServerFactory serverFactory;

	private ConditionalRequests http;

	@BeforeEach
	void setUp() {
		this.http = ConditionalRequests.onLocalPort(this.port);
		this.controller.things.clear();
		put("1", "Old Town Square");
	}

	@Test
	void runsOnTheIntendedContainer() {
		assertThat(this.serverFactory.getClass().getSimpleName()).startsWith(expectedContainer());
	}

	String expectedContainer() {
		return "Tomcat";
	}

	@Test
	void notModifiedWithoutInvokingTheHandler() {
		String etag = this.http.assertRevalidates("/things/1");
		int reads = this.controller.reads.get();
		for (int i = 0; i < 5; i++) {
			assertNotModified(this.http.get("/things/1", "If-None-Match", etag), etag);
		}
		assertThat(this.controller.reads).hasValue(reads);
		assertFullResponse(this.http.get("/things/1", "If-None-Match", "W/\"someone-else\""));
		assertThat(this.controller.reads).hasValue(reads + 1);
	}

	@Test
	void notModifiedCarriesTheSameCacheControlAndVaryAsTheFullResponse() {
		HttpResponse<String> full = this.http.get("/entities/1");
		String etag = assertETag(full);
		assertThat(full.headers().firstValue("Cache-Control")).hasValue("max-age=60, must-revalidate");
		assertThat(full.headers().allValues("Vary")).contains("Accept-Language");
		assertThat(this.http.assertRevalidates("/entities/1")).isEqualTo(etag);
		HttpResponse<String> plain = this.http.get("/things/1");
		assertThat(plain.headers().firstValue("Cache-Control")).hasValue("no-cache");
		assertThat(assertETag(plain)).as("same resource and key, same tag").isEqualTo(etag);
	}

	@Test
	void handlerWritingTheResponseItselfIsFinishedInPostHandle() {
		String etag = this.http.assertRevalidates("/raw/1");
		assertThat(etag).isEqualTo(assertETag(this.http.get("/things/1")));
	}

	@Test
	void starListsAndStrongFormsMatch() {
		String etag = assertETag(this.http.get("/things/1"));
		String strong = etag.substring(2);
		int reads = this.controller.reads.get();
		assertNotModified(this.http.get("/things/1", "If-None-Match", "*"), etag);
		assertNotModified(this.http.get("/things/1", "If-None-Match", "\"a\", W/\"b\", " + etag), etag);
		assertNotModified(this.http.get("/things/1", "If-None-Match", strong), etag);
		assertThat(this.controller.reads).hasValue(reads);
	}

	@Test
	void headBehavesAsGetWithoutBody() {
		HttpResponse<String> head = this.http.send("HEAD", "/things/1", null);
		assertThat(head.statusCode()).isEqualTo(200);
		assertThat(head.body()).isEmpty();
		String etag = assertETag(head);
		assertThat(etag).isEqualTo(assertETag(this.http.get("/things/1")));
		int reads = this.controller.reads.get();
		assertNotModified(this.http.send("HEAD", "/things/1", null, "If-None-Match", etag), etag);
		assertThat(this.controller.reads).hasValue(reads);
		HttpResponse<String> entityHead = this.http.send("HEAD", "/entities/1", null);
		assertThat(entityHead.statusCode()).isEqualTo(200);
		assertThat(entityHead.body()).isEmpty();
		assertThat(assertETag(entityHead)).isEqualTo(etag);
		assertThat(entityHead.headers().firstValue("Cache-Control")).hasValue("max-age=60, must-revalidate");
		assertNotModified(this.http.send("HEAD", "/entities/1", null, "If-None-Match", etag), etag);
	}

	@Test
	void nonSuccessResponsesCarryNoETag() {
		HttpResponse<String> missing = this.http.get("/things/nope");
		assertThat(missing.statusCode()).isEqualTo(404);
		assertNoETag(missing);
		HttpResponse<String> failed = this.http.get("/entities/1?status=503");
		assertThat(failed.statusCode()).isEqualTo(503);
		assertNoETag(failed);
		assertThat(failed.headers().firstValue("Cache-Control")).isEmpty();
	}

	@Test
	void nullKeyFallsThroughWithoutETag() {
		HttpResponse<String> response = this.http.get("/search");
		assertThat(response.statusCode()).isEqualTo(200);
		assertNoETag(response);
		assertETag(this.http.get("/search?q=Old"));
	}

	@Test
	void changeGivesANewETagAndTheOldOneNeverAnswers304() {
		String before = this.http.assertRevalidates("/things/1");
		put("1", "Old Town Square, renovated");
		HttpResponse<String> after = this.http.get("/things/1", "If-None-Match", before);
		assertFullResponse(after);
		assertThat(after.body()).contains("renovated");
		assertThat(assertETag(after)).isNotEqualTo(before);
	}

	@Test
	void staleIfMatchIs412WithoutInvokingTheHandler() {
		String stale = assertETag(this.http.get("/things/1"));
		put("1", "changed by someone else");
		int writes = this.controller.writes.get();
		HttpResponse<String> rejected = this.http.assertStaleIfMatchRejected("PUT", "/things/1",
				"{\"name\":\"lost update\"}", stale);
		assertThat(rejected.body()).contains("\"instance\":\"/things/1\"");
		assertThat(this.controller.writes).hasValue(writes);
		assertThat(this.http.get("/things/1").body()).contains("changed by someone else");
	}

	@Test
	void currentIfMatchWritesAndBumps() {
		String current = assertETag(this.http.get("/things/1"));
		HttpResponse<String> written = this.http.send("PUT", "/things/1", "{\"name\":\"mine\"}", "If-Match", current);
		assertThat(written.statusCode()).isEqualTo(200);
		assertNoETag(written);
		assertThat(assertETag(this.http.get("/things/1"))).isNotEqualTo(current);
		assertPreconditionFailed(this.http.send("PUT", "/things/1", "{\"name\":\"again\"}", "If-Match", current));
		String weak = assertETag(this.http.get("/things/1"));
		assertThat(this.http.send("PUT", "/things/1", "{\"name\":\"strong\"}", "If-Match", weak.substring(2))
			.statusCode()).as("strong form of the current tag").isEqualTo(200);
		assertThat(this.http.send("DELETE", "/things/1", null, "If-Match", "*").statusCode()).isEqualTo(204);
	}

	@Test
	void ifUnmodifiedSinceIsChecked() {
		assertETag(this.http.get("/things/1"));
		assertPreconditionFailed(this.http.send("PUT", "/things/1", "{\"name\":\"x\"}", "If-Unmodified-Since",
				"Sun, 06 Nov 1994 08:49:37 GMT"));
		assertThat(this.http.send("PUT", "/things/1", "{\"name\":\"x\"}", "If-Unmodified-Since",
				"Fri, 31 Dec 2100 23:59:59 GMT").statusCode()).isEqualTo(200);
		assertThat(this.http.send("PUT", "/things/1", "{\"name\":\"x\"}", "If-Unmodified-Since", "yesterday")
			.statusCode()).as("an invalid date is ignored").isEqualTo(200);
	}

	@Test
	void failedWritesDoNotBump() {
		String etag = assertETag(this.http.get("/things/1"));
		assertThat(this.http.send("PUT", "/things/1?status=409", "{\"name\":\"x\"}").statusCode()).isEqualTo(409);
		assertThat(this.http.send("PUT", "/things/1", "{\"explode\":\"yes\"}").statusCode()).isEqualTo(500);
		assertThat(this.http.send("PUT", "/things/1", "not json").statusCode()).isEqualTo(400);
		assertNotModified(this.http.get("/things/1", "If-None-Match", etag), etag);
	}

	@Test
	void versionIsBumpedBeforeTheWriteResponseIsCommitted() {
		this.store.committedAtTouch.clear();
		put("1", "response body");
		assertThat(this.http.send("PUT", "/entities/1", "{\"name\":\"no content\"}").statusCode()).isEqualTo(204);
		assertThat(this.http.send("DELETE", "/things/1", null).statusCode()).isEqualTo(204);
		assertThat(this.store.committedAtTouch).containsExactly(false, false, false);
	}

	@Test
	void malformedIfNoneMatchGetsTheFullResponseNever500() {
		String etag = assertETag(this.http.get("/things/1"));
		String opaque = etag.substring(3, etag.length() - 1);
		List<String> malformed = List.of(opaque, "W/" + opaque, "garbage, %%%", "W/", "\"" + opaque,
				"*, " + etag, " ", thousandsOfTags(),
				"\"" + "x".repeat(6000) + "\"");
		for (String value : malformed) {
			HttpResponse<String> response = this.http.get("/things/1", "If-None-Match", value);
			assertThat(response.statusCode()).as("If-None-Match: %.40s", value).isEqualTo(200);
			assertThat(response.body()).contains("Old Town Square");
		}
	}

	@Test
	void emptyAndNonAsciiIfNoneMatch() throws IOException {
		String etag = assertETag(this.http.get("/things/1"));
		assertThat(rawGet("/things/1", "If-None-Match: \r\n")).startsWith("HTTP/1.1 200");
		String utf8 = new String("\"caf\u00e9\u20ac\"".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
		assertThat(rawGet("/things/1", "If-None-Match: " + utf8 + "\r\n")).startsWith("HTTP/1.1 200");
		assertThat(rawGet("/things/1", "If-None-Match: \u00ff" + etag + "\r\n")).as("non-ASCII outside quotes")
			.startsWith("HTTP/1.1 200");
		assertThat(rawGet("/things/1", "If-None-Match: " + utf8 + ", " + etag + "\r\n"))
			.as("non-ASCII bytes inside quotes are obs-text: the list parses and matches")
			.startsWith("HTTP/1.1 304");
	}

	@Test
	void headerBeyondTheServersLimitIsRejectedByTheServerNot500() {
		HttpResponse<String> response = this.http.get("/things/1", "If-None-Match", "\"" + "x".repeat(20_000) + "\"");
		assertThat(response.statusCode()).as("Tomcat answers 400, Jetty 431").isIn(400, 431);
	}

	@Test
	void malformedIfMatchIs412NeverAWrite() {
		String etag = assertETag(this.http.get("/things/1"));
		String opaque = etag.substring(3, etag.length() - 1);
		int writes = this.controller.writes.get();
		for (String value : List.of(opaque, "W/" + opaque, "garbage", " ", "*, " + etag, "\"" + opaque,
				thousandsOfTags())) {
			assertPreconditionFailed(this.http.send("PUT", "/things/1", "{\"name\":\"x\"}", "If-Match", value));
		}
		assertThat(this.controller.writes).hasValue(writes);
	}

	@Test
	void resolverVersionsFollowTheExternalData() {
		this.controller.rowsUpdatedAt.put("7", Instant.parse("2026-01-01T00:00:00Z"));
		String etag = this.http.assertRevalidates("/rows/7");
		assertThat(etag).doesNotContain("2026");
		this.controller.rowsUpdatedAt.put("7", Instant.parse("2026-01-02T00:00:00Z"));
		assertFullResponse(this.http.get("/rows/7", "If-None-Match", etag));
		HttpResponse<String> unknown = this.http.get("/rows/8");
		assertThat(unknown.statusCode()).isEqualTo(200);
		assertNoETag(unknown);
	}

	@Test
	void countersAndActuatorSection() throws Exception {
		String etag = assertETag(this.http.get("/things/1"));
		double notModified = counter("resilience.etag.not.modified");
		double failed = counter("resilience.etag.precondition.failed");
		assertNotModified(this.http.get("/things/1", "If-None-Match", etag), etag);
		assertPreconditionFailed(this.http.send("PUT", "/things/1", "{}", "If-Match", "\"stale\""));
		assertThat(counter("resilience.etag.not.modified")).isEqualTo(notModified + 1);
		assertThat(counter("resilience.etag.precondition.failed")).isEqualTo(failed + 1);
		HttpResponse<String> section = this.http.get("/actuator/resilience/etag");
		assertThat(section.statusCode()).isEqualTo(200);
		var json = new ObjectMapper().readTree(section.body());
		assertThat(json.at("/store/shared").asBoolean(true)).isFalse();
		assertThat(json.at("/counts/thing/notModified").asLong()).isGreaterThanOrEqualTo(1);
		assertThat(json.at("/resolvedResources").toString()).isEqualTo("[\"ledger\",\"row\"]");
		assertThat(json.at("/handlers/thing").size()).isEqualTo(7);
	}

	@Test
	void concurrentWritesAndReadsNeverGiveA304ForOutdatedContent() throws Exception {
		AtomicLong completedRevision = new AtomicLong(this.controller.revisions.get());
		AtomicBoolean writing = new AtomicBoolean(true);
		ExecutorService pool = Executors.newFixedThreadPool(6);
		try {
			List<Future<Integer>> writers = new ArrayList<>();
			for (int w = 0; w < 2; w++) {
				writers.add(pool.submit(() -> {
					for (int i = 0; i < 60; i++) {
						HttpResponse<String> response = this.http.send("PUT", "/things/1", "{\"name\":\"n" + i + "\"}");
						assertThat(response.statusCode()).isEqualTo(200);
						completedRevision.accumulateAndGet(revision(response.body()), Math::max);
					}
					return 0;
				}));
			}
			List<Future<Integer>> readers = new ArrayList<>();
			for (int r = 0; r < 4; r++) {
				readers.add(pool.submit(() -> {
					HttpResponse<String> first = this.http.get("/things/1");
					String etag = assertETag(first);
					long revision = revision(first.body());
					int notModified = 0;
					while (writing.get()) {
						long completedBefore = completedRevision.get();
						HttpResponse<String> response = this.http.get("/things/1", "If-None-Match", etag);
						if (response.statusCode() == 304) {
							assertThat(revision).as("a 304 confirms a copy older than a completed write")
								.isGreaterThanOrEqualTo(completedBefore);
							notModified++;
						}
						else {
							assertThat(response.statusCode()).isEqualTo(200);
							revision = revision(response.body());
							assertThat(revision).isGreaterThanOrEqualTo(completedBefore);
							etag = assertETag(response);
						}
					}
					return notModified;
				}));
			}
			for (Future<Integer> writer : writers) {
				writer.get(60, TimeUnit.SECONDS);
			}
			writing.set(false);
			for (Future<Integer> reader : readers) {
				reader.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			writing.set(false);
			pool.shutdownNow();
		}
		HttpResponse<String> last = this.http.get("/things/1");
		assertThat(revision(last.body())).isEqualTo(completedRevision.get());
		assertNotModified(this.http.get("/things/1", "If-None-Match", assertETag(last)), assertETag(last));
	}

	@Test
	void starNeverAnswers304ForAnAbsentResource() {
		assertThat(this.http.get("/things/nope", "If-None-Match", "*").statusCode()).as("never seen").isEqualTo(404);
		assertThat(this.http.get("/things/nope", "If-None-Match", "*").statusCode()).as("known absent").isEqualTo(404);
		String etag = assertETag(this.http.get("/things/1"));
		assertNotModified(this.http.get("/things/1", "If-None-Match", "*"), etag);
		assertThat(this.http.send("DELETE", "/things/1", null).statusCode()).isEqualTo(204);
		HttpResponse<String> deleted = this.http.get("/things/1", "If-None-Match", "*");
		assertThat(deleted.statusCode()).as("deleted").isEqualTo(404);
		assertNoETag(deleted);
	}

	@Test
	void matchingTagOfADeletedResourceIsNot304() {
		String etag = assertETag(this.http.get("/things/1"));
		this.controller.things.remove("1");
		assertThat(this.http.get("/things/1").statusCode()).as("deleted behind the starter's back").isEqualTo(404);
		assertThat(this.http.get("/things/1", "If-None-Match", etag).statusCode()).isEqualTo(404);
		put("1", "back again");
		HttpResponse<String> recreated = this.http.get("/things/1", "If-None-Match", etag);
		assertFullResponse(recreated);
		assertThat(recreated.body()).contains("back again");
	}

	@Test
	void ifNoneMatchStarNeverOverwritesAnExistingResource() {
		int writes = this.controller.writes.get();
		assertPreconditionFailed(this.http.send("PUT", "/things/1", "{\"name\":\"overwritten\"}", "If-None-Match", "*"));
		assertThat(this.controller.writes).hasValue(writes);
		assertThat(this.http.get("/things/1").body()).contains("Old Town Square");
	}

	@Test
	void ifNoneMatchStarCreatesAResourceKnownAbsentOnce() {
		assertPreconditionFailed(this.http.send("PUT", "/things/fresh", "{\"name\":\"unknown\"}", "If-None-Match", "*"));
		assertThat(this.controller.things).as("existence unknown: refused").doesNotContainKey("fresh");
		assertThat(this.http.get("/things/fresh").statusCode()).isEqualTo(404);
		assertThat(this.http.send("PUT", "/things/fresh", "{\"name\":\"created\"}", "If-None-Match", "*")
			.statusCode()).isEqualTo(200);
		assertPreconditionFailed(this.http.send("PUT", "/things/fresh", "{\"name\":\"again\"}", "If-None-Match", "*"));
		assertThat(this.http.get("/things/fresh").body()).contains("created");
	}

	@Test
	void ifMatchStarNeverCreatesAnAbsentResource() {
		assertPreconditionFailed(this.http.send("PUT", "/things/unseen", "{\"name\":\"x\"}", "If-Match", "*"));
		assertThat(this.http.get("/things/absent").statusCode()).isEqualTo(404);
		assertPreconditionFailed(this.http.send("PUT", "/things/absent", "{\"name\":\"x\"}", "If-Match", "*"));
		assertThat(this.controller.things).doesNotContainKeys("unseen", "absent");
		assertThat(this.http.send("PUT", "/things/1", "{\"name\":\"updated\"}", "If-Match", "*").statusCode())
			.as("known to exist").isEqualTo(200);
	}

	@Test
	void ifNoneMatchOnAWriteIs412WhenItMatches() {
		String etag = assertETag(this.http.get("/things/1"));
		int writes = this.controller.writes.get();
		assertPreconditionFailed(this.http.send("PUT", "/things/1", "{\"name\":\"x\"}", "If-None-Match", etag));
		assertThat(this.controller.writes).hasValue(writes);
		assertThat(this.http.send("PUT", "/things/1", "{\"name\":\"y\"}", "If-None-Match", "W/\"other\"")
			.statusCode()).isEqualTo(200);
	}

	@Test
	void resolverNullMeansAbsent() {
		this.controller.rowsUpdatedAt.put("70", Instant.parse("2026-01-01T00:00:00Z"));
		this.controller.rowsUpdatedAt.remove("80");
		int writes = this.controller.writes.get();
		assertPreconditionFailed(this.http.send("PUT", "/rows/70", "{}", "If-None-Match", "*"));
		assertPreconditionFailed(this.http.send("PUT", "/rows/80", "{}", "If-Match", "*"));
		assertThat(this.controller.writes).hasValue(writes);
		HttpResponse<String> absent = this.http.get("/rows/80", "If-None-Match", "*");
		assertThat(absent.statusCode()).isEqualTo(200);
		assertNoETag(absent);
		assertThat(this.http.send("PUT", "/rows/80", "{}", "If-None-Match", "*").statusCode()).isEqualTo(200);
		assertThat(this.http.send("PUT", "/rows/70", "{}", "If-Match", "*").statusCode()).isEqualTo(200);
	}

	@Test
	void ifUnmodifiedSinceIsIgnoredForAVersionWithoutADate() {
		this.concurrency.ledgerVersions.put("5", new AtomicLong(41));
		assertETag(this.http.get("/ledgers/5"));
		assertThat(this.http.send("PUT", "/ledgers/5", "{}", "If-Unmodified-Since", "Sun, 06 Nov 1994 08:49:37 GMT")
			.statusCode()).isEqualTo(200);
		assertThat(this.concurrency.ledgerVersions.get("5")).hasValue(42);
	}

	@Test
	void twelveConcurrentWritesWithTheCurrentTagExactlyOneProceeds() throws Exception {
		this.concurrency.accounts.put("a", "100");
		String etag = assertETag(this.http.get("/accounts/a"));
		List<Integer> statuses = concurrentAccountWrites(etag, false);
		assertThat(statuses).filteredOn((status) -> status == 200).hasSize(1);
		assertThat(statuses).filteredOn((status) -> status == 412).hasSize(11);
		assertThat(this.concurrency.accountWrites).hasValue(1);
		assertPreconditionFailed(this.http.send("PUT", "/accounts/a", "1", "If-Match", etag));
	}

	@Test
	void failedWinnerGivesTheVersionBack() throws Exception {
		this.concurrency.accounts.put("b", "100");
		String etag = assertETag(this.http.get("/accounts/b"));
		List<Integer> statuses = concurrentAccountWrites("b", etag, true);
		assertThat(statuses).filteredOn((status) -> status == 500).hasSize(1);
		assertThat(statuses).filteredOn((status) -> status == 412).hasSize(11);
		assertNotModified(this.http.get("/accounts/b", "If-None-Match", etag), etag);
		assertThat(this.http.send("PUT", "/accounts/b", "250", "If-Match", etag).statusCode()).isEqualTo(200);
		assertThat(this.http.get("/accounts/b").body()).isEqualTo("250");
	}

	@Test
	void anAsyncWriteHoldsItsReservationUntilItCompletes() throws Exception {
		this.concurrency.accounts.put("c", "100");
		String etag = assertETag(this.http.get("/accounts/c"));
		List<Integer> statuses = concurrentAccountWrites("/async-accounts/", "c", etag, false);
		assertThat(statuses).filteredOn((status) -> status == 200).hasSize(1);
		assertThat(statuses).filteredOn((status) -> status == 412).hasSize(11);
		assertFullResponse(this.http.get("/accounts/c", "If-None-Match", etag));
		assertPreconditionFailed(this.http.send("PUT", "/async-accounts/c", "300", "If-Match", etag));
	}

	@Test
	void aFailedAsyncWriteGivesTheVersionBack() throws Exception {
		this.concurrency.accounts.put("d", "100");
		String etag = assertETag(this.http.get("/accounts/d"));
		List<Integer> statuses = concurrentAccountWrites("/async-accounts/", "d", etag, true);
		assertThat(statuses).filteredOn((status) -> status == 500).hasSize(1);
		assertThat(statuses).filteredOn((status) -> status == 412).hasSize(11);
		assertNotModified(this.http.get("/accounts/d", "If-None-Match", etag), etag);
		assertThat(this.http.send("PUT", "/async-accounts/d", "250", "If-Match", etag).statusCode()).isEqualTo(200);
		assertThat(this.http.get("/accounts/d").body()).isEqualTo("250");
	}

	@Test
	void resolverAtomicityIsTheApplicationsOptimisticLock() throws Exception {
		this.concurrency.ledgerVersions.put("9", new AtomicLong(1));
		String etag = assertETag(this.http.get("/ledgers/9"));
		this.concurrency.ledgerWrites.set(0);
		this.concurrency.ledgerBarrier = new CyclicBarrier(12);
		ExecutorService pool = Executors.newFixedThreadPool(12);
		try {
			List<Future<Integer>> responses = new ArrayList<>();
			for (int i = 0; i < 12; i++) {
				responses.add(pool.submit(() -> this.http.send("PUT", "/ledgers/9", "{}", "If-Match", etag).statusCode()));
			}
			List<Integer> statuses = new ArrayList<>();
			for (Future<Integer> response : responses) {
				statuses.add(response.get(60, TimeUnit.SECONDS));
			}
			assertThat(this.concurrency.ledgerWrites).as("the starter lets all through to the handler").hasValue(12);
			assertThat(statuses).filteredOn((status) -> status == 200).hasSize(1);
			assertThat(statuses).filteredOn((status) -> status == 412).hasSize(11);
		}
		finally {
			this.concurrency.ledgerBarrier = new CyclicBarrier(1);
			pool.shutdownNow();
		}
		assertThat(this.concurrency.ledgerVersions.get("9")).hasValue(2);
	}

	@Test
	void equalLongArgumentsShareAKey() {
		String etag = this.http.assertRevalidates("/numbers/01");
		assertThat(assertETag(this.http.get("/numbers/1"))).isEqualTo(etag);
		assertThat(assertETag(this.http.get("/numbers?id=001"))).isEqualTo(etag);
		assertThat(this.http.send("PUT", "/numbers/1", "changed").statusCode()).isEqualTo(200);
		HttpResponse<String> after = this.http.get("/numbers/01", "If-None-Match", etag);
		assertFullResponse(after);
		assertThat(after.body()).contains("changed");
		assertThat(this.http.get("/numbers/not-a-number").statusCode()).isEqualTo(400);
		assertThat(this.http.send("PUT", "/numbers/not-a-number", "x", "If-Match", etag).statusCode()).isEqualTo(400);
	}

	@Test
	void equalUuidArgumentsShareAKey() {
		UUID id = UUID.randomUUID();
		String upper = id.toString().toUpperCase();
		String etag = this.http.assertRevalidates("/devices/" + upper);
		assertThat(this.http.send("PUT", "/devices/" + id, "on", "If-Match", etag).statusCode()).isEqualTo(200);
		HttpResponse<String> after = this.http.get("/devices/" + upper, "If-None-Match", etag);
		assertFullResponse(after);
		assertThat(after.body()).contains("on");
	}

	private List<Integer> concurrentAccountWrites(String etag, boolean fail) throws Exception {
		return concurrentAccountWrites("a", etag, fail);
	}

	/**
	 * Twelve PUTs with the same If-Match, held in the handler until eleven have been answered or all twelve have
	 * entered the handler: either way they overlapped.
	 */
	private List<Integer> concurrentAccountWrites(String id, String etag, boolean fail) throws Exception {
		return concurrentAccountWrites("/accounts/", id, etag, fail);
	}

	private List<Integer> concurrentAccountWrites(String path, String id, String etag, boolean fail) throws Exception {
		this.concurrency.accountWrites.set(0);
		CountDownLatch gate = new CountDownLatch(1);
		this.concurrency.gate = gate;
		AtomicInteger answered = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(12);
		try {
			List<Future<Integer>> responses = new ArrayList<>();
			for (int i = 0; i < 12; i++) {
				responses.add(pool.submit(() -> {
					int status = this.http.send("PUT", path + id + (fail ? "?fail=true" : ""), "200", "If-Match",
							etag).statusCode();
					answered.incrementAndGet();
					return status;
				}));
			}
			assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
				while (answered.get() < 11 && this.concurrency.accountWrites.get() < 12) {
					Thread.sleep(10);
				}
			});
			gate.countDown();
			List<Integer> statuses = new ArrayList<>();
			for (Future<Integer> response : responses) {
				statuses.add(response.get(60, TimeUnit.SECONDS));
			}
			return statuses;
		}
		finally {
			gate.countDown();
			this.concurrency.gate = new CountDownLatch(0);
			pool.shutdownNow();
		}
	}

	private static String thousandsOfTags() {
		return IntStream.range(0, 1500).mapToObj((i) -> "\"" + (char) ('a' + i % 26) + "\"")
			.collect(Collectors.joining(","));
	}

	private void put(String id, String name) {
		assertThat(this.http.send("PUT", "/things/" + id, "{\"name\":\"" + name + "\"}").statusCode()).isEqualTo(200);
	}

	private static long revision(String json) {
		return new ObjectMapper().readTree(json).get("revision").asLong();
	}

	private double counter(String name) {
		var counter = this.meters.find(name).tag("resource", "thing").counter();
		return (counter != null) ? counter.count() : 0;
	}

	private String rawGet(String path, String headerLines) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headerLines + "\r\n")
				.getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream response = new ByteArrayOutputStream();
			in.transferTo(response);
			return response.toString(StandardCharsets.ISO_8859_1);
		}
	}

}
