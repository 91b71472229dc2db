package dev.resilience.etag;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Micrometer counters {@code resilience.etag.not.modified} and {@code resilience.etag.precondition.failed}, tagged
 * {@code resource}. Both counters are registered at startup, at zero, for every resource named by an
 * {@link ETagged} or {@link ChangesResource} handler, so that a rate starts at zero rather than at the first event.
 * The tag is the annotation's resource name, never anything a client sends, so the number of series is fixed by the
 * code; counters are looked up without locking.
 */
public final class MicrometerConditionalRequestMetrics
		implements ConditionalRequestMetrics, SmartInitializingSingleton {

	/** Name of the counter of {@code 304 Not Modified} answers. */
	public static final String NOT_MODIFIED = "resilience.etag.not.modified";

	/** Name of the counter of {@code 412 Precondition Failed} answers. */
	public static final String PRECONDITION_FAILED = "resilience.etag.precondition.failed";

	private static final String NOT_MODIFIED_DESCRIPTION = "Conditional reads answered 304 without invoking the handler";

	private static final String PRECONDITION_FAILED_DESCRIPTION = "Conditional writes answered 412 because the "
			+ "client's version was stale";

	private final MeterRegistry registry;

	private final ConditionalRequestHandlers handlers;

	private final Map<String, Counter> notModified = new ConcurrentHashMap<>();

	private final Map<String, Counter> preconditionFailed = new ConcurrentHashMap<>();

	/**
	 * Create an instance.
	 * @param registry where the counters are registered
	 * @param handlers the annotated handlers, whose resources get their counters at startup
	 */
	public MicrometerConditionalRequestMetrics(MeterRegistry registry, ConditionalRequestHandlers handlers) {
		this.registry = registry;
		this.handlers = handlers;
	}

	@Override
	public void afterSingletonsInstantiated() {
		for (String resource : this.handlers.handlersByResource().keySet()) {
			counter(this.notModified, NOT_MODIFIED, NOT_MODIFIED_DESCRIPTION, resource);
			counter(this.preconditionFailed, PRECONDITION_FAILED, PRECONDITION_FAILED_DESCRIPTION, resource);
		}
	}

	@Override
	public void notModified(String resource) {
		counter(this.notModified, NOT_MODIFIED, NOT_MODIFIED_DESCRIPTION, resource).increment();
	}

	@Override
	public void preconditionFailed(String resource) {
		counter(this.preconditionFailed, PRECONDITION_FAILED, PRECONDITION_FAILED_DESCRIPTION, resource).increment();
	}

	private Counter counter(Map<String, Counter> counters, String name, String description, String resource) {
		Counter counter = counters.get(resource);
		if (counter == null) {
			// only for a handler that no mapping listed at startup; its resource is still an annotation's name
			counter = counters.computeIfAbsent(resource, (r) -> Counter.builder(name)
				.description(description)
				.tag("resource", r)
				.register(this.registry));
		}
		return counter;
	}

}
