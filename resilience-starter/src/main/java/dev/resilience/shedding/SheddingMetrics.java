package dev.resilience.shedding;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Micrometer metrics of load shedding: gauges {@code resilience.shedding.pressure}, {@code .in.flight},
 * {@code .capacity}, {@code .threshold} (tagged {@code tier}: {@code default} for
 * {@code resilience.shedding.threshold}, else the tier's name; the values in force, so runtime changes show) and
 * {@code .dry.run}; counter {@code resilience.shedding.rejected} tagged with the URI template and {@code dry.run},
 * which also counts {@code @ConcurrencyLimit(policy = REJECT)} rejections.
 *
 * <p>The counter is registered at 0 for every URI template {@link SheddableHandlers#uriTemplates()} knows, with both
 * {@code dry.run} values, as soon as both the registry and the handlers are there, so that {@code rate()} starts at 0.
 * Its {@code uri} tag is only ever a handler's URI template or a path rule's pattern, never a request's path, so its
 * cardinality is bounded by the application's mappings whatever clients send.
 */
public class SheddingMetrics implements MeterBinder, RejectionListener {

	static final String DEFAULT_TIER = "default";

	private final PressureGauge gauge;

	private final SheddableHandlers handlers;

	private final BooleanSupplier dryRun;

	private volatile MeterRegistry registry;

	private final Map<String, Counter> rejected = new ConcurrentHashMap<>();

	private final Map<String, Counter> wouldHaveRejected = new ConcurrentHashMap<>();

	/**
	 * Create the metrics.
	 * @param gauge the pressure gauge
	 * @param handlers the sheddable handlers, for the thresholds in force and the URI templates known at startup
	 * @param dryRun whether dry-run mode is on, now
	 */
	public SheddingMetrics(PressureGauge gauge, SheddableHandlers handlers, BooleanSupplier dryRun) {
		this.gauge = gauge;
		this.handlers = handlers;
		this.dryRun = dryRun;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("resilience.shedding.pressure", this.gauge, PressureGauge::pressure)
			.description("Requests on worker threads divided by the worker capacity")
			.register(registry);
		Gauge.builder("resilience.shedding.in.flight", this.gauge, PressureGauge::inFlight)
			.description("Requests currently occupying a worker thread")
			.register(registry);
		Gauge.builder("resilience.shedding.capacity", this.gauge, (gauge) -> gauge.capacity().size())
			.description("Requests that pressure is measured against: the worker pool's size, or "
					+ "resilience.shedding.max-concurrent-requests without a bounded pool")
			.register(registry);
		Gauge.builder("resilience.shedding.threshold", this.handlers, SheddableHandlers::globalThreshold)
			.description("Pressure at or above which the tier's endpoints are shed, as in force now")
			.tag("tier", DEFAULT_TIER)
			.register(registry);
		for (String tier : this.handlers.tierThresholds().keySet()) {
			Gauge.builder("resilience.shedding.threshold", this.handlers, (handlers) -> handlers.tierThreshold(tier))
				.description("Pressure at or above which the tier's endpoints are shed, as in force now")
				.tag("tier", tier)
				.register(registry);
		}
		Gauge.builder("resilience.shedding.dry.run", this.dryRun, (dryRun) -> dryRun.getAsBoolean() ? 1 : 0)
			.description("1 while dry run is on (nothing is rejected, only counted), else 0")
			.register(registry);
		this.rejected.clear();
		this.wouldHaveRejected.clear();
		this.registry = registry;
		registerKnownUriTemplates();
	}

	/**
	 * Register the rejection counters, at 0, for every URI template the handlers know. Called once the handlers are
	 * registered; does nothing before a registry is bound.
	 */
	public void registerKnownUriTemplates() {
		MeterRegistry registry = this.registry;
		if (registry != null) {
			for (String uriTemplate : this.handlers.uriTemplates()) {
				counter(registry, uriTemplate, false);
				counter(registry, uriTemplate, true);
			}
		}
	}

	@Override
	public void onRejected(String uriTemplate, boolean dryRun) {
		MeterRegistry registry = this.registry;
		if (registry != null) {
			counter(registry, uriTemplate, dryRun).increment();
		}
	}

	// cached: building and registering the meter on every rejection allocates when the server can least afford it
	private Counter counter(MeterRegistry registry, String uriTemplate, boolean dryRun) {
		Map<String, Counter> counters = dryRun ? this.wouldHaveRejected : this.rejected;
		Counter counter = counters.get(uriTemplate);
		if (counter == null) {
			counter = counters.computeIfAbsent(uriTemplate, (uri) -> Counter.builder("resilience.shedding.rejected")
				.description("Requests to @Sheddable endpoints rejected under pressure (dry.run: only counted), "
						+ "and calls rejected by @ConcurrencyLimit(policy = REJECT)")
				.tag("uri", uri)
				.tag("dry.run", Boolean.toString(dryRun))
				.register(registry));
		}
		return counter;
	}

}
