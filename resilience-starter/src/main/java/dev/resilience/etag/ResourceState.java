package dev.resilience.etag;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link ResourceVersionStore} knows about one resource instance: its current version, whether it exists, and
 * whether a conditional write holds it. Compared by value: a store's compare-and-set operations take a state read
 * earlier and apply only while the stored state is still equal to it.
 *
 * @param version the current version; entity tags derive from it
 * @param existence whether the instance exists, as far as the store has observed
 * @param reservation token of the conditional write that holds the instance, or {@code null} if none does
 * @see ResourceVersionStore#reserve
 */
public record ResourceState(ResourceVersion version, Existence existence, @Nullable String reservation) {

	public ResourceState {
		Objects.requireNonNull(version, "version must not be null");
		Objects.requireNonNull(existence, "existence must not be null");
	}

	/**
	 * Whether a conditional write holds the instance: other conditional writes are refused until it is committed or
	 * released.
	 * @return whether the state is reserved
	 */
	public boolean isReserved() {
		return this.reservation != null;
	}

	/**
	 * The same version and existence, held by a write.
	 * @param reservation the write's token
	 * @return the reserved state
	 */
	public ResourceState reservedBy(String reservation) {
		return new ResourceState(this.version, this.existence, reservation);
	}

	/**
	 * Whether a resource instance exists (RFC 9110 §13.1.1 and §13.1.2 evaluate {@code *} against it).
	 */
	public enum Existence {

		/** A {@code 2xx} read or write was observed, or a resolver knows the instance. */
		PRESENT,

		/** A {@code 404}/{@code 410} read or a {@code 2xx DELETE} was observed, or a resolver does not know it. */
		ABSENT,

		/** Nothing about the instance has been observed yet (never requested, evicted, or after a restart). */
		UNKNOWN

	}

}
