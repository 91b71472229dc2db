package dev.resilience.shedding;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.resilience.shedding.PressureGauge.Capacity;
import dev.resilience.support.ResilienceSection;

/**
 * The {@code shedding} section of the {@code resilience} actuator endpoint.
 */
public class SheddingSection implements ResilienceSection {

	private final PressureGauge gauge;

	private final SheddingInterceptor interceptor;

	private final double threshold;

	private final boolean dryRun;

	public SheddingSection(PressureGauge gauge, SheddingInterceptor interceptor, double threshold, boolean dryRun) {
		this.gauge = gauge;
		this.interceptor = interceptor;
		this.threshold = threshold;
		this.dryRun = dryRun;
	}

	@Override
	public String name() {
		return "shedding";
	}

	@Override
	public Map<String, Object> describe() {
		Capacity capacity = this.gauge.capacity();
		Map<String, Object> section = new LinkedHashMap<>();
		section.put("mode", capacity.mode().name());
		section.put("capacity", capacity.size());
		section.put("capacitySource", capacity.source());
		section.put("inFlight", this.gauge.inFlight());
		section.put("pressure", this.gauge.pressure());
		section.put("threshold", this.threshold);
		section.put("dryRun", this.dryRun);
		section.put("rejected", this.interceptor.rejected());
		section.put("wouldHaveRejected", this.interceptor.wouldHaveRejected());
		return section;
	}

}
