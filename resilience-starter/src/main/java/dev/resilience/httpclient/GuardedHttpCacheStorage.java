package dev.resilience.httpclient;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;

import dev.resilience.support.RateLimitedLog;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.hc.client5.http.cache.HttpCacheCASOperation;
import org.apache.hc.client5.http.cache.HttpCacheEntry;
import org.apache.hc.client5.http.cache.HttpCacheStorage;
import org.apache.hc.core5.http.HttpHeaders;

/**
 * Sits between HttpClient's cache and the configured store, and enforces what the library does not:
 * <ul>
 * <li>a response that carries {@code Set-Cookie} is never stored (RFC 9111 §7.3: a shared cache must not hand one
 * user's cookie to another), also when a {@code 304} adds one to a stored entry;</li>
 * <li>no store failure reaches the caller: any exception (disk full, serialisation error, an Ehcache runtime
 * exception that HttpClient would let through) is logged, the entry is treated as absent, and the current request is
 * flagged so that it counts as {@link CacheOutcome#FAILURE} while it goes to the origin.</li>
 * </ul>
 */
final class GuardedHttpCacheStorage implements HttpCacheStorage {

	private static final Log logger = LogFactory.getLog(GuardedHttpCacheStorage.class);

	private static final ThreadLocal<boolean[]> failed = ThreadLocal.withInitial(() -> new boolean[1]);

	// a failing store fails every request: one line per 10 s, not one per request, during the incident
	private final RateLimitedLog failureLog = new RateLimitedLog(logger, Duration.ofSeconds(10));

	private final HttpCacheStorage delegate;

	GuardedHttpCacheStorage(HttpCacheStorage delegate) {
		this.delegate = delegate;
	}

	/**
	 * Clear the current thread's failure flag; called when a request enters the cache.
	 */
	static void resetFailure() {
		failed.get()[0] = false;
	}

	/**
	 * Whether a store operation failed on the current thread since {@link #resetFailure()}.
	 * @return whether the store failed
	 */
	static boolean failedSinceReset() {
		return failed.get()[0];
	}

	@Override
	public void putEntry(String key, HttpCacheEntry entry) {
		try {
			if (entry.containsHeader(HttpHeaders.SET_COOKIE)) {
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
			return this.delegate.getEntry(key);
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
			boolean[] carriesCookie = new boolean[1];
			this.delegate.updateEntry(key, (existing) -> {
				HttpCacheEntry updated = casOperation.execute(existing);
				carriesCookie[0] = updated != null && updated.containsHeader(HttpHeaders.SET_COOKIE);
				return updated;
			});
			if (carriesCookie[0]) {
				this.delegate.removeEntry(key);
			}
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

	private void failure(String operation, String key, Exception ex) {
		failed.get()[0] = true;
		failureLog.warn(() -> "HTTP cache store failed to " + operation + " " + key
				+ "; the request goes to the origin: " + ex);
	}

}
