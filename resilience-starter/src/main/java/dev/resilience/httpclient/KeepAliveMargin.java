package dev.resilience.httpclient;

import java.util.Iterator;

import org.apache.hc.client5.http.ConnectionKeepAliveStrategy;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.HeaderElement;
import org.apache.hc.core5.http.HeaderElements;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.message.MessageSupport;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;

/**
 * Keeps a pooled connection idle for a little less than the {@code Keep-Alive: timeout=N} its origin announced
 * (HttpClient's default strategy uses N exactly). An origin closes an idle connection when its N seconds are over; a
 * request sent on it just before then meets the close on its way and fails with {@code NoHttpResponseException}
 * (Node.js servers, 5 s by default, are the usual case). The pool gives such a connection up
 * {@value #MARGIN_MILLIS} ms early (at most half of N), so requests go out on fresh connections instead. Without
 * the field the request configuration's keep-alive applies, as in HttpClient.
 */
final class KeepAliveMargin implements ConnectionKeepAliveStrategy {

	static final long MARGIN_MILLIS = 1000;

	@Override
	public TimeValue getKeepAliveDuration(HttpResponse response, HttpContext context) {
		if (response.containsHeader(HeaderElements.KEEP_ALIVE)) {
			Iterator<HeaderElement> elements = MessageSupport.iterate(response, HeaderElements.KEEP_ALIVE);
			while (elements.hasNext()) {
				HeaderElement element = elements.next();
				if (element.getValue() != null && element.getName().equalsIgnoreCase("timeout")) {
					try {
						return shortened(Long.parseLong(element.getValue().trim()));
					}
					catch (NumberFormatException ex) {
						// HttpClient ignores a malformed timeout too
					}
				}
			}
		}
		return HttpClientContext.cast(context).getRequestConfigOrDefault().getConnectionKeepAlive();
	}

	static TimeValue shortened(long seconds) {
		if (seconds <= 0) {
			return TimeValue.ofSeconds(seconds);
		}
		long millis = (seconds > Long.MAX_VALUE / 1000) ? Long.MAX_VALUE : seconds * 1000;
		return TimeValue.ofMilliseconds(Math.max(millis - MARGIN_MILLIS, millis / 2));
	}

}
