package dev.resilience.test.httpclient;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A response the {@link RecordingOrigin} sends, built fluently:
 * {@code OriginResponse.ok("{...}").header("Cache-Control", "max-age=60").etag("\"v1\"")}. Header values are written
 * as given, byte for byte, so tests can send malformed ones.
 */
public final class OriginResponse {

	private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter
		.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
		.withZone(ZoneOffset.UTC);

	private final int status;

	private final List<Map.Entry<String, String>> headers = new ArrayList<>();

	private BodyWriter body = (out) -> {
	};

	private long contentLength;

	private Duration delay = Duration.ZERO;

	private boolean close;

	private OriginResponse(int status) {
		this.status = status;
	}

	/**
	 * A response with a status and no body.
	 * @param status the status code
	 * @return the response
	 */
	public static OriginResponse status(int status) {
		return new OriginResponse(status);
	}

	/**
	 * A {@code 200} with a UTF-8 text body.
	 * @param body the body
	 * @return the response
	 */
	public static OriginResponse ok(String body) {
		return status(200).body(body);
	}

	/**
	 * Format an instant as an IMF-fixdate (RFC 9110 §5.6.7), for {@code Date}, {@code Expires} and
	 * {@code Last-Modified}.
	 * @param instant the instant
	 * @return the HTTP-date
	 */
	public static String httpDate(Instant instant) {
		return HTTP_DATE.format(instant);
	}

	/**
	 * A {@code 304 Not Modified}.
	 * @return the response
	 */
	public static OriginResponse notModified() {
		return status(304);
	}

	/**
	 * Add a header field, written verbatim.
	 * @param name the field name
	 * @param value the field value
	 * @return this response
	 */
	public OriginResponse header(String name, String value) {
		this.headers.add(Map.entry(name, value));
		return this;
	}

	/**
	 * Add {@code ETag}.
	 * @param etag the entity tag, quotes included
	 * @return this response
	 */
	public OriginResponse etag(String etag) {
		return header("ETag", etag);
	}

	/**
	 * Add {@code Cache-Control}.
	 * @param directives the directives
	 * @return this response
	 */
	public OriginResponse cacheControl(String directives) {
		return header("Cache-Control", directives);
	}

	/**
	 * Set a UTF-8 text body.
	 * @param body the body
	 * @return this response
	 */
	public OriginResponse body(String body) {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		this.body = (out) -> out.write(bytes);
		this.contentLength = bytes.length;
		return this;
	}

	/**
	 * Set a body that is generated while it is sent, never held whole in memory.
	 * @param length the body's length in bytes
	 * @param writer writes exactly {@code length} bytes
	 * @return this response
	 */
	public OriginResponse streamedBody(long length, BodyWriter writer) {
		this.body = writer;
		this.contentLength = length;
		return this;
	}

	/**
	 * Wait before answering.
	 * @param delay how long
	 * @return this response
	 */
	public OriginResponse delay(Duration delay) {
		this.delay = delay;
		return this;
	}

	/**
	 * Close the connection after this response ({@code Connection: close}).
	 * @return this response
	 */
	public OriginResponse closeConnection() {
		this.close = true;
		return header("Connection", "close");
	}

	int statusCode() {
		return this.status;
	}

	List<Map.Entry<String, String>> headers() {
		return this.headers;
	}

	BodyWriter bodyWriter() {
		return this.body;
	}

	long contentLength() {
		return this.contentLength;
	}

	Duration delay() {
		return this.delay;
	}

	boolean closesConnection() {
		return this.close;
	}

	/**
	 * Writes a response body.
	 */
	@FunctionalInterface
	public interface BodyWriter {

		/**
		 * Write the body.
		 * @param out the connection's output
		 * @throws IOException if the connection fails
		 */
		void write(OutputStream out) throws IOException;

	}

}
