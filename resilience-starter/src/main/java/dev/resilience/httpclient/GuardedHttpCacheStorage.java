package dev.resilience.httpclient;

import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.resilience.support.RateLimitedLog;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.hc.client5.http.cache.HttpCacheCASOperation;
import org.apache.hc.client5.http.cache.HttpCacheEntry;
import org.apache.hc.client5.http.cache.HttpCacheStorage;
import org.apache.hc.client5.http.cache.ResourceIOException;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHeaders;

/**
 * Sits between HttpClient's cache and the configured store, and enforces what the library does not:
 * <ul>
 * <li>a response that carries {@code Set-Cookie} is never stored, also when a {@code 304} adds one to a stored entry:
 * the merged entry is refused inside the store's compare-and-set, so no reader ever sees it, and the entry it would
 * have replaced is removed. RFC 9111 does not require this: §7.3 notes that {@code Set-Cookie} does not inhibit
 * caching and leaves it to the origin to send {@code Cache-Control} ({@code private}, {@code no-store}); a cache
 * shared by every user of an application refuses such responses, because one origin that forgets to hands one user's
 * session cookie to the next;</li>
 * <li>a response to a request that carries an identity header ({@code Cookie} or one the application names; HttpClient
 * itself handles {@code Authorization}) is stored only when the origin lets a shared cache reuse it for other users
 * ({@code public}, {@code s-maxage}, {@code must-revalidate}, the rule RFC 9111 §3.5 gives for
 * {@code Authorization});</li>
 * <li>no store failure reaches the caller: any exception (disk full, serialisation error, an Ehcache runtime
 * exception that HttpClient would let through) is logged, the entry is treated as absent, and the current request is
 * flagged so that it counts as {@link CacheOutcome#FAILURE} while it goes to the origin.</li>
 * </ul>
 */
final class GuardedHttpCacheStorage implements HttpCacheStorage {

	private static final Log logger = LogFactory.getLog(GuardedHttpCacheStorage.class);

	private static final ThreadLocal<RequestFlags> flags = ThreadLocal.withInitial(RequestFlags::new);

	// a failing store fails every request: one line per 10 s, not one per request, during the incident
	private final RateLimitedLog failureLog = new RateLimitedLog(logger, Duration.ofSeconds(10));

	private final HttpCacheStorage delegate;

	private final HttpCacheStore store;

	private final Set<String> identityHeaders;

	GuardedHttpCacheStorage(HttpCacheStorage delegate) {
		this(delegate, Set.of());
	}

	/**
	 * Create a guard.
	 * @param delegate the store
	 * @param identityHeaders request headers that identify the end user, any case; empty for a private cache
	 */
	GuardedHttpCacheStorage(HttpCacheStorage delegate, Collection<String> identityHeaders) {
		this.delegate = delegate;
		this.store = (delegate instanceof HttpCacheStore cacheStore) ? cacheStore : null;
		this.identityHeaders = identityHeaders.stream()
			.map((name) -> name.trim().toLowerCase(Locale.ROOT))
			.collect(Collectors.toUnmodifiableSet());
	}

	/**
	 * Clear the current thread's failure flag and tier; called when a request enters the cache.
	 */
	static void resetFailure() {
		RequestFlags current = flags.get();
		current.failed = false;
		current.tier = 0;
	}

	/**
	 * Whether a store operation failed on the current thread since {@link #resetFailure()}.
	 * @return whether the store failed
	 */
	static boolean failedSinceReset() {
		return flags.get().failed;
	}

	/**
	 * Index (in {@link HttpCacheStore#tiers()}) of the tier that answered the current thread's last read that found
	 * an entry since {@link #resetFailure()}, {@code 0} when none did.
	 * @return the tier index
	 */
	static int tierReadSinceReset() {
		return flags.get().tier;
	}

	@Override
	public void putEntry(String key, HttpCacheEntry entry) {
		try {
			if (refused(entry)) {
				this.delegate.removeEntry(key);
				return;
			}
			this.delegate.putEntry(key, entry);
		}
		catch (Exception ex) {
			failure("store", key, ex);
		}
	}

	@Override
	public HttpCacheEntry getEntry(String key) {
		try {
			HttpCacheEntry entry = this.delegate.getEntry(key);
			if (entry != null && this.store != null) {
				flags.get().tier = this.store.lastReadTier();
			}
			return entry;
		}
		catch (Exception ex) {
			failure("read", key, ex);
			return null;
		}
	}

	@Override
	public void removeEntry(String key) {
		try {
			this.delegate.removeEntry(key);
		}
		catch (Exception ex) {
			failure("remove", key, ex);
		}
	}

	@Override
	public void updateEntry(String key, HttpCacheCASOperation casOperation) {
		try {
			this.delegate.updateEntry(key, (existing) -> {
				HttpCacheEntry updated = casOperation.execute(existing);
				if (updated != null && refused(updated)) {
					// thrown inside the compare-and-set: the store keeps what it had, never the merged entry
					throw new RefusedEntryException(key);
				}
				return updated;
			});
		}
		catch (RefusedEntryException ex) {
			removeEntry(key);
		}
		catch (Exception ex) {
			failure("update", key, ex);
		}
	}

	@Override
	public Map<String, HttpCacheEntry> getEntries(Collection<String> keys) {
		try {
			return this.delegate.getEntries(keys);
		}
		catch (Exception ex) {
			failure("read", String.join(", ", keys), ex);
			return Map.of();
		}
	}

	private boolean refused(HttpCacheEntry entry) {
		return entry.containsHeader(HttpHeaders.SET_COOKIE) || (userSpecific(entry) && !sharedByOrigin(entry));
	}

	private boolean userSpecific(HttpCacheEntry entry) {
		if (this.identityHeaders.isEmpty()) {
			return false;
		}
		for (Iterator<Header> headers = entry.requestHeaderIterator(); headers.hasNext();) {
			if (this.identityHeaders.contains(headers.next().getName().toLowerCase(Locale.ROOT))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether the response lets a shared cache reuse it for other users, as RFC 9111 §3.5 lets a response to a
	 * request with {@code Authorization}: {@code public}, {@code s-maxage} or {@code must-revalidate}.
	 */
	private static boolean sharedByOrigin(HttpCacheEntry entry) {
		for (Header header : entry.getHeaders(HttpHeaders.CACHE_CONTROL)) {
			for (String directive : header.getValue().split(",")) {
				String name = directive.trim().toLowerCase(Locale.ROOT);
				if (name.equals("public") || name.equals("must-revalidate") || name.startsWith("s-maxage")) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * What the current thread's request met in the store: a failure, and the tier its entry came from.
	 */
	private static final class RequestFlags {

		private boolean failed;

		private int tier;

	}

	/**
	 * Aborts a store's compare-and-set; a {@link ResourceIOException} because that is what the operation may throw.
	 */
	private static final class RefusedEntryException extends ResourceIOException {

		RefusedEntryException(String key) {
			super("Refused to store an entry with Set-Cookie: " + key);
		}

	}

	private void failure(String operation, String key, Exception ex) {
		flags.get().failed = true;
		failureLog.warn(() -> "HTTP cache store failed to " + operation + " " + key
				+ "; the request goes to the origin: " + ex);
	}

}
