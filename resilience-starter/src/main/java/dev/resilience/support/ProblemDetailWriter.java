package dev.resilience.support;

import java.io.IOException;
import java.lang.reflect.Array;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.ProblemDetail;

/**
 * Writes an RFC 9457 {@code application/problem+json} body straight to a servlet response, without a JSON library
 * and without going through Spring MVC's message converters (which may not have run yet, for example in a
 * {@code HandlerInterceptor}).
 */
public final class ProblemDetailWriter {

	/** Media type of an RFC 9457 problem document. */
	public static final String PROBLEM_JSON = "application/problem+json";

	private static final byte[] INSTANCE_MEMBER = ",\"instance\":\"".getBytes(StandardCharsets.UTF_8);

	private static final byte[] END = "\"}".getBytes(StandardCharsets.UTF_8);

	private ProblemDetailWriter() {
	}

	/**
	 * Reset the response's buffer and write a problem document about a request that is answered without being
	 * processed, its body (if any) unread. The request's path is the document's {@code instance}.
	 * <p>A request body that is never read can make the server close the connection after the response (Jetty does
	 * when the body has not fully arrived), and a client that reused it would fail. So when the request has a body,
	 * the response says {@code Connection: close}.
	 * @param request the request being answered
	 * @param response the response to write to; nothing is written if it is already committed
	 * @param status the HTTP status
	 * @param title short, human-readable summary of the problem type
	 * @param detail explanation specific to this occurrence
	 * @throws IOException if the body cannot be written
	 */
	public static void write(HttpServletRequest request, HttpServletResponse response, int status, String title,
			String detail) throws IOException {
		if (response.isCommitted()) {
			return;
		}
		response.resetBuffer();
		if (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null) {
			response.setHeader("Connection", "close");
		}
		String instance = request.getRequestURI();
		response.setStatus(status);
		response.setContentType(PROBLEM_JSON);
		byte[] body = toJson(status, title, detail, instance).getBytes(StandardCharsets.UTF_8);
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
		response.flushBuffer();
	}

	/**
	 * Render a Spring {@link ProblemDetail} once, for example at startup, so that answering a request with it costs
	 * little more than writing its bytes: see {@link #write(HttpServletRequest, HttpServletResponse, Prepared)}.
	 * Every member is rendered ({@code type}, {@code title}, {@code status}, {@code detail} and the
	 * {@linkplain ProblemDetail#getProperties() extra members}) except {@code instance}, which is each request's path.
	 * Extra members may be strings, numbers, booleans, {@code null}, maps, collections and arrays of these; any other
	 * value is rendered as its {@code toString()}.
	 * @param problem the problem
	 * @return the rendered document
	 */
	public static Prepared prepare(ProblemDetail problem) {
		StringBuilder json = new StringBuilder(256);
		URI type = problem.getType();
		json.append("{\"type\":");
		appendString(json, (type != null) ? type.toString() : "about:blank");
		if (problem.getTitle() != null) {
			json.append(",\"title\":");
			appendString(json, problem.getTitle());
		}
		json.append(",\"status\":").append(problem.getStatus());
		if (problem.getDetail() != null) {
			json.append(",\"detail\":");
			appendString(json, problem.getDetail());
		}
		Map<String, Object> properties = problem.getProperties();
		if (properties != null) {
			properties.forEach((name, value) -> {
				json.append(',');
				appendString(json, name);
				json.append(':');
				appendValue(json, value);
			});
		}
		return new Prepared(problem.getStatus(), json.toString().getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Reset the response's buffer and write a prepared problem document, with the request's path as its
	 * {@code instance}, about a request answered without being processed, as
	 * {@link #write(HttpServletRequest, HttpServletResponse, int, String, String)} does (including
	 * {@code Connection: close} when the request has a body). Apart from what the servlet container does, the only
	 * allocation is the path's bytes.
	 * @param request the request being answered
	 * @param response the response to write to; nothing is written if it is already committed
	 * @param problem the prepared document
	 * @throws IOException if the body cannot be written
	 */
	public static void write(HttpServletRequest request, HttpServletResponse response, Prepared problem)
			throws IOException {
		if (response.isCommitted()) {
			return;
		}
		response.resetBuffer();
		if (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null) {
			response.setHeader("Connection", "close");
		}
		String uri = request.getRequestURI();
		byte[] instance = (needsEscaping(uri) ? escaped(uri) : uri).getBytes(StandardCharsets.UTF_8);
		response.setStatus(problem.status());
		response.setContentType(PROBLEM_JSON);
		response.setContentLength(problem.head.length + INSTANCE_MEMBER.length + instance.length + END.length);
		ServletOutputStream out = response.getOutputStream();
		out.write(problem.head);
		out.write(INSTANCE_MEMBER);
		out.write(instance);
		out.write(END);
		response.flushBuffer();
	}

	/**
	 * Render a problem document with {@code type} {@code about:blank}.
	 * @param status the HTTP status
	 * @param title short, human-readable summary
	 * @param detail explanation specific to this occurrence
	 * @param instance the request path, or {@code null} to leave the member out
	 * @return the JSON document
	 */
	public static String toJson(int status, String title, String detail, String instance) {
		int length = 80 + title.length() + detail.length() + ((instance != null) ? instance.length() : 0);
		StringBuilder json = new StringBuilder(length);
		json.append("{\"type\":\"about:blank\",\"title\":");
		appendString(json, title);
		json.append(",\"status\":").append(status);
		json.append(",\"detail\":");
		appendString(json, detail);
		if (instance != null) {
			json.append(",\"instance\":");
			appendString(json, instance);
		}
		return json.append('}').toString();
	}

	private static boolean needsEscaping(String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c < 0x20 || c == '"' || c == '\\') {
				return true;
			}
		}
		return false;
	}

	private static String escaped(String value) {
		StringBuilder json = new StringBuilder(value.length() + 16);
		appendString(json, value);
		return json.substring(1, json.length() - 1);
	}

	private static void appendValue(StringBuilder json, Object value) {
		if (value == null) {
			json.append("null");
		}
		else if (value instanceof Boolean || value instanceof Integer || value instanceof Long
				|| value instanceof Short || value instanceof Byte) {
			json.append(value);
		}
		else if (value instanceof Number number && Double.isFinite(number.doubleValue())) {
			json.append(number);
		}
		else if (value instanceof Map<?, ?> map) {
			json.append('{');
			boolean first = true;
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				json.append(first ? "" : ",");
				appendString(json, String.valueOf(entry.getKey()));
				json.append(':');
				appendValue(json, entry.getValue());
				first = false;
			}
			json.append('}');
		}
		else if (value instanceof Iterable<?> iterable) {
			json.append('[');
			boolean first = true;
			for (Object element : iterable) {
				json.append(first ? "" : ",");
				appendValue(json, element);
				first = false;
			}
			json.append(']');
		}
		else if (value.getClass().isArray()) {
			json.append('[');
			for (int i = 0; i < Array.getLength(value); i++) {
				json.append((i > 0) ? "," : "");
				appendValue(json, Array.get(value, i));
			}
			json.append(']');
		}
		else {
			appendString(json, value.toString());
		}
	}

	/**
	 * A problem document rendered by {@link #prepare(ProblemDetail)}.
	 */
	public static final class Prepared {

		private final int status;

		private final byte[] head;

		private Prepared(int status, byte[] head) {
			this.status = status;
			this.head = head;
		}

		/**
		 * HTTP status of the problem.
		 * @return the status
		 */
		public int status() {
			return this.status;
		}

		/**
		 * The document as a request for a path would receive it.
		 * @param instance the request's path
		 * @return the JSON document
		 */
		public String toJson(String instance) {
			StringBuilder json = new StringBuilder(new String(this.head, StandardCharsets.UTF_8));
			json.append(",\"instance\":");
			appendString(json, instance);
			return json.append('}').toString();
		}

	}

	private static void appendString(StringBuilder json, String value) {
		json.append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				case '\n' -> json.append("\\n");
				case '\r' -> json.append("\\r");
				case '\t' -> json.append("\\t");
				default -> {
					if (c < 0x20) {
						json.append(String.format("\\u%04x", (int) c));
					}
					else {
						json.append(c);
					}
				}
			}
		}
		json.append('"');
	}

}
