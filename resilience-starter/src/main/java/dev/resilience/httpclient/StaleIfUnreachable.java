package dev.resilience.httpclient;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.cache.HttpCacheEntry;
import org.apache.hc.client5.http.cache.HttpCacheStorage;
import org.apache.hc.client5.http.cache.Resource;
import org.apache.hc.client5.http.cache.ResourceIOException;
import org.apache.hc.client5.http.impl.cache.CacheKeyGenerator;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpResponse;

/**
 * Serves a stored response that has gone stale when revalidating it failed because the origin could not be reached
 * (RFC 9111 §4.2.4 allows a disconnected cache to): the connection was refused, reset or timed out, the route or
 * host is unknown, or the origin closed the connection without answering. Only within a bound on staleness, and never
 * when the stored response forbids it ({@code no-cache}, {@code must-revalidate}, and in a shared cache
 * {@code proxy-revalidate} and {@code s-maxage}). A {@code 5xx} answer is an answer, not a disconnection: it is left
 * to {@code stale-if-error}.
 */
final class StaleIfUnreachable {

	private static final long MAX_AGE = 2147483648L;

	private final HttpCacheStorage storage;

	private final long boundSeconds;

	private final boolean shared;

	/**
	 * Create the policy.
	 * @param storage where stored responses are read (the guarded storage of the cache)
	 * @param bound how long past its freshness lifetime a stored response may be served
	 * @param shared whether the cache is a shared cache
	 */
	StaleIfUnreachable(HttpCacheStorage storage, Duration bound, boolean shared) {
		this.storage = storage;
		this.boundSeconds = bound.toSeconds();
		this.shared = shared;
	}

	/**
	 * The stale response to serve instead of an origin error, if any.
	 * @param target the origin
	 * @param request the request
	 * @param error the error revalidating ended with
	 * @return the stale response, or {@code null} to let the error through
	 */
	ClassicHttpResponse staleResponse(HttpHost target, HttpRequest request, IOException error) {
		if (!unreachable(error) || forbidsStale(request.getHeaders(HttpHeaders.CACHE_CONTROL), false)) {
			return null;
		}
		HttpCacheEntry entry = lookup(target, request);
		if (entry == null || forbidsStale(entry.getHeaders(HttpHeaders.CACHE_CONTROL), this.shared)) {
			return null;
		}
		Instant now = Instant.now();
		long age = currentAge(entry, now);
		if (age - freshnessLifetime(entry) > this.boundSeconds) {
			return null;
		}
		try {
			return response(request, entry, age);
		}
		catch (ResourceIOException ex) {
			return null;
		}
	}

	static boolean unreachable(Throwable error) {
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			if (cause instanceof ConnectException || cause instanceof NoRouteToHostException
					|| cause instanceof UnknownHostException || cause instanceof SocketTimeoutException
					|| cause instanceof ConnectTimeoutException || cause instanceof NoHttpResponseException
					|| cause instanceof SocketException) {
				return true;
			}
		}
		return false;
	}

	private HttpCacheEntry lookup(HttpHost target, HttpRequest request) {
		try {
			String rootKey = CacheKeyGenerator.INSTANCE.generateKey(target, request);
			HttpCacheEntry root = this.storage.getEntry(rootKey);
			if (root == null || !root.hasVariants()) {
				return root;
			}
			String variantKey = CacheKeyGenerator.INSTANCE.generateVariantKey(request, root);
			return root.getVariants().contains(variantKey) ? this.storage.getEntry(variantKey + rootKey) : null;
		}
		catch (ResourceIOException ex) {
			return null;
		}
	}

	private static boolean forbidsStale(Header[] cacheControl, boolean shared) {
		for (Header header : cacheControl) {
			for (String directive : header.getValue().split(",")) {
				String name = directive.trim().toLowerCase(Locale.ROOT);
				int equals = name.indexOf('=');
				if (equals >= 0) {
					name = name.substring(0, equals).trim();
				}
				if (name.equals("no-cache") || name.equals("must-revalidate") || name.equals("no-store")
						|| (shared && (name.equals("proxy-revalidate") || name.equals("s-maxage")))) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Freshness lifetime (RFC 9111 §4.2.1) from {@code max-age}, else {@code Expires} minus {@code Date}, else 0:
	 * without heuristics, so that the staleness served is never underestimated.
	 */
	private static long freshnessLifetime(HttpCacheEntry entry) {
		for (Header header : entry.getHeaders(HttpHeaders.CACHE_CONTROL)) {
			for (String directive : header.getValue().split(",")) {
				String trimmed = directive.trim().toLowerCase(Locale.ROOT);
				if (trimmed.startsWith("max-age=")) {
					return parseSeconds(trimmed.substring("max-age=".length()), 0);
				}
			}
		}
		Instant expires = entry.getExpires();
		Instant date = entry.getInstant();
		if (expires != null && date != null) {
			return Math.max(0, Duration.between(date, expires).toSeconds());
		}
		return 0;
	}

	/**
	 * Current age (RFC 9111 §4.2.3).
	 */
	private static long currentAge(HttpCacheEntry entry, Instant now) {
		Instant responseTime = entry.getResponseInstant();
		Instant date = (entry.getInstant() != null) ? entry.getInstant() : responseTime;
		long apparentAge = Math.max(0, Duration.between(date, responseTime).toSeconds());
		long responseDelay = Math.max(0, Duration.between(entry.getRequestInstant(), responseTime).toSeconds());
		Header ageHeader = entry.getFirstHeader(HttpHeaders.AGE);
		long ageValue = (ageHeader != null) ? parseSeconds(ageHeader.getValue().trim(), 0) : 0;
		long correctedInitialAge = Math.max(apparentAge, ageValue + responseDelay);
		long residentTime = Math.max(0, Duration.between(responseTime, now).toSeconds());
		return Math.min(MAX_AGE, correctedInitialAge + residentTime);
	}

	private static long parseSeconds(String value, long fallback) {
		String digits = value.startsWith("\"") && value.endsWith("\"") && value.length() > 1
				? value.substring(1, value.length() - 1) : value;
		if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
			return fallback;
		}
		return (digits.length() > 10) ? MAX_AGE : Math.min(MAX_AGE, Long.parseLong(digits));
	}

	private static ClassicHttpResponse response(HttpRequest request, HttpCacheEntry entry, long age)
			throws ResourceIOException {
		BasicClassicHttpResponse response = new BasicClassicHttpResponse(entry.getStatus());
		response.setHeaders(entry.getHeaders());
		response.setHeader(HttpHeaders.AGE, Long.toString(age));
		Resource resource = entry.getResource();
		if (resource != null && !"HEAD".equals(request.getMethod())) {
			byte[] body = resource.get();
			Header contentType = entry.getFirstHeader(HttpHeaders.CONTENT_TYPE);
			Header contentEncoding = entry.getFirstHeader(HttpHeaders.CONTENT_ENCODING);
			response.setHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length));
			response.setEntity(new ByteArrayEntity(body,
					(contentType != null) ? ContentType.parseLenient(contentType.getValue()) : null,
					(contentEncoding != null) ? contentEncoding.getValue() : null, false));
		}
		return response;
	}

}
