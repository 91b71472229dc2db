package dev.resilience.test.httpclient;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request as the {@link RecordingOrigin} received it.
 *
 * @param method the request method
 * @param target the request target (path and query)
 * @param headers header fields by lower-case name, in arrival order
 * @param body the request body, empty when there is none
 * @param connection sequence number of the TCP connection it arrived on (1 for the first accepted connection)
 */
public record RecordedRequest(String method, String target, Map<String, List<String>> headers, byte[] body,
		int connection) {

	/**
	 * First value of a header field.
	 * @param name the field name, any case
	 * @return the value, or {@code null} when absent
	 */
	public String header(String name) {
		List<String> values = this.headers.get(name.toLowerCase(Locale.ROOT));
		return (values != null && !values.isEmpty()) ? values.get(0) : null;
	}

	/**
	 * Path of the target, without the query.
	 * @return the path
	 */
	public String path() {
		int query = this.target.indexOf('?');
		return (query >= 0) ? this.target.substring(0, query) : this.target;
	}

	/**
	 * Body as UTF-8 text.
	 * @return the body
	 */
	public String bodyAsString() {
		return new String(this.body, StandardCharsets.UTF_8);
	}

}
