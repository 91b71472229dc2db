package dev.resilience.test.etag;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Test helper for applications that use {@code @ETagged} and {@code @ChangesResource}: sends real HTTP requests to a
 * running server (for example {@code @SpringBootTest(webEnvironment = RANDOM_PORT)}) and asserts the conditional
 * request round trips.
 *
 * <pre class="code">
 * ConditionalRequests places = ConditionalRequests.onLocalPort(port);
 * String etag = places.assertRevalidates("/places/1");             // 200 + ETag, then 304 with the same ETag
 * places.send("PUT", "/places/1", json, "If-Match", etag);          // the change
 * places.assertStaleIfMatchRejected("PUT", "/places/1", json, etag); // 412 problem, the change is not applied
 * </pre>
 */
public final class ConditionalRequests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final HttpClient client;

	private final URI base;

	private ConditionalRequests(URI base) {
		this.base = base;
		this.client = HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
	}

	/**
	 * Helper for a server on the loopback interface.
	 * @param port the server's port
	 * @return the helper
	 */
	public static ConditionalRequests onLocalPort(int port) {
		return new ConditionalRequests(URI.create("http://127.0.0.1:" + port));
	}

	/**
	 * Helper for a server at a base URI.
	 * @param base for example {@code http://127.0.0.1:8080}
	 * @return the helper
	 */
	public static ConditionalRequests at(URI base) {
		return new ConditionalRequests(base);
	}

	/**
	 * Send a {@code GET}.
	 * @param path the path, with query
	 * @param headers alternating header names and values, for example {@code "If-None-Match", etag}
	 * @return the response
	 */
	public HttpResponse<String> get(String path, String... headers) {
		return send("GET", path, null, headers);
	}

	/**
	 * Send a request.
	 * @param method the HTTP method
	 * @param path the path, with query
	 * @param json a JSON body, or {@code null} for none
	 * @param headers alternating header names and values
	 * @return the response
	 */
	public HttpResponse<String> send(String method, String path, String json, String... headers) {
		if (headers.length % 2 != 0) {
			throw new IllegalArgumentException("headers must alternate names and values");
		}
		HttpRequest.Builder request = HttpRequest.newBuilder(this.base.resolve(path)).timeout(TIMEOUT);
		for (int i = 0; i < headers.length; i += 2) {
			request.header(headers[i], headers[i + 1]);
		}
		if (json != null) {
			request.header("Content-Type", "application/json");
		}
		request.method(method, (json != null) ? HttpRequest.BodyPublishers.ofString(json)
				: HttpRequest.BodyPublishers.noBody());
		try {
			return this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for " + method + " " + path, ex);
		}
	}

	/**
	 * Assert the full round trip: a {@code GET} answers {@code 200} with a weak {@code ETag}; the same {@code GET}
	 * with that tag in {@code If-None-Match} answers {@code 304} with no body and the same {@code ETag},
	 * {@code Cache-Control} and {@code Vary}.
	 * @param path the resource's path
	 * @return the entity tag
	 */
	public String assertRevalidates(String path) {
		HttpResponse<String> full = get(path);
		assertThat(full.statusCode()).as("GET %s", path).isEqualTo(200);
		String etag = assertETag(full);
		HttpResponse<String> notModified = get(path, "If-None-Match", etag);
		assertNotModified(notModified, etag);
		assertThat(header(notModified, "Cache-Control")).as("Cache-Control of the 304")
			.isEqualTo(header(full, "Cache-Control"));
		assertThat(notModified.headers().allValues("Vary")).as("Vary of the 304")
			.isEqualTo(full.headers().allValues("Vary"));
		return etag;
	}

	/**
	 * Assert that a change sent with a stale {@code If-Match} is answered {@code 412} with an RFC 9457 problem body.
	 * @param method the write's method, for example {@code PUT}
	 * @param path the resource's path
	 * @param json the body, or {@code null}
	 * @param staleETag the entity tag the client holds
	 * @return the {@code 412} response
	 */
	public HttpResponse<String> assertStaleIfMatchRejected(String method, String path, String json,
			String staleETag) {
		HttpResponse<String> response = send(method, path, json, "If-Match", staleETag);
		assertPreconditionFailed(response);
		return response;
	}

	/**
	 * Assert a {@code 200} (or other {@code 2xx}) response carrying a weak entity tag, and return the tag.
	 * @param response the response
	 * @return the {@code ETag} value
	 */
	public static String assertETag(HttpResponse<?> response) {
		assertThat(response.statusCode()).as("status").isBetween(200, 299);
		Optional<String> etag = response.headers().firstValue("ETag");
		assertThat(etag).as("ETag of %s", response.uri()).isPresent();
		assertThat(etag.get()).as("ETag").matches("W/\"[^\"]+\"");
		return etag.get();
	}

	/**
	 * Assert a {@code 304} with the given entity tag and no body.
	 * @param response the response
	 * @param etag the expected tag
	 */
	public static void assertNotModified(HttpResponse<String> response, String etag) {
		assertThat(response.statusCode()).as("status of %s", response.uri()).isEqualTo(304);
		assertThat(header(response, "ETag")).as("ETag of the 304").isEqualTo(etag);
		assertThat(response.body()).as("body of the 304").isEmpty();
	}

	/**
	 * Assert a full response: {@code 200} with a body, never {@code 304}.
	 * @param response the response
	 */
	public static void assertFullResponse(HttpResponse<String> response) {
		assertThat(response.statusCode()).as("status of %s", response.uri()).isEqualTo(200);
		assertThat(response.body()).as("body").isNotEmpty();
	}

	/**
	 * Assert a {@code 412} with an RFC 9457 problem body.
	 * @param response the response
	 */
	public static void assertPreconditionFailed(HttpResponse<String> response) {
		assertThat(response.statusCode()).as("status of %s", response.uri()).isEqualTo(412);
		assertThat(header(response, "Content-Type")).startsWith("application/problem+json");
		assertThat(response.body()).contains("\"status\":412").contains("\"title\":\"Precondition Failed\"");
	}

	/**
	 * Assert a response without an entity tag.
	 * @param response the response
	 */
	public static void assertNoETag(HttpResponse<?> response) {
		assertThat(response.headers().firstValue("ETag")).as("ETag of %s (status %d)", response.uri(),
				response.statusCode()).isEmpty();
	}

	private static String header(HttpResponse<?> response, String name) {
		return response.headers().firstValue(name).orElse(null);
	}

}
