package dev.resilience.etag;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts {@code 304} and {@code 412} answers per resource, for the {@code etag} section of the {@code resilience}
 * actuator endpoint.
 */
public final class ConditionalRequestCounters implements ConditionalRequestMetrics {

	private final Map<String, Counts> counts = new ConcurrentHashMap<>();

	@Override
	public void notModified(String resource) {
		counts(resource).notModified.increment();
	}

	@Override
	public void preconditionFailed(String resource) {
		counts(resource).preconditionFailed.increment();
	}

	/**
	 * Counts so far.
	 * @return per resource, the number of {@code notModified} and {@code preconditionFailed} answers
	 */
	public Map<String, Map<String, Long>> snapshot() {
		Map<String, Map<String, Long>> snapshot = new TreeMap<>();
		this.counts.forEach((resource, counts) -> snapshot.put(resource, Map.of("notModified",
				counts.notModified.sum(), "preconditionFailed", counts.preconditionFailed.sum())));
		return snapshot;
	}

	private Counts counts(String resource) {
		Counts counts = this.counts.get(resource);
		return (counts != null) ? counts : this.counts.computeIfAbsent(resource, (r) -> new Counts());
	}

	private static final class Counts {

		private final LongAdder notModified = new LongAdder();

		private final LongAdder preconditionFailed = new LongAdder();

	}

}
