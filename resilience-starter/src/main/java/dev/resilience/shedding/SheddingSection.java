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

	private final LoadShedder shedder;

	private final double threshold;

	private final boolean dryRun;

	public SheddingSection(PressureGauge gauge, LoadShedder shedder, double threshold, boolean dryRun) {
		this.gauge = gauge;
		this.shedder = shedder;
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
		section.put("rejected", this.shedder.rejected());
		section.put("wouldHaveRejected", this.shedder.wouldHaveRejected());
		return section;
	}

}
