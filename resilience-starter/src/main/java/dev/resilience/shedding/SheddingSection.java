package dev.resilience.shedding;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.resilience.shedding.PressureGauge.Capacity;
import dev.resilience.support.AdjustableResilienceSection;

/**
 * The {@code shedding} section of the {@code resilience} actuator endpoint. Its settings {@code dry-run},
 * {@code threshold} and {@code tiers.<name>.threshold} may be changed at runtime; the next request sees the change.
 */
public class SheddingSection implements AdjustableResilienceSection {

	private static final String TIER_PREFIX = "tiers.";

	private static final String TIER_SUFFIX = ".threshold";

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

	@Override
	public String adjust(String setting, String value) {
		if (setting == null || value == null) {
			throw new IllegalArgumentException("Both setting and value are required, for example "
					+ "{\"setting\":\"dry-run\",\"value\":\"true\"}");
		}
		if (setting.equals("dry-run")) {
			boolean previous = this.shedder.isDryRun();
			this.shedder.setDryRun(parseBoolean(value));
			return String.valueOf(previous);
		}
		if (setting.equals("threshold")) {
			double previous = this.handlers.globalThreshold();
			this.handlers.setGlobalThreshold(parseThreshold(value));
			return String.valueOf(previous);
		}
		if (setting.startsWith(TIER_PREFIX) && setting.endsWith(TIER_SUFFIX)
				&& setting.length() > TIER_PREFIX.length() + TIER_SUFFIX.length()) {
			String tier = setting.substring(TIER_PREFIX.length(), setting.length() - TIER_SUFFIX.length());
			Double previous = this.handlers.tierThresholds().get(tier);
			this.handlers.setTierThreshold(tier, parseThreshold(value));
			return String.valueOf(previous);
		}
		throw new IllegalArgumentException("Unknown setting '" + setting
				+ "'; shedding has dry-run, threshold and tiers.<name>.threshold");
	}

	private static boolean parseBoolean(String value) {
		if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
			return Boolean.parseBoolean(value);
		}
		throw new IllegalArgumentException("dry-run must be true or false, was '" + value + "'");
	}

	private static double parseThreshold(String value) {
		try {
			return Double.parseDouble(value.trim());
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("Threshold must be a number greater than 0 and at most 1, was '" + value
					+ "'");
		}
	}

}
