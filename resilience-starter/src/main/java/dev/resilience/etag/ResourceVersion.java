package dev.resilience.etag;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Version of one resource instance. The value never leaves the server: entity tags are derived from it opaquely.
 *
 * @param value the version; equal values mean an unchanged resource
 * @param modifiedAt when this version came into being, or {@code null} if unknown (then {@code If-Unmodified-Since}
 * never holds)
 */
public record ResourceVersion(String value, @Nullable Instant modifiedAt) {

	public ResourceVersion {
		Objects.requireNonNull(value, "value must not be null");
	}

	/**
	 * Version from a last-modification time, for example an {@code updated_at} column.
	 * @param modifiedAt the last-modification time
	 * @return the version
	 */
	public static ResourceVersion modifiedAt(Instant modifiedAt) {
		return new ResourceVersion(modifiedAt.toString(), modifiedAt);
	}

	/**
	 * Version from any value whose string form changes with every change (a row version, a hash).
	 * @param value the version value
	 * @return the version, without a modification time
	 */
	public static ResourceVersion of(Object value) {
		return new ResourceVersion(value.toString(), null);
	}

}
