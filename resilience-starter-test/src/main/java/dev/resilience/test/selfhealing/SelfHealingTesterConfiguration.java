package dev.resilience.test.selfhealing;

import dev.resilience.selfhealing.DeadlockMonitor;
import dev.resilience.selfhealing.SelfHealing;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Beans of {@link AutoConfigureSelfHealingTester}: a {@link RecordingFatalExit}, which self-healing's
 * auto-configuration takes instead of the real process exit, and the {@link SelfHealingTester}.
 */
@Configuration(proxyBeanMethods = false)
public class SelfHealingTesterConfiguration {

	@Bean
	RecordingFatalExit selfHealingRecordingFatalExit() {
		return new RecordingFatalExit();
	}

	@Bean
	SelfHealingTester selfHealingTester(SelfHealing selfHealing, RecordingFatalExit exit, DeadlockMonitor deadlocks) {
		return new SelfHealingTester(selfHealing, exit, deadlocks);
	}

}
