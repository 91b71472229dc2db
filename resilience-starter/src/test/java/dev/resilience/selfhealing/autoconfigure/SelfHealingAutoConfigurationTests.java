package dev.resilience.selfhealing.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.resilience.actuate.ResilienceEndpoint;
import dev.resilience.actuate.autoconfigure.ResilienceEndpointAutoConfiguration;
import dev.resilience.selfhealing.DeadlockMonitor;
import dev.resilience.selfhealing.FatalCause;
import dev.resilience.selfhealing.FatalExit;
import dev.resilience.selfhealing.HaltingFatalExit;
import dev.resilience.selfhealing.JvmOutOfMemoryFlags;
import dev.resilience.selfhealing.MemoryMonitor;
import dev.resilience.selfhealing.OnFatal;
import dev.resilience.selfhealing.SelfHealing;
import dev.resilience.selfhealing.SelfHealingHealthIndicator;
import dev.resilience.selfhealing.SelfHealingMetrics;
import dev.resilience.selfhealing.SelfHealingSection;
import dev.resilience.selfhealing.SelfHealingUncaughtExceptionHandler;
import dev.resilience.selfhealing.ThreadDumpWriter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class SelfHealingAutoConfigurationTests {

	@TempDir
	Path dumps;

	private WebApplicationContextRunner webRunner() {
		return new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SelfHealingAutoConfiguration.class,
					ApplicationAvailabilityAutoConfiguration.class))
			.withPropertyValues("resilience.self-healing.dump-directory=" + this.dumps);
	}

	@Test
	void onByDefaultInServletApplication() {
		webRunner().run((context) -> {
			assertThat(context).hasSingleBean(SelfHealing.class)
				.hasSingleBean(MemoryMonitor.class)
				.hasSingleBean(DeadlockMonitor.class)
				.hasSingleBean(SelfHealingUncaughtExceptionHandler.class)
				.hasSingleBean(JvmOutOfMemoryFlags.class)
				.hasSingleBean(SelfHealingSection.class)
				.hasSingleBean(SelfHealingHealthIndicator.class)
				.hasBean("selfHealingOutOfMemoryErrorFilter");
			assertThat(context.getBean(FatalExit.class)).isInstanceOf(HaltingFatalExit.class);
			assertThat(context.getBean("selfHealingOutOfMemoryErrorFilter", FilterRegistrationBean.class).getOrder())
				.isEqualTo(Integer.MIN_VALUE);
			assertThat(Thread.getDefaultUncaughtExceptionHandler())
				.isSameAs(context.getBean(SelfHealingUncaughtExceptionHandler.class));
			SelfHealing selfHealing = context.getBean(SelfHealing.class);
			assertThat(selfHealing.getOnFatal()).isEqualTo(OnFatal.REPORT);
			assertThat(selfHealing.getDrainPeriod()).isEqualTo(Duration.ofSeconds(30));
			assertThat(context.getBean(DeadlockMonitor.class).getInterval()).isEqualTo(Duration.ofSeconds(10));
			assertThat(context.getBean(MemoryMonitor.class).getHeapAfterGcThreshold()).isEqualTo(0.9);
			assertThat(context.getBean(MemoryMonitor.class).getGcOverheadThreshold()).isEqualTo(0.5);
		});
	}

	@Test
	void closingContextRemovesUncaughtExceptionHandler() {
		Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
		webRunner().run((context) -> assertThat(Thread.getDefaultUncaughtExceptionHandler()).isNotSameAs(before));
		assertThat(Thread.getDefaultUncaughtExceptionHandler()).isSameAs(before);
	}

	@Test
	void fatalReportFlipsApplicationAvailabilityAndHealth() {
		webRunner().run((context) -> {
			ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
			SelfHealingHealthIndicator health = context.getBean(SelfHealingHealthIndicator.class);
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			context.getBean(SelfHealing.class).reportFatal(FatalCause.DEADLOCK, "threads a, b");
			assertThat(availability.getLivenessState()).isEqualTo(LivenessState.BROKEN);
			assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
			assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.health().getDetails()).containsEntry("cause", "DEADLOCK")
				.containsEntry("detail", "threads a, b")
				.containsKeys("threadDump", "gcOverhead", "oldGenAfterGc", "deadlockedThreads", "jvmFlags");
		});
	}

	@Test
	void propertiesAreApplied() {
		webRunner()
			.withPropertyValues("resilience.self-healing.on-fatal=exit", "resilience.self-healing.drain-period=0s",
					"resilience.self-healing.deadlock-check-interval=2s",
					"resilience.self-healing.heap-after-gc-threshold=0.8",
					"resilience.self-healing.gc-overhead-threshold=0.3")
			.run((context) -> {
				SelfHealing selfHealing = context.getBean(SelfHealing.class);
				assertThat(selfHealing.getOnFatal()).isEqualTo(OnFatal.EXIT);
				assertThat(selfHealing.getDrainPeriod()).isZero();
				assertThat(context.getBean(DeadlockMonitor.class).getInterval()).isEqualTo(Duration.ofSeconds(2));
				assertThat(context.getBean(MemoryMonitor.class).getHeapAfterGcThreshold()).isEqualTo(0.8);
				assertThat(context.getBean(MemoryMonitor.class).getGcOverheadThreshold()).isEqualTo(0.3);
				assertThat(context.getBean(ThreadDumpWriter.class).getDirectory()).isEqualTo(this.dumps);
			});
	}

	@Test
	void offWhenDisabled() {
		Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
		webRunner().withPropertyValues("resilience.self-healing.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(SelfHealing.class)
				.doesNotHaveBean(MemoryMonitor.class)
				.doesNotHaveBean(SelfHealingHealthIndicator.class)
				.doesNotHaveBean("selfHealingOutOfMemoryErrorFilter");
			assertThat(Thread.getDefaultUncaughtExceptionHandler()).isSameAs(before);
		});
	}

	@Test
	void userBeansBackOff() {
		webRunner().withUserConfiguration(UserBeans.class).run((context) -> {
			assertThat(context.getBean(FatalExit.class)).isSameAs(UserBeans.EXIT);
			assertThat(context.getBean(SelfHealing.class)).isSameAs(context.getBean("userSelfHealing"));
			assertThat(context).hasSingleBean(FatalExit.class).hasSingleBean(SelfHealing.class);
		});
	}

	@Test
	void noFilterOutsideServletApplication() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SelfHealingAutoConfiguration.class))
			.withPropertyValues("resilience.self-healing.dump-directory=" + this.dumps)
			.run((context) -> assertThat(context).hasSingleBean(SelfHealing.class)
				.hasSingleBean(DeadlockMonitor.class)
				.doesNotHaveBean("selfHealingOutOfMemoryErrorFilter"));
	}

	@Test
	void noHealthIndicatorWithoutSpringBootHealth() {
		webRunner().withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
			.run((context) -> assertThat(context).hasSingleBean(SelfHealing.class)
				.hasSingleBean(SelfHealingSection.class)
				.doesNotHaveBean(SelfHealingHealthIndicator.class));
	}

	@Test
	void gaugesForMicrometer() {
		webRunner().run((context) -> {
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(SelfHealingMetrics.class).bindTo(registry);
			assertThat(registry.get("resilience.selfhealing.fatal").gauge().value()).isZero();
			assertThat(registry.get("resilience.selfhealing.gc.overhead").gauge().value()).isBetween(0.0, 1.0);
			assertThat(registry.get("resilience.selfhealing.deadlocked.threads").gauge().value()).isZero();
			assertThat(registry.get("resilience.selfhealing.heap.after.gc").gauges()).isNotEmpty();
			context.getBean(SelfHealing.class).reportFatal(FatalCause.GC_OVERHEAD, "test");
			assertThat(registry.get("resilience.selfhealing.fatal").gauge().value()).isEqualTo(1);
		});
	}

	@Test
	void noGaugesWithoutMicrometer() {
		webRunner().withClassLoader(new FilteredClassLoader("io.micrometer"))
			.run((context) -> assertThat(context).hasSingleBean(SelfHealing.class)
				.doesNotHaveBean(SelfHealingMetrics.class));
	}

	@Test
	void noHealthIndicatorWhenDisabled() {
		webRunner().withPropertyValues("management.health.self-healing.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(SelfHealing.class)
				.doesNotHaveBean(SelfHealingHealthIndicator.class));
	}

	@Test
	void contributesSelfHealingSectionToResilienceEndpoint() {
		webRunner().withConfiguration(AutoConfigurations.of(ResilienceEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=resilience")
			.run((context) -> {
				Map<String, Object> document = context.getBean(ResilienceEndpoint.class).resilience();
				assertThat(document).containsKey("self-healing");
				@SuppressWarnings("unchecked")
				Map<String, Object> section = (Map<String, Object>) document.get("self-healing");
				assertThat(section).containsEntry("fatal", false)
					.containsEntry("onFatal", "report")
					.containsKeys("gcOverhead", "oldGenAfterGc", "deadlockedThreads", "jvmFlags");
				@SuppressWarnings("unchecked")
				Map<String, Object> flags = (Map<String, Object>) section.get("jvmFlags");
				assertThat(flags).containsKeys("ExitOnOutOfMemoryError", "HeapDumpOnOutOfMemoryError");
			});
	}

	@Test
	void heapDumpPathTurnsOnJvmHeapDumpsForTheContextsLifetime() {
		Path heap = this.dumps.resolve("heap");
		webRunner().withPropertyValues("resilience.self-healing.heap-dump-path=" + heap).run((context) -> {
			JvmOutOfMemoryFlags flags = context.getBean(JvmOutOfMemoryFlags.class);
			assertThat(flags.getHeapDumpOnOutOfMemoryError()).isTrue();
			assertThat(flags.getHeapDumpPath()).isEqualTo(heap.toAbsolutePath().toString());
		});
		assertThat(new JvmOutOfMemoryFlags(null).getHeapDumpPath()).isNotEqualTo(heap.toAbsolutePath().toString());
	}

	@Test
	void invalidPropertiesFailStartupNamingTheProperty() {
		assertStartupFails("resilience.self-healing.gc-overhead-threshold=1.5",
				"resilience.self-healing.gc-overhead-threshold", "must be greater than 0 and at most 1");
		assertStartupFails("resilience.self-healing.heap-after-gc-threshold=0",
				"resilience.self-healing.heap-after-gc-threshold", "must be greater than 0 and at most 1");
		assertStartupFails("resilience.self-healing.gc-overhead-window=0s",
				"resilience.self-healing.gc-overhead-window", "must be a positive duration");
		assertStartupFails("resilience.self-healing.deadlock-check-interval=-1s",
				"resilience.self-healing.deadlock-check-interval", "must be a positive duration");
		assertStartupFails("resilience.self-healing.drain-period=-5s", "resilience.self-healing.drain-period",
				"must be zero or a positive duration");
		assertStartupFails("resilience.self-healing.shutdown-timeout=0s", "resilience.self-healing.shutdown-timeout",
				"must be a positive duration");
		assertStartupFails("resilience.self-healing.on-fatal=restart", "resilience.self-healing.on-fatal",
				"restart");
	}

	private void assertStartupFails(String property, String name, String reason) {
		webRunner().withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			StringBuilder messages = new StringBuilder();
			for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
				messages.append(cause.getMessage()).append('\n');
			}
			assertThat(messages.toString()).contains(name).contains(reason);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		static final FatalExit EXIT = (status) -> {
		};

		@Bean
		FatalExit userExit() {
			return EXIT;
		}

		@Bean
		SelfHealing userSelfHealing(org.springframework.context.ApplicationEventPublisher events) {
			return new SelfHealing(events, new ThreadDumpWriter(Path.of("unused")), OnFatal.REPORT, Duration.ZERO,
					EXIT);
		}

	}

}
