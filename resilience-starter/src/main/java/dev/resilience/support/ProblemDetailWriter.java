package dev.resilience.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Writes an RFC 9457 {@code application/problem+json} body straight to a servlet response, without a JSON library
 * and without going through Spring MVC's message converters (which may not have run yet, for example in a
 * {@code HandlerInterceptor}).
 */
public final class ProblemDetailWriter {

	/** Media type of an RFC 9457 problem document. */
	public static final String PROBLEM_JSON = "application/problem+json";

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
