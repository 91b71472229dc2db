package dev.resilience.httpclient;

import org.apache.hc.client5.http.cache.HttpCacheStorage;

/**
 * Storage of the shared HTTP cache: HttpClient's {@link HttpCacheStorage} plus what the actuator section reports. One
 * singleton bean shared by every client; declare your own bean of this type to replace the configured store.
 */
public interface HttpCacheStore extends HttpCacheStorage {

	/**
	 * Name of the store, for example {@code memory}.
	 * @return the store name
	 */
	String name();

	/**
	 * Number of stored entries, or {@code -1} when the store cannot tell cheaply.
	 * @return the entry count
	 */
	long entryCount();

	/**
	 * Bytes the stored entries occupy, or {@code -1} when the store cannot tell cheaply.
	 * @return the size in bytes
	 */
	long sizeInBytes();

}
