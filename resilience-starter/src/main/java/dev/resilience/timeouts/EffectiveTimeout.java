package dev.resilience.timeouts;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One timeout in force for one client, as read from the client object the application built.
 *
 * @param client name of the client, for example {@code datasource.dataSource} or {@code http-serviceclient.orders}
 * @param timeout which of the client's timeouts, for example {@code connect} or {@code read}
 * @param property the property that sets it
 * @param value the timeout, or {@code null} when it is infinite or not known
 * @param infinite whether the client waits forever
 * @param origin where the value came from
 * @param detail how the origin was found, for example the property source that holds the value
 * @param holdsThreads whether a caller's thread waits for as long as this timeout (keep-alive timeouts do not)
 */
public record EffectiveTimeout(String client, String timeout, String property, @Nullable Duration value,
		boolean infinite, TimeoutOrigin origin, String detail, boolean holdsThreads) {

	/**
	 * Whether this timeout deserves a warning: infinite, or longer than the given limit, and long enough to hold a
	 * caller's thread.
	 * @param limit longest timeout accepted without a warning
	 * @return whether the timeout is too long
	 */
	public boolean isTooLong(Duration limit) {
		return this.holdsThreads && (this.infinite || (this.value != null && this.value.compareTo(limit) > 0));
	}

	/**
	 * Render for the {@code resilience} endpoint.
	 * @return a JSON-friendly map
	 */
	public Map<String, Object> describe() {
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("value", this.infinite ? "infinite" : (this.value != null) ? format(this.value) : null);
		description.put("infinite", this.infinite);
		description.put("origin", this.origin.label());
		description.put("property", this.property);
		description.put("detail", this.detail);
		return description;
	}

	static String format(Duration duration) {
		long millis = duration.toMillis();
		if (millis % 1000 != 0) {
			return millis + "ms";
		}
		long seconds = millis / 1000;
		return (seconds % 60 == 0 && seconds != 0) ? (seconds / 60) + "m" : seconds + "s";
	}

}
