package dev.resilience.httpclient;

import java.io.IOException;
import java.util.Locale;

import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.Method;

/**
 * RFC 9111 §5.2.2.3: a cache that understands a response's status code ignores {@code no-store} when the response
 * also carries {@code must-understand} (origins send both so that only caches that know the status code store it).
 * httpclient5-cache 5.6.3 refuses such a response when it does not understand the status code, but then obeys
 * {@code no-store} anyway, so it never stores one.
 * <p>
 * {@link #below()} runs between the cache and the origin: for a {@code GET} or {@code HEAD} response with
 * {@code must-understand} and a status code the library implements, it hides {@code no-store} from the cache behind
 * a private token. {@link #above()} runs above the cache and puts {@code no-store} back into every response the
 * caller gets, from the origin or the store, so the application (and anything it forwards the response to) sees the
 * origin's header. Status codes follow the library's own list of those it understands.
 */
final class MustUnderstand {

	static final String BELOW = "resilience-must-understand-below";

	static final String ABOVE = "resilience-must-understand-above";

	static final String HIDDEN_NO_STORE = "resilience-understood-no-store";

	private static final String NO_STORE = "no-store";

	private final ExecChainHandler below = MustUnderstand::hide;

	private final ExecChainHandler above = MustUnderstand::restore;

	ExecChainHandler below() {
		return this.below;
	}

	ExecChainHandler above() {
		return this.above;
	}

	private static ClassicHttpResponse hide(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
			throws IOException, HttpException {
		ClassicHttpResponse response = chain.proceed(request, scope);
		if (!response.containsHeader(HttpHeaders.CACHE_CONTROL) || !understood(response.getCode())
				|| !(Method.GET.isSame(request.getMethod()) || Method.HEAD.isSame(request.getMethod()))) {
			return response;
		}
		StringBuilder joined = new StringBuilder();
		for (Header header : response.getHeaders(HttpHeaders.CACHE_CONTROL)) {
			if (!joined.isEmpty()) {
				joined.append(", ");
			}
			joined.append(header.getValue());
		}
		String value = joined.toString();
		String lower = value.toLowerCase(Locale.ROOT);
		if (!lower.contains("must-understand") || !lower.contains(NO_STORE)) {
			return response;
		}
		StringBuilder rewritten = new StringBuilder(value.length() + 16);
		boolean hid = false;
		for (String directive : value.split(",")) {
			String trimmed = directive.trim();
			if (trimmed.isEmpty()) {
				continue;
			}
			if (!rewritten.isEmpty()) {
				rewritten.append(", ");
			}
			if (trimmed.equalsIgnoreCase(NO_STORE)) {
				rewritten.append(HIDDEN_NO_STORE);
				hid = true;
			}
			else {
				rewritten.append(trimmed);
			}
		}
		if (hid) {
			response.removeHeaders(HttpHeaders.CACHE_CONTROL);
			response.addHeader(HttpHeaders.CACHE_CONTROL, rewritten.toString());
		}
		return response;
	}

	private static ClassicHttpResponse restore(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
			throws IOException, HttpException {
		ClassicHttpResponse response = chain.proceed(request, scope);
		// below() leaves a single Cache-Control field when it hides no-store
		Header cacheControl = response.getFirstHeader(HttpHeaders.CACHE_CONTROL);
		if (cacheControl != null && cacheControl.getValue().contains(HIDDEN_NO_STORE)) {
			response.setHeader(HttpHeaders.CACHE_CONTROL, cacheControl.getValue().replace(HIDDEN_NO_STORE, NO_STORE));
		}
		return response;
	}

	/** The status codes httpclient5-cache 5.6.3 understands ({@code ResponseCachingPolicy}). */
	static boolean understood(int status) {
		return status >= 200 && status <= 206 || status >= 300 && status <= 399 || status >= 400 && status <= 417
				|| status == 421 || status >= 500 && status <= 505;
	}

}
