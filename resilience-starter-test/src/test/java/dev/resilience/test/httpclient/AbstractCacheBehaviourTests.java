package dev.resilience.test.httpclient;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.resilience.httpclient.CacheOutcome;
import dev.resilience.httpclient.SharedHttpClient;
import dev.resilience.httpclient.SharedHttpClientMetrics;
import dev.resilience.httpclient.SharedHttpClientSection;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.restclient.RestTemplateBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import static dev.resilience.test.httpclient.CacheOutcomeAssert.assertThatCacheOutcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Behaviour of the shared caching client through Boot-built {@link RestClient}s against a real local origin. Runs once
 * per cache store: each subclass names its store.
 */
@SpringBootTest(classes = AbstractCacheBehaviourTests.App.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "resilience.http-client.cache.status-header=true", "spring.http.clients.connect-timeout=2s",
				"spring.http.clients.read-timeout=10s", "resilience.http-client.cache.identity-headers=X-User-Id" })
abstract class AbstractCacheBehaviourTests {

	static RecordingOrigin origin;

	@Autowired
	RestClient.Builder builder;

	@Autowired
	RestClient.Builder otherBuilder;

	@Autowired
	RestTemplateBuilder restTemplateBuilder;

	@Autowired
	SharedHttpClient sharedHttpClient;

	@Autowired
	SharedHttpClientSection section;

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

	abstract String expectedStore();

	@Test
	void usesTheConfiguredStore() {
		assertThat(this.sharedHttpClient.store().name()).isEqualTo(expectedStore());
	}

	@Test
	void freshResponseIsServedWithoutReachingTheOrigin() {
		origin.respond("/fresh", (request) -> OriginResponse.ok("fresh body").cacheControl("max-age=60"));
		double hitsBefore = hits();
		double tierHitsBefore = tierHits();
		RestClient client = this.builder.build();
		ResponseEntity<String> first = get(client, "/fresh");
		ResponseEntity<String> second = get(client, "/fresh");
		assertThat(first.getBody()).isEqualTo("fresh body");
		assertThatCacheOutcome(first).isMiss();
		assertThat(second.getBody()).isEqualTo("fresh body");
		assertThatCacheOutcome(second).isHit();
		assertThat(origin.requestCount("/fresh")).isEqualTo(1);
		assertThat(hits()).isEqualTo(hitsBefore + 1);
		assertThat(tierHits()).as("hits over all tiers").isEqualTo(tierHitsBefore + 1);
		assertThat(this.section.describe()).extractingByKey("cache")
			.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
			.containsEntry("store", expectedStore());
	}

	@Test
	void everyCounterIsRegisteredAtStartupUnderTheHttpClientName() {
		for (CacheOutcome outcome : CacheOutcome.values()) {
			assertThat(this.meterRegistry.find(SharedHttpClientMetrics.CACHE_REQUESTS)
				.tag("outcome", outcome.tag())
				.functionCounter()).as(outcome.tag()).isNotNull();
		}
		for (String tier : this.sharedHttpClient.store().tiers()) {
			assertThat(this.meterRegistry.find(SharedHttpClientMetrics.CACHE_TIER_HITS).tag("tier", tier).functionCounter())
				.as(tier)
				.isNotNull();
		}
		assertThat(this.meterRegistry.find(SharedHttpClientMetrics.CACHE_COLLAPSED).functionCounter()).isNotNull();
		assertThat(this.meterRegistry.find(SharedHttpClientMetrics.RETRY_BUDGET_EXHAUSTED).functionCounter())
			.isNotNull();
		assertThat(this.meterRegistry.find("resilience.http.cache.requests").meters()).isEmpty();
	}

	@Test
	void twentyConcurrentCallersOnAColdUrlWithASlowOriginMakeOneOriginRequest() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		origin.respond("/collapse", (request) -> {
			await(release);
			return OriginResponse.ok("collapsed body").cacheControl("max-age=60");
		});
		long collapsedBefore = this.sharedHttpClient.outcomes().collapsed();
		ExecutorService callers = Executors.newFixedThreadPool(20);
		try {
			assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
				List<Future<ResponseEntity<String>>> responses = new ArrayList<>();
				for (int i = 0; i < 20; i++) {
					responses.add(callers.submit(() -> get(this.builder.build(), "/collapse")));
				}
				// release the origin only when the other 19 callers wait for the first one
				while (origin.requestCount("/collapse") < 1 || waitingForALeader() < 19) {
					Thread.sleep(10);
				}
				release.countDown();
				for (Future<ResponseEntity<String>> response : responses) {
					assertThat(response.get().getBody()).isEqualTo("collapsed body");
				}
				assertThat(origin.requestCount("/collapse")).isEqualTo(1);
				assertThat(this.sharedHttpClient.outcomes().collapsed() - collapsedBefore).isEqualTo(19);
				assertThat(this.meterRegistry.get("resilience.http.client.cache.collapsed").functionCounter().count())
					.isGreaterThanOrEqualTo(19);
				assertThat(this.section.describe()).extractingByKey("cache")
					.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
					.containsKey("collapsed");
			});
		}
		finally {
			release.countDown();
			callers.shutdownNow();
		}
	}

	private static long waitingForALeader() {
		return Thread.getAllStackTraces()
			.values()
			.stream()
			.filter((stack) -> Arrays.stream(stack)
				.anyMatch((frame) -> frame.getClassName().equals("dev.resilience.httpclient.RequestCollapser")
						&& frame.getMethodName().equals("await")))
			.count();
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(60, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	// RFC 9111 dropped RFC 2616's query-string exclusion: a validator-only response is stored and revalidated
	@ParameterizedTest
	@ValueSource(strings = { "no-cache", "no-cache, must-revalidate", "" })
	void aValidatorOnlyResponseToAUrlWithAQueryStringIsStoredAndRevalidated(String cacheControl) {
		String path = "/search-" + Integer.toHexString(cacheControl.hashCode());
		origin.respond(path, (request) -> {
			OriginResponse response = "\"q1\"".equals(request.header("If-None-Match")) ? OriginResponse.notModified()
					: OriginResponse.ok("results");
			response.etag("\"q1\"");
			return cacheControl.isEmpty() ? response : response.cacheControl(cacheControl);
		});
		RestClient client = this.builder.build();
		String uri = path + "?q=weather&page=2";
		assertThatCacheOutcome(get(client, uri)).isMiss();
		ResponseEntity<String> second = get(client, uri);
		assertThat(second.getStatusCode().value()).isEqualTo(200);
		assertThat(second.getBody()).isEqualTo("results");
		assertThatCacheOutcome(second).isRevalidated();
		assertThat(origin.requests(path)).hasSize(2);
		assertThat(origin.requests(path).get(1).header("If-None-Match")).isEqualTo("\"q1\"");
	}

	@Test
	void restTemplateFromBootsBuilderSharesTheCacheWithRestClient() {
		origin.respond("/template", (request) -> OriginResponse.ok("template body").cacheControl("max-age=60"));
		assertThatCacheOutcome(get(this.builder.build(), "/template")).isMiss();
		ResponseEntity<String> viaTemplate = this.restTemplateBuilder.build()
			.getForEntity(origin.uri("/template"), String.class);
		assertThat(viaTemplate.getBody()).isEqualTo("template body");
		assertThatCacheOutcome(viaTemplate).isHit();
		assertThat(origin.requestCount("/template")).isEqualTo(1);
	}

	@Test
	void staleResponseIsRevalidatedWithIfNoneMatch() {
		origin.respond("/stale", staleWithETag("\"v1\"", "", "stale body"));
		RestClient client = this.builder.build();
		get(client, "/stale");
		ResponseEntity<String> second = get(client, "/stale");
		assertThat(second.getStatusCode().value()).isEqualTo(200);
		assertThat(second.getBody()).isEqualTo("stale body");
		assertThatCacheOutcome(second).isRevalidated();
		assertThat(origin.requests("/stale")).hasSize(2);
		assertThat(origin.requests("/stale").get(1).header("If-None-Match")).isEqualTo("\"v1\"");
	}

	@Test
	void callersWithDifferentAuthorizationNeverSeeEachOthersResponse() {
		origin.respond("/me", (request) -> OriginResponse.ok("for " + request.header("Authorization"))
			.cacheControl("max-age=60"));
		RestClient client = this.builder.build();
		assertThat(get(client, "/me", HttpHeaders.AUTHORIZATION, "Bearer alice").getBody()).isEqualTo("for Bearer alice");
		assertThat(get(client, "/me", HttpHeaders.AUTHORIZATION, "Bearer bob").getBody()).isEqualTo("for Bearer bob");
		assertThat(get(client, "/me", HttpHeaders.AUTHORIZATION, "Bearer alice").getBody()).isEqualTo("for Bearer alice");
		assertThat(origin.requestCount("/me")).isEqualTo(3);
	}

	@Test
	void callersWithDifferentIdentityHeadersNeverSeeEachOthersResponse() {
		origin.respond("/mine", (request) -> OriginResponse
			.ok("for " + request.header("X-User-Id") + " " + request.header("Cookie"))
			.cacheControl("max-age=60"));
		RestClient client = this.builder.build();
		assertThat(get(client, "/mine", "X-User-Id", "alice").getBody()).isEqualTo("for alice null");
		assertThat(get(client, "/mine", "X-User-Id", "bob").getBody()).isEqualTo("for bob null");
		assertThat(get(client, "/mine", "X-User-Id", "alice").getBody()).isEqualTo("for alice null");
		assertThat(get(client, "/mine", HttpHeaders.COOKIE, "session=a").getBody()).isEqualTo("for null session=a");
		assertThat(get(client, "/mine", HttpHeaders.COOKIE, "session=b").getBody()).isEqualTo("for null session=b");
		assertThat(origin.requestCount("/mine")).isEqualTo(5);
	}

	@Test
	void aResponseToAUserSpecificRequestIsSharedWhenTheOriginSaysSo() {
		origin.respond("/everyone", (request) -> OriginResponse.ok("for " + request.header("X-User-Id"))
			.cacheControl("public, max-age=60"));
		RestClient client = this.builder.build();
		assertThat(get(client, "/everyone", "X-User-Id", "alice").getBody()).isEqualTo("for alice");
		ResponseEntity<String> bob = get(client, "/everyone", "X-User-Id", "bob");
		assertThat(bob.getBody()).isEqualTo("for alice");
		assertThatCacheOutcome(bob).isHit();
		assertThat(origin.requestCount("/everyone")).isEqualTo(1);
	}

	@Test
	void responseWithSetCookieIsNotStored() {
		origin.respond("/cookie", (request) -> OriginResponse.ok("with cookie")
			.cacheControl("max-age=60")
			.header("Set-Cookie", "session=alice; Path=/"));
		RestClient client = this.builder.build();
		get(client, "/cookie");
		ResponseEntity<String> second = get(client, "/cookie");
		assertThat(second.getBody()).isEqualTo("with cookie");
		assertThat(origin.requestCount("/cookie")).isEqualTo(2);
	}

	@Test
	void sharedClientSendsNoCookies() {
		origin.respond("/login", (request) -> OriginResponse.ok("welcome").header("Set-Cookie", "session=alice"));
		origin.respond("/next", (request) -> OriginResponse.ok("next"));
		RestClient client = this.builder.build();
		get(client, "/login");
		get(client, "/next");
		assertThat(origin.requests("/next").get(0).header("Cookie")).isNull();
	}

	@Test
	void varyAcceptKeepsVariantsApart() {
		origin.respond("/vary", (request) -> OriginResponse.ok("variant " + request.header("Accept"))
			.cacheControl("max-age=60")
			.header("Vary", "Accept"));
		RestClient client = this.builder.build();
		assertThat(get(client, "/vary", HttpHeaders.ACCEPT, "application/json").getBody())
			.isEqualTo("variant application/json");
		assertThat(get(client, "/vary", HttpHeaders.ACCEPT, "text/plain").getBody()).isEqualTo("variant text/plain");
		ResponseEntity<String> again = get(client, "/vary", HttpHeaders.ACCEPT, "application/json");
		assertThat(again.getBody()).isEqualTo("variant application/json");
		assertThatCacheOutcome(again).isHit();
		assertThat(origin.requestCount("/vary")).isEqualTo(2);
	}

	@ParameterizedTest
	@ValueSource(strings = { "private, max-age=60", "no-store, max-age=60", "max-age=60, no-store" })
	void privateAndNoStoreAreNeverStored(String cacheControl) {
		String path = "/never-" + cacheControl.hashCode();
		origin.respond(path, (request) -> OriginResponse.ok("personal").cacheControl(cacheControl));
		RestClient client = this.builder.build();
		get(client, path);
		assertThatCacheOutcome(get(client, path)).isMiss();
		assertThat(origin.requestCount(path)).isEqualTo(2);
	}

	// RFC 9111 §5.3: an invalid Expires means "already expired"; httpclient5-cache 5.6.3 alone treats these as fresh.
	@ParameterizedTest
	@ValueSource(strings = { "Thu, 01 Jan 2099 00:00:00 CET", "Thu, 01-Jan-2099 00:00:00 GMT",
			"Thu, 01 Jan 2099 0:00:00 GMT", "tomorrow", "0", "-1" })
	void invalidExpiresIsAlreadyExpired(String expires) {
		String path = "/expires-" + Integer.toHexString(expires.hashCode());
		origin.respond(path, (request) -> OriginResponse.ok("expiring").header("Expires", expires));
		RestClient client = this.builder.build();
		assertThat(get(client, path).getBody()).isEqualTo("expiring");
		assertThat(get(client, path).getBody()).isEqualTo("expiring");
		assertThat(origin.requestCount(path)).isEqualTo(2);
	}

	@Test
	void validExpiresInTheFutureIsFresh() {
		String expires = OriginResponse.httpDate(Instant.now().plus(Duration.ofHours(1)));
		origin.respond("/expires-valid", (request) -> OriginResponse.ok("fresh until").header("Expires", expires));
		RestClient client = this.builder.build();
		get(client, "/expires-valid");
		assertThatCacheOutcome(get(client, "/expires-valid")).isHit();
		assertThat(origin.requestCount("/expires-valid")).isEqualTo(1);
	}

	// RFC 9111 §4.2: a cache should match HTTP-dates case-insensitively; the library alone finds no date in these.
	@ParameterizedTest
	@ValueSource(strings = { "THU, 18 Aug 2050 02:01:18 GMT", "Thu, 18 AUG 2050 02:01:18 GMT",
			"Thu, 18 Aug 2050 02:01:18 gMT", "thursday, 18-aug-50 02:01:18 gmt" })
	void expiresInAnotherLetterCaseIsTheDateItNames(String expires) {
		String path = "/expires-case-" + Integer.toHexString(expires.hashCode());
		origin.respond(path, (request) -> OriginResponse.ok("fresh until 2050").header("Expires", expires));
		RestClient client = this.builder.build();
		get(client, path);
		assertThatCacheOutcome(get(client, path)).isHit();
		assertThat(origin.requestCount(path)).isEqualTo(1);
	}

	// RFC 9110 §6.6.1: an invalid Date may be replaced by the time of receipt; the library alone then has no date and
	// finds no freshness lifetime in Expires.
	@Test
	void invalidDateIsTakenAsTheTimeOfReceipt() {
		String expires = OriginResponse.httpDate(Instant.now().plus(Duration.ofHours(1)));
		origin.respond("/date-invalid",
				(request) -> OriginResponse.ok("dated on receipt").header("Date", "foo").header("Expires", expires));
		RestClient client = this.builder.build();
		get(client, "/date-invalid");
		assertThatCacheOutcome(get(client, "/date-invalid")).isHit();
		assertThat(origin.requestCount("/date-invalid")).isEqualTo(1);
	}

	// RFC 9111 §5.2.2.3: with must-understand, a cache that implements the status code ignores no-store; the library
	// alone obeys no-store anyway. The caller still sees the origin's Cache-Control.
	@Test
	void noStoreWithMustUnderstandIsStoredForAStatusCodeTheCacheImplements() {
		String cacheControl = "max-age=60, no-store, must-understand";
		origin.respond("/must-understand", (request) -> OriginResponse.ok("understood").cacheControl(cacheControl));
		RestClient client = this.builder.build();
		ResponseEntity<String> first = get(client, "/must-understand");
		ResponseEntity<String> second = get(client, "/must-understand");
		assertThatCacheOutcome(second).isHit();
		assertThat(second.getBody()).isEqualTo("understood");
		assertThat(origin.requestCount("/must-understand")).isEqualTo(1);
		assertThat(first.getHeaders().get(HttpHeaders.CACHE_CONTROL)).containsExactly(cacheControl);
		assertThat(second.getHeaders().get(HttpHeaders.CACHE_CONTROL)).containsExactly(cacheControl);
	}

	@Test
	void noStoreWithMustUnderstandIsNotStoredForAnUnknownStatusCode() {
		origin.respond("/must-understand-unknown", (request) -> OriginResponse.status(299)
			.body("unknown status")
			.cacheControl("max-age=60, no-store, must-understand"));
		RestClient client = this.builder.build();
		client.get().uri(origin.uri("/must-understand-unknown")).retrieve().toEntity(String.class);
		client.get().uri(origin.uri("/must-understand-unknown")).retrieve().toEntity(String.class);
		assertThat(origin.requestCount("/must-understand-unknown")).isEqualTo(2);
	}

	// RFC 9110 §13.2.2: If-Modified-Since is ignored when If-None-Match is present; the library evaluated both.
	@Test
	void ifModifiedSinceIsIgnoredWhenIfNoneMatchIsPresent() {
		Instant lastModified = Instant.now().minus(Duration.ofHours(1));
		origin.respond("/conditional", (request) -> OriginResponse.ok("conditional body")
			.etag("\"c1\"")
			.header("Last-Modified", OriginResponse.httpDate(lastModified))
			.cacheControl("max-age=60"));
		RestClient client = this.builder.build();
		get(client, "/conditional");
		ResponseEntity<String> conditional = client.get()
			.uri(origin.uri("/conditional"))
			.header(HttpHeaders.IF_NONE_MATCH, "\"c1\"")
			.header(HttpHeaders.IF_MODIFIED_SINCE, OriginResponse.httpDate(lastModified.minus(Duration.ofDays(1))))
			.retrieve()
			.toEntity(String.class);
		assertThat(conditional.getStatusCode().value()).isEqualTo(304);
		assertThat(origin.requestCount("/conditional")).isEqualTo(1);
	}

	// RFC 9111 §4.3.4: the 200 received on revalidation is what the cache serves and keeps, whatever its Date says;
	// httpclient5-cache 5.6.3 compared Date headers and kept (and served) the older entry.
	@Test
	void freshResponseFromRevalidationReplacesTheStoredOneEvenWithAnOlderDate() {
		AtomicInteger calls = new AtomicInteger();
		Instant now = Instant.now();
		origin.respond("/replaced", (request) -> (calls.incrementAndGet() == 1)
				? OriginResponse.ok("old").etag("\"r1\"").cacheControl("max-age=60")
					.header("Date", OriginResponse.httpDate(now.minus(Duration.ofMinutes(2))))
				: OriginResponse.ok("new").etag("\"r2\"").cacheControl("max-age=3600")
					.header("Date", OriginResponse.httpDate(now.minus(Duration.ofMinutes(10)))));
		RestClient client = this.builder.build();
		assertThat(get(client, "/replaced").getBody()).isEqualTo("old");
		assertThat(get(client, "/replaced").getBody()).isEqualTo("new");
		int originCalls = origin.requestCount("/replaced");
		ResponseEntity<String> third = get(client, "/replaced");
		assertThat(third.getBody()).isEqualTo("new");
		assertThatCacheOutcome(third).isHit();
		assertThat(origin.requestCount("/replaced")).isEqualTo(originCalls);
	}

	@Test
	void hundredSequentialRequestsUseOneConnection() throws IOException {
		try (RecordingOrigin own = RecordingOrigin.start()) {
			own.respond("/uncached", (request) -> OriginResponse.ok("x").cacheControl("no-store"));
			RestClient client = this.builder.build();
			for (int i = 0; i < 100; i++) {
				client.get().uri(own.uri("/uncached")).retrieve().toEntity(String.class);
			}
			assertThat(own.requestCount("/uncached")).isEqualTo(100);
			assertThat(own.acceptedConnections()).isEqualTo(1);
		}
	}

	@Test
	void clientsFromTwoInjectedBuildersSharePoolAndCache() throws IOException {
		assertThat(this.builder).isNotSameAs(this.otherBuilder);
		try (RecordingOrigin own = RecordingOrigin.start()) {
			own.respond("/shared", (request) -> OriginResponse.ok("shared").cacheControl("max-age=60"));
			own.respond("/uncached", (request) -> OriginResponse.ok("x").cacheControl("no-store"));
			RestClient first = this.builder.build();
			RestClient second = this.otherBuilder.build();
			assertThatCacheOutcome(first.get().uri(own.uri("/shared")).retrieve().toEntity(String.class)).isMiss();
			assertThatCacheOutcome(second.get().uri(own.uri("/shared")).retrieve().toEntity(String.class)).isHit();
			second.get().uri(own.uri("/uncached")).retrieve().toEntity(String.class);
			first.get().uri(own.uri("/uncached")).retrieve().toEntity(String.class);
			assertThat(own.requestCount("/shared")).isEqualTo(1);
			assertThat(own.acceptedConnections()).isEqualTo(1);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "Cache-Control: max-age=-5", "Cache-Control: max-age=abc", "Cache-Control: max-age=",
			"Cache-Control: ,,;;==", "Expires: garbage", "Age: 99999999999999999999|max-age=60",
			"Age: 2147483648|max-age=60" })
	void malformedFreshnessIsStaleNotAnError(String headers) {
		String path = "/malformed-" + Integer.toHexString(headers.hashCode());
		origin.respond(path, (request) -> withHeaders(OriginResponse.ok("malformed"), headers));
		RestClient client = this.builder.build();
		assertThat(get(client, path).getBody()).isEqualTo("malformed");
		assertThat(get(client, path).getBody()).isEqualTo("malformed");
		assertThat(origin.requestCount(path)).isEqualTo(2);
	}

	@ParameterizedTest
	@ValueSource(strings = { "ETag: unquoted|max-age=0", "ETag: \"unterminated|max-age=0", "ETag: W/|max-age=0",
			"Age: -1|max-age=60", "Age: abc|max-age=60", "Cache-Control: max-age=99999999999999999999",
			"Last-Modified: yesterday|max-age=0" })
	void malformedHeadersNeverReachTheCallerAsAnException(String headers) {
		String path = "/odd-" + Integer.toHexString(headers.hashCode());
		origin.respond(path, (request) -> withHeaders(OriginResponse.ok("odd"), headers));
		RestClient client = this.builder.build();
		for (int i = 0; i < 3; i++) {
			assertThat(get(client, path).getBody()).isEqualTo("odd");
		}
	}

	@Test
	void bodyLargerThanMaxObjectSizeStreamsThroughUncached() throws Exception {
		int size = 2 * 1024 * 1024;
		int firstPart = 600 * 1024;
		CountDownLatch clientReadFirstPart = new CountDownLatch(1);
		AtomicBoolean streamed = new AtomicBoolean();
		origin.respond("/large", (request) -> OriginResponse.ok("").cacheControl("max-age=60")
			.streamedBody(size, (out) -> {
				out.write(new byte[firstPart]);
				out.flush();
				try {
					// the client can only read past this point if it did not wait for the whole body
					streamed.set(clientReadFirstPart.await(30, TimeUnit.SECONDS));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				out.write(new byte[size - firstPart]);
			}));
		RestClient client = this.builder.build();
		for (int i = 0; i < 2; i++) {
			int length = client.get().uri(origin.uri("/large")).exchange((request, response) -> {
				try (InputStream body = response.getBody()) {
					int read = body.readNBytes(firstPart).length;
					clientReadFirstPart.countDown();
					return read + readAll(body);
				}
			});
			assertThat(length).isEqualTo(size);
		}
		assertThat(streamed).isTrue();
		assertThat(origin.requestCount("/large")).isEqualTo(2);
	}

	@Test
	void originDownGivesTheCallersNormalErrorUnlessTheResponseAllowsStaleIfError() throws IOException {
		RecordingOrigin own = RecordingOrigin.start();
		// stale for longer than resilience.http-client.cache.stale-if-unreachable (1m by default)
		own.respond("/plain", staleWithETag("\"p1\"", "", "plain", Duration.ofMinutes(10)));
		own.respond("/tolerant", staleWithETag("\"t1\"", ", stale-if-error=600", "tolerant"));
		RestClient client = this.builder.build();
		assertThat(client.get().uri(own.uri("/plain")).retrieve().body(String.class)).isEqualTo("plain");
		assertThat(client.get().uri(own.uri("/tolerant")).retrieve().body(String.class)).isEqualTo("tolerant");
		own.close();
		assertThatExceptionOfType(ResourceAccessException.class)
			.isThrownBy(() -> client.get().uri(own.uri("/plain")).retrieve().body(String.class));
		ResponseEntity<String> stale = client.get().uri(own.uri("/tolerant")).retrieve().toEntity(String.class);
		assertThat(stale.getBody()).isEqualTo("tolerant");
		assertThatCacheOutcome(stale).isStale();
	}

	@Test
	void originGoneServesTheStaleResponseWithinTheBoundAndAnErrorBeyondIt() throws IOException {
		RecordingOrigin gone = RecordingOrigin.start();
		gone.respond("/within", staleWithETag("\"w1\"", "", "within the bound", Duration.ofSeconds(10)));
		gone.respond("/beyond", staleWithETag("\"b1\"", "", "beyond the bound", Duration.ofMinutes(10)));
		gone.respond("/must-revalidate",
				staleWithETag("\"m1\"", ", must-revalidate", "must revalidate", Duration.ofSeconds(10)));
		RestClient client = this.builder.build();
		for (String path : new String[] { "/within", "/beyond", "/must-revalidate" }) {
			assertThatCacheOutcome(client.get().uri(gone.uri(path)).retrieve().toEntity(String.class)).isMiss();
		}
		double staleBefore = outcomeCount(CacheOutcome.STALE);
		gone.close();
		ResponseEntity<String> stale = client.get().uri(gone.uri("/within")).retrieve().toEntity(String.class);
		assertThat(stale.getStatusCode().value()).isEqualTo(200);
		assertThat(stale.getBody()).isEqualTo("within the bound");
		assertThat(stale.getHeaders().getETag()).isEqualTo("\"w1\"");
		assertThat(Long.parseLong(stale.getHeaders().getFirst("Age"))).isGreaterThanOrEqualTo(70);
		assertThatCacheOutcome(stale).isStale();
		assertThat(stale.getHeaders().getFirst("Cache-Status")).isEqualTo(CacheOutcome.STALE.cacheStatus());
		assertThat(outcomeCount(CacheOutcome.STALE)).isEqualTo(staleBefore + 1);
		assertThatExceptionOfType(ResourceAccessException.class)
			.isThrownBy(() -> client.get().uri(gone.uri("/beyond")).retrieve().toEntity(String.class));
		assertThatExceptionOfType(ResourceAccessException.class)
			.isThrownBy(() -> client.get().uri(gone.uri("/must-revalidate")).retrieve().toEntity(String.class));
	}

	@Test
	void aServerErrorOfAReachableOriginIsNotReplacedByTheStaleResponse() {
		AtomicBoolean failing = new AtomicBoolean();
		Function<RecordedRequest, OriginResponse> stale = staleWithETag("\"e1\"", "", "before the error",
				Duration.ofSeconds(10));
		origin.respond("/server-error",
				(request) -> failing.get() ? OriginResponse.status(503).body("down") : stale.apply(request));
		RestClient client = this.builder.build();
		assertThat(get(client, "/server-error").getBody()).isEqualTo("before the error");
		failing.set(true);
		assertThatExceptionOfType(HttpServerErrorException.ServiceUnavailable.class)
			.isThrownBy(() -> get(client, "/server-error"));
	}

	private double outcomeCount(CacheOutcome outcome) {
		return this.meterRegistry.get("resilience.http.client.cache.requests")
			.tag("outcome", outcome.tag())
			.functionCounter()
			.count();
	}

	/**
	 * Answers with a response that is already stale when it arrives (dated two minutes ago, max-age one minute) and
	 * with {@code 304} when {@code If-None-Match} names the entity tag.
	 */
	static Function<RecordedRequest, OriginResponse> staleWithETag(String etag, String extraDirectives, String body) {
		return staleWithETag(etag, extraDirectives, body, Duration.ofMinutes(1));
	}

	/**
	 * Answers with a response that is already stale by {@code staleBy} when it arrives (max-age one minute, dated that
	 * much earlier) and with {@code 304} when {@code If-None-Match} names the entity tag.
	 */
	static Function<RecordedRequest, OriginResponse> staleWithETag(String etag, String extraDirectives, String body,
			Duration staleBy) {
		return (request) -> {
			if (etag.equals(request.header("If-None-Match"))) {
				return OriginResponse.notModified().etag(etag).cacheControl("max-age=60" + extraDirectives);
			}
			return OriginResponse.ok(body)
				.etag(etag)
				.cacheControl("max-age=60" + extraDirectives)
				.header("Date", OriginResponse.httpDate(Instant.now().minus(Duration.ofMinutes(1)).minus(staleBy)));
		};
	}

	private static OriginResponse withHeaders(OriginResponse response, String headers) {
		for (String header : headers.split("\\|")) {
			int colon = header.indexOf(':');
			if (colon > 0) {
				response.header(header.substring(0, colon), header.substring(colon + 1).trim());
			}
			else {
				response.cacheControl(header);
			}
		}
		return response;
	}

	private static int readAll(InputStream in) throws IOException {
		byte[] buffer = new byte[64 * 1024];
		int total = 0;
		for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
			total += n;
		}
		return total;
	}

	private double hits() {
		return this.meterRegistry.get("resilience.http.client.cache.requests")
			.tag("outcome", CacheOutcome.HIT.tag())
			.functionCounter()
			.count();
	}

	private double tierHits() {
		return this.meterRegistry.find(SharedHttpClientMetrics.CACHE_TIER_HITS)
			.functionCounters()
			.stream()
			.mapToDouble((counter) -> counter.count())
			.sum();
	}

	private static ResponseEntity<String> get(RestClient client, String path) {
		return client.get().uri(origin.uri(path)).retrieve().toEntity(String.class);
	}

	private static ResponseEntity<String> get(RestClient client, String path, String header, String value) {
		return client.get().uri(origin.uri(path)).header(header, value).retrieve().toEntity(String.class);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

}
