package dev.resilience.etag;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Where {@link ResourceVersions} keeps the {@link ResourceState state} of resources that have no
 * {@link ResourceVersionResolver}: version, existence and the reservation of a conditional write in progress.
 *
 * <p>Implementations must be thread-safe and every operation must be atomic on one instance's state (a
 * {@code compute} on a map, one script on a remote store). They must never hand out a version value twice for the
 * same resource instance, also across restarts and instances, so that a client's old entity tag can never match a
 * newer version. A store that has lost a state (evicted, expired, restarted) must answer as if it had never seen the
 * instance: a fresh version of unknown existence, which costs one full response and is never a false {@code 304}.
 *
 * <p>A conditional write goes {@link #reserveCurrent} (the state its precondition is evaluated against, reserved in
 * the same atomic step if no other write holds it, so that of concurrent writes holding the same tag exactly one
 * proceeds), then {@link #changed} after a {@code 2xx}, or {@link #release} after a failure or a failed precondition. A store may let a reservation expire after
 * a lease (a remote store whose client died mid-write); an in-process store need not.
 *
 * @see InMemoryResourceVersionStore
 */
public interface ResourceVersionStore {

	/**
	 * Current state of a resource instance.
	 * @param resource the resource name
	 * @param key the instance's key
	 * @return the state, or {@code null} if none is recorded
	 */
	@Nullable ResourceState current(String resource, String key);

	/**
	 * Current state of a resource instance, recording a fresh version of {@link ResourceState.Existence#UNKNOWN
	 * unknown} existence if none is recorded.
	 * @param resource the resource name
	 * @param key the instance's key
	 * @return the state
	 */
	ResourceState currentOrRecord(String resource, String key);

	/**
	 * Learn existence from a read's outcome ({@code 2xx}: present; {@code 404}/{@code 410}: absent). Applies only if
	 * the stored state still equals {@code seen} and is not reserved, so that a read that raced a write never
	 * overrides what the write did. An instance that becomes present again after being absent gets a fresh version
	 * (its content is new to every client).
	 * @param resource the resource name
	 * @param key the instance's key
	 * @param seen the state the read started from
	 * @param exists whether the read found the instance
	 * @return the state after the observation (the stored one if the observation did not apply)
	 */
	ResourceState observe(String resource, String key, ResourceState seen, boolean exists);

	/**
	 * Reserve the instance for a conditional write whose precondition held against {@code expected}: atomically, if
	 * the stored state equals {@code expected} and is not reserved, store it reserved by a new token. The version
	 * does not change: reads keep getting {@code 304} for the current content while the write runs.
	 * @param resource the resource name
	 * @param key the instance's key
	 * @param expected the unreserved state the precondition was evaluated against
	 * @return the reserved state, or {@code null} if the stored state is no longer {@code expected} (changed or
	 * reserved by another write)
	 */
	@Nullable ResourceState reserve(String resource, String key, ResourceState expected);

	/**
	 * Read the state a conditional write's precondition is evaluated against, recording a fresh version of
	 * {@link ResourceState.Existence#UNKNOWN unknown} existence if none is recorded, and reserve it for that write
	 * in the same atomic step if no other write holds it. The reservation is taken before the precondition is known
	 * to hold, so that a remote store answers both in one round trip: a write whose precondition then fails
	 * {@link #release releases} it. The default implementation combines {@link #currentOrRecord} and
	 * {@link #reserve}; stores override it with one atomic operation.
	 * @param resource the resource name
	 * @param key the instance's key
	 * @return the state and whether this call reserved it
	 */
	default Reservation reserveCurrent(String resource, String key) {
		ResourceState state = currentOrRecord(resource, key);
		for (int attempt = 0; attempt < 3 && !state.isReserved(); attempt++) {
			ResourceState reserved = reserve(resource, key, state);
			if (reserved != null) {
				return new Reservation(reserved, true);
			}
			// the state moved between reading and reserving (an observation, a change): read it again
			state = currentOrRecord(resource, key);
		}
		return new Reservation(state, false);
	}

	/**
	 * Record a change: replace the version by a fresh one with the given existence. A reservation that is not
	 * {@code reserved} (another write's) is kept, so that its holder can still commit or release it.
	 * @param resource the resource name
	 * @param key the instance's key
	 * @param exists whether the instance exists after the change ({@code false} after a {@code DELETE})
	 * @param reserved the state {@link #reserve} returned to this write, or {@code null} for an unreserved change
	 * @return the new state
	 */
	ResourceState changed(String resource, String key, boolean exists, @Nullable ResourceState reserved);

	/**
	 * Give an instance back after a reserved write failed: if the stored state is still reserved by {@code reserved},
	 * clear the reservation and keep the version, so that the entity tag the write was checked against matches again.
	 * @param resource the resource name
	 * @param key the instance's key
	 * @param reserved the state {@link #reserve} returned to this write
	 */
	void release(String resource, String key, ResourceState reserved);

	/**
	 * Whether states recorded here are seen by every instance of the application. An in-memory store is not: a
	 * change through instance A leaves instance B's version, and B keeps answering {@code 304} for the old content.
	 * @return whether the store is shared between instances
	 */
	boolean isShared();

	/**
	 * Seconds after which a client refused because this store could not be used (an operation threw) may retry: the
	 * {@code Retry-After} of the {@code 503} that answers a conditional write meanwhile.
	 * @return the seconds, at least 1
	 */
	default long retryAfterSeconds() {
		return 1;
	}

	/**
	 * What the {@code etag} section of the {@code resilience} actuator endpoint shows about this store, next to its
	 * type, for example its health. Never called on the request path.
	 * @return the details, empty by default
	 */
	default Map<String, Object> describe() {
		return Map.of();
	}

	/**
	 * Outcome of {@link #reserveCurrent}.
	 *
	 * @param state the state: reserved by this call if {@code reserved}, else as stored (held by another write, or
	 * moving too fast to reserve)
	 * @param reserved whether this call reserved the instance; {@link #changed} or {@link #release} must end it
	 */
	record Reservation(ResourceState state, boolean reserved) {

	}

}
