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

	private final SheddableHandlers handlers;

	public SheddingSection(PressureGauge gauge, LoadShedder shedder, SheddableHandlers handlers) {
		this.gauge = gauge;
		this.shedder = shedder;
		this.handlers = handlers;
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
		section.put("threshold", this.handlers.globalThreshold());
		section.put("tiers", this.handlers.tierThresholds());
		section.put("dryRun", this.shedder.isDryRun());
		section.put("rejected", this.shedder.rejected());
		section.put("wouldHaveRejected", this.shedder.wouldHaveRejected());
		return section;
	}

}
