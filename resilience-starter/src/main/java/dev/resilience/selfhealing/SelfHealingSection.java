package dev.resilience.selfhealing;

import java.util.Map;

import dev.resilience.support.ResilienceSection;

/**
 * {@code self-healing} section of the {@code resilience} actuator endpoint.
 */
public class SelfHealingSection implements ResilienceSection {

	private final SelfHealingStatus status;

	public SelfHealingSection(SelfHealingStatus status) {
		this.status = status;
	}

	@Override
	public String name() {
		return "self-healing";
	}

	@Override
	public Map<String, Object> describe() {
		return this.status.details();
	}

}
