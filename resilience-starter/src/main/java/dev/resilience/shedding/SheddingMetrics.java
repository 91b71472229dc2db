package dev.resilience.shedding;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Micrometer metrics of load shedding: gauges {@code resilience.shedding.pressure} and
 * {@code resilience.shedding.in.flight}, counter {@code resilience.shedding.rejected} tagged with the URI template
 * and {@code dry.run}, which also counts {@code @ConcurrencyLimit(policy = REJECT)} rejections.
 */
public class SheddingMetrics implements MeterBinder, RejectionListener {

	private final PressureGauge gauge;

	private volatile MeterRegistry registry;

	private final Map<String, Counter> rejected = new ConcurrentHashMap<>();

	private final Map<String, Counter> wouldHaveRejected = new ConcurrentHashMap<>();

	public SheddingMetrics(PressureGauge gauge) {
		this.gauge = gauge;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("resilience.shedding.pressure", this.gauge, PressureGauge::pressure)
			.description("Requests on worker threads divided by the worker capacity")
			.register(registry);
		Gauge.builder("resilience.shedding.in.flight", this.gauge, PressureGauge::inFlight)
			.description("Requests currently occupying a worker thread")
			.register(registry);
		this.rejected.clear();
		this.wouldHaveRejected.clear();
		this.registry = registry;
	}

	@Override
	public void onRejected(String uriTemplate, boolean dryRun) {
		MeterRegistry registry = this.registry;
		if (registry != null) {
			// cached: building and registering the meter on every rejection allocates when the server can least afford it
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
			counter.increment();
		}
	}

}
