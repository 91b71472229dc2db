package dev.resilience.httpclient;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.hc.client5.http.cache.CacheResponseStatus;
import org.apache.hc.client5.http.cache.HttpCacheContext;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.client5.http.impl.cache.CacheKeyGenerator;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.net.URIAuthority;
import org.apache.hc.core5.util.Timeout;

/**
 * Collapses concurrent requests that the cache sends to the origin for the same cache key into one origin exchange.
 * Two handlers around HttpClient's cache:
 * <ul>
 * <li>{@link #below()} sees only what the cache sends to the origin (a miss or a revalidation). The first request for
 * a key leads and goes on; a concurrent one follows: it waits, at most its own response timeout, until the leader's
 * exchange is over. If the leader failed, the follower fails with the same error (and the cache treats it as its own
 * origin error: a stale copy where one is allowed). Otherwise the follower abandons its pass through the cache;</li>
 * <li>{@link #above()} then runs the follower through the cache once more, where it finds what the leader stored. What
 * the leader's exchange did not store (an uncacheable or error response, another {@code Vary} variant) the follower
 * fetches itself, without collapsing again.</li>
 * </ul>
 * Only {@code GET} requests without {@code no-cache} or {@code no-store} are collapsed: every other request goes its
 * own way. Every rule of the cache (freshness, {@code Vary}, {@code Authorization}) still decides what a follower is
 * served. A cache hit never reaches {@link #below()}: it costs one thread-local read and no allocation. Background
 * revalidations (stale-while-revalidate) run on another thread outside {@link #above()} and are never collapsed.
 */
final class RequestCollapser {

	static final String ABOVE = "resilience-collapse";

	static final String BELOW = "resilience-collapse-origin";

	private static final ThreadLocal<State> state = ThreadLocal.withInitial(State::new);

	// one entry per leader thread inside above(), removed in its finally: bounded by concurrent requests, not by URLs
	private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();

	private final CacheOutcomeCounts counts;

	RequestCollapser(CacheOutcomeCounts counts) {
		this.counts = counts;
	}

	/**
	 * Exchanges being led now, each with the callers that wait for it.
	 * @return the number of flights in progress
	 */
	int flightsInProgress() {
		return this.flights.size();
	}

	ExecChainHandler above() {
		return this::executeAbove;
	}

	ExecChainHandler below() {
		return this::executeBelow;
	}

	private ClassicHttpResponse executeAbove(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
			throws IOException, HttpException {
		State current = state.get();
		if (current.active) {
			return chain.proceed(request, scope);
		}
		current.active = true;
		try {
			ClassicHttpResponse response = null;
			try {
				response = chain.proceed(request, scope);
			}
			catch (FollowedSignal signal) {
				// the leader's exchange is over: read what it stored
			}
			finally {
				land(current);
			}
			if (!current.followed) {
				return response;
			}
			current.followed = false;
			if (response != null) {
				response.close();
			}
			current.secondPass = true;
			scope.clientContext.removeAttribute(OriginErrorRecorder.ATTRIBUTE);
			ClassicHttpResponse second = chain.proceed(request, scope);
			if (HttpCacheContext.cast(scope.clientContext).getCacheResponseStatus() == CacheResponseStatus.CACHE_HIT) {
				this.counts.recordCollapsed();
			}
			return second;
		}
		finally {
			current.active = false;
			current.secondPass = false;
			current.followed = false;
		}
	}

	private void land(State current) {
		Flight flight = current.leading;
		if (flight != null) {
			current.leading = null;
			this.flights.remove(flight.key, flight);
			flight.done.countDown();
		}
	}

	private ClassicHttpResponse executeBelow(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
			throws IOException, HttpException {
		State current = state.get();
		if (!current.active || current.secondPass || current.leading != null || !collapsible(request)) {
			return chain.proceed(request, scope);
		}
		String key = CacheKeyGenerator.INSTANCE.generateKey(target(request, scope), request);
		Flight mine = new Flight(key);
		Flight leader = this.flights.putIfAbsent(key, mine);
		if (leader == null) {
			current.leading = mine;
			try {
				return chain.proceed(request, scope);
			}
			catch (IOException ex) {
				mine.error = ex;
				throw ex;
			}
		}
		await(leader, HttpClientContext.cast(scope.clientContext).getRequestConfigOrDefault().getResponseTimeout());
		IOException error = leader.error;
		if (error != null) {
			throw copy(error);
		}
		current.followed = true;
		throw new FollowedSignal();
	}

	private static void await(Flight leader, Timeout timeout) throws InterruptedIOException {
		try {
			if (timeout == null || timeout.isDisabled()) {
				leader.done.await();
			}
			else if (!leader.done.await(timeout.toMilliseconds(), TimeUnit.MILLISECONDS)) {
				throw new SocketTimeoutException(
						"Read timed out after " + timeout + " waiting for a concurrent request to the same URL");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new InterruptedIOException("Interrupted waiting for a concurrent request to the same URL");
		}
	}

	private static HttpHost target(ClassicHttpRequest request, ExecChain.Scope scope) {
		URIAuthority authority = request.getAuthority();
		return (authority != null) ? new HttpHost(request.getScheme(), authority) : scope.route.getTargetHost();
	}

	static boolean collapsible(ClassicHttpRequest request) {
		if (!"GET".equals(request.getMethod()) || request.getEntity() != null) {
			return false;
		}
		for (Header header : request.getHeaders(HttpHeaders.CACHE_CONTROL)) {
			String value = header.getValue().toLowerCase(Locale.ROOT);
			if (value.contains("no-cache") || value.contains("no-store")) {
				return false;
			}
		}
		for (Header header : request.getHeaders(HttpHeaders.PRAGMA)) {
			if (header.getValue().toLowerCase(Locale.ROOT).contains("no-cache")) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The leader's error for one follower: the same type where it matters to the caller or the cache (a refused
	 * connection, a timeout, a reset), with the leader's error as the cause.
	 */
	private static IOException copy(IOException error) {
		String message = error.getMessage();
		IOException copy;
		if (error instanceof ConnectException) {
			copy = new ConnectException(message);
		}
		else if (error instanceof SocketTimeoutException) {
			copy = new SocketTimeoutException(message);
		}
		else if (error instanceof NoHttpResponseException) {
			copy = new NoHttpResponseException(message);
		}
		else if (error instanceof SocketException) {
			copy = new SocketException(message);
		}
		else {
			return new IOException(message, error);
		}
		copy.initCause(error);
		return copy;
	}

	private static final class Flight {

		final String key;

		final CountDownLatch done = new CountDownLatch(1);

		volatile IOException error;

		Flight(String key) {
			this.key = key;
		}

	}

	private static final class State {

		boolean active;

		boolean secondPass;

		boolean followed;

		Flight leading;

	}

	/**
	 * Ends a follower's first pass through the cache; never leaves {@link #above()}.
	 */
	private static final class FollowedSignal extends IOException {

		FollowedSignal() {
			super("collapsed onto a concurrent request");
		}

		@Override
		public synchronized Throwable fillInStackTrace() {
			return this;
		}

	}

}
