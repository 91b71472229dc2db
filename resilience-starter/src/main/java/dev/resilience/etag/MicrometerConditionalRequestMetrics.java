package dev.resilience.etag;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Micrometer counters {@code resilience.etag.not.modified} and {@code resilience.etag.precondition.failed}, tagged
 * {@code resource}. Counters are registered on first use and looked up without locking afterwards.
 */
public final class MicrometerConditionalRequestMetrics implements ConditionalRequestMetrics {

	/** Name of the counter of {@code 304 Not Modified} answers. */
	public static final String NOT_MODIFIED = "resilience.etag.not.modified";

	/** Name of the counter of {@code 412 Precondition Failed} answers. */
	public static final String PRECONDITION_FAILED = "resilience.etag.precondition.failed";

	private final MeterRegistry registry;

	private final Map<String, Counter> notModified = new ConcurrentHashMap<>();

	private final Map<String, Counter> preconditionFailed = new ConcurrentHashMap<>();

	/**
	 * Create an instance.
	 * @param registry where the counters are registered
	 */
	public MicrometerConditionalRequestMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void notModified(String resource) {
		counter(this.notModified, NOT_MODIFIED, "Conditional reads answered 304 without invoking the handler",
				resource).increment();
	}

	@Override
	public void preconditionFailed(String resource) {
		counter(this.preconditionFailed, PRECONDITION_FAILED,
				"Conditional writes answered 412 because the client's version was stale", resource).increment();
	}

	private Counter counter(Map<String, Counter> counters, String name, String description, String resource) {
		Counter counter = counters.get(resource);
		if (counter == null) {
			counter = counters.computeIfAbsent(resource, (r) -> Counter.builder(name)
				.description(description)
				.tag("resource", r)
				.register(this.registry));
		}
		return counter;
	}

}
