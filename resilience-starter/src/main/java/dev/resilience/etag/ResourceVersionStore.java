package dev.resilience.etag;

import org.jspecify.annotations.Nullable;

/**
 * Where {@link ResourceVersions} keeps the versions of resources that have no {@link ResourceVersionResolver}.
 * Implementations must be thread-safe and must never hand out a version value twice for the same resource instance,
 * also across restarts and instances, so that a client's old entity tag can never match a newer version.
 *
 * @see InMemoryResourceVersionStore
 */
public interface ResourceVersionStore {

	/**
	 * Current version of a resource instance.
	 * @param resource the resource name
	 * @param key the instance's key
	 * @return the version, or {@code null} if none is recorded
	 */
	@Nullable ResourceVersion current(String resource, String key);

	/**
	 * Current version of a resource instance, recording a fresh one if none is recorded.
	 * @param resource the resource name
	 * @param key the instance's key
	 * @return the version
	 */
	ResourceVersion currentOrRecord(String resource, String key);

	/**
	 * Record a change: replace the version by a fresh one.
	 * @param resource the resource name
	 * @param key the instance's key
	 * @return the new version
	 */
	ResourceVersion touch(String resource, String key);

	/**
	 * Whether versions recorded here are seen by every instance of the application. An in-memory store is not: a
	 * change through instance A leaves instance B's version, and B keeps answering {@code 304} for the old content.
	 * @return whether the store is shared between instances
	 */
	boolean isShared();

}
