package dev.resilience.selfhealing;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code selfHealing} health indicator: {@code DOWN} once the application is fatally broken, {@code UP} before, with
 * the cause, the degraded level, heap after GC, GC overhead and GC time deficit, deadlocked threads and the JVM's
 * out-of-memory flags as details (see {@link SelfHealingStatus}). A degraded application stays {@code UP}.
 */
public class SelfHealingHealthIndicator implements HealthIndicator {

	private final SelfHealingStatus status;

	public SelfHealingHealthIndicator(SelfHealingStatus status) {
		this.status = status;
	}

	@Override
	public Health health() {
		Health.Builder builder = this.status.isFatal() ? Health.down() : Health.up();
		return builder.withDetails(this.status.details()).build();
	}

}
