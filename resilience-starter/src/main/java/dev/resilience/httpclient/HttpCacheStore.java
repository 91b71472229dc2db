package dev.resilience.httpclient;

import java.util.List;

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

	/**
	 * Names of the store's tiers, first tier first: the {@code tier} tag of
	 * {@code resilience.http.client.cache.tier.hits}. A store of one tier has one, its {@link #name()}.
	 * @return the tier names
	 */
	default List<String> tiers() {
		return List.of(name());
	}

	/**
	 * Index in {@link #tiers()} of the tier that answered the current thread's last {@link #getEntry} that found an
	 * entry. Read right after that call; must not allocate.
	 * @return the tier index
	 */
	default int lastReadTier() {
		return 0;
	}

}
