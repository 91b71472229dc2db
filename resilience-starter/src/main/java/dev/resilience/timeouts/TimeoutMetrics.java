package dev.resilience.timeouts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.context.SmartLifecycle;
import org.springframework.util.StringUtils;

/**
 * Gauges of the timeouts in force, per kind of client ({@code kind} tag, see {@link TimeoutsContributor#kind()}):
 * {@code resilience.timeouts.infinite} counts the infinite ones and {@code resilience.timeouts.over.limit} those
 * infinite or longer than {@code resilience.timeouts.warn-above}, both among the timeouts that hold a caller's thread,
 * as the startup warnings do. A gauge per kind known at startup, so a kind without a bad timeout reads 0.
 * <p>
 * The contributors are read on each scrape, only while the application context runs: before it has started and once
 * it is stopping (when the clients' beans are being destroyed) a gauge keeps its last value (read when the context
 * started; {@code NaN} before), and a contributor that fails leaves it unchanged too.
 */
public final class TimeoutMetrics implements MeterBinder, SmartLifecycle {

	/** Name of the gauge of infinite timeouts. */
	public static final String INFINITE = "resilience.timeouts.infinite";

	/** Name of the gauge of infinite or over-long timeouts. */
	public static final String OVER_LIMIT = "resilience.timeouts.over.limit";

	private final Map<String, List<TimeoutsContributor>> contributorsByKind = new TreeMap<>();

	private final Duration limit;

	private final List<Count> counts = new CopyOnWriteArrayList<>();

	private volatile boolean running;

	/**
	 * Create an instance.
	 * @param contributors the contributors of the timeouts in force
	 * @param limit longest timeout accepted without a warning ({@code resilience.timeouts.warn-above})
	 */
	public TimeoutMetrics(List<TimeoutsContributor> contributors, Duration limit) {
		for (TimeoutsContributor contributor : contributors) {
			String kind = contributor.kind();
			this.contributorsByKind.computeIfAbsent(StringUtils.hasText(kind) ? kind : "other", (k) -> new ArrayList<>())
				.add(contributor);
		}
		this.limit = limit;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.contributorsByKind.forEach((kind, contributors) -> {
			Count infinite = new Count(contributors, (timeout) -> timeout.holdsThreads() && timeout.infinite());
			this.counts.add(infinite);
			Gauge.builder(INFINITE, infinite, Count::value)
				.description("Timeouts in force that are infinite, among those that hold a caller's thread")
				.tag("kind", kind)
				.strongReference(true)
				.register(registry);
			Count overLimit = new Count(contributors, (timeout) -> timeout.isTooLong(this.limit));
			this.counts.add(overLimit);
			Gauge.builder(OVER_LIMIT, overLimit, Count::value)
				.description("Timeouts in force that are infinite or longer than resilience.timeouts.warn-above, "
						+ "among those that hold a caller's thread")
				.tag("kind", kind)
				.strongReference(true)
				.register(registry);
		});
	}

	@Override
	public void start() {
		this.running = true;
		this.counts.forEach(Count::value);
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private final class Count {

		private final List<TimeoutsContributor> contributors;

		private final Predicate<EffectiveTimeout> counted;

		private volatile double last = Double.NaN;

		Count(List<TimeoutsContributor> contributors, Predicate<EffectiveTimeout> counted) {
			this.contributors = contributors;
			this.counted = counted;
		}

		double value() {
			if (!TimeoutMetrics.this.running) {
				return this.last;
			}
			try {
				long count = 0;
				for (TimeoutsContributor contributor : this.contributors) {
					count += contributor.effectiveTimeouts().stream().filter(this.counted).count();
				}
				this.last = count;
			}
			catch (RuntimeException ex) {
				// a client that is being replaced or shut down: keep what was last seen
			}
			return this.last;
		}

	}

}
