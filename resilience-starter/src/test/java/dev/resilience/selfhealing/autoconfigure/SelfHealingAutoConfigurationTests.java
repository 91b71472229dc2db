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
import dev.resilience.selfhealing.OutOfMemoryErrorFilter;
import dev.resilience.selfhealing.OutOfMemoryErrorHandlerExceptionResolver;
import dev.resilience.selfhealing.SelfHealing;
import dev.resilience.selfhealing.SelfHealingHealthIndicator;
import dev.resilience.selfhealing.SelfHealingMetrics;
import dev.resilience.selfhealing.SelfHealingSection;
import dev.resilience.selfhealing.SelfHealingStatus;
import dev.resilience.selfhealing.SelfHealingUncaughtExceptionHandler;
import dev.resilience.selfhealing.ThreadDumpWriter;
import io.micrometer.core.instrument.binder.MeterBinder;
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
import org.springframework.core.Ordered;

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
				.hasSingleBean(OutOfMemoryErrorHandlerExceptionResolver.class)
				.hasBean("selfHealingOutOfMemoryErrorFilter");
			assertThat(context.getBean(FatalExit.class)).isInstanceOf(HaltingFatalExit.class);
			assertThat(context.getBean("selfHealingOutOfMemoryErrorFilter", FilterRegistrationBean.class).getOrder())
				.isEqualTo(OutOfMemoryErrorFilter.ORDER)
				.isEqualTo(Ordered.HIGHEST_PRECEDENCE + 10);
			assertThat(context.getBean(OutOfMemoryErrorHandlerExceptionResolver.class).getOrder())
				.isEqualTo(Ordered.HIGHEST_PRECEDENCE);
			assertThat(Thread.getDefaultUncaughtExceptionHandler())
				.isSameAs(context.getBean(SelfHealingUncaughtExceptionHandler.class));
			SelfHealing selfHealing = context.getBean(SelfHealing.class);
			assertThat(selfHealing.getOnFatal()).isEqualTo(OnFatal.REPORT);
			assertThat(selfHealing.getDrainPeriod()).isEqualTo(Duration.ofSeconds(30));
			assertThat(context.getBean(DeadlockMonitor.class).getInterval()).isEqualTo(Duration.ofSeconds(10));
			assertThat(context.getBean(MemoryMonitor.class).getSettings()).isEqualTo(MemoryMonitor.Settings.defaults());
			assertThat(MemoryMonitor.Settings.defaults()).isEqualTo(new MemoryMonitor.Settings(0.9, 3, 0.8, 0.25,
					Duration.ofMinutes(1), 5, Duration.ofSeconds(30)));
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
				.containsEntry("fatal", true)
				.containsEntry("degraded", false)
				.containsKeys("since", "threadDump", "onFatal", "drainPeriod", "collectors", "heapAfterGcStreak",
						"heapAfterGcThreshold", "heapAfterGcCollections", "heapAfterGcDegradedThreshold", "gcOverhead",
						"gcOverheadThreshold", "gcTimeDeficit", "gcTimeThreshold", "gcTimeRuntimeWeight",
						"deadlockedThreads", "deadlockCheckInterval", "deadlockChecks", "jvmFlags");
		});
	}

	@Test
	void propertiesAreApplied() {
		webRunner()
			.withPropertyValues("resilience.self-healing.on-fatal=exit", "resilience.self-healing.drain-period=0s",
					"resilience.self-healing.deadlock-check-interval=2s",
					"resilience.self-healing.heap-after-gc-threshold=0.8",
					"resilience.self-healing.heap-after-gc-collections=5",
					"resilience.self-healing.heap-after-gc-degraded-threshold=0.7",
					"resilience.self-healing.gc-overhead-threshold=0.3",
					"resilience.self-healing.gc-overhead-window=20s",
					"resilience.self-healing.gc-time-runtime-weight=2.5",
					"resilience.self-healing.gc-time-threshold=10s")
			.run((context) -> {
				SelfHealing selfHealing = context.getBean(SelfHealing.class);
				assertThat(selfHealing.getOnFatal()).isEqualTo(OnFatal.EXIT);
				assertThat(selfHealing.getDrainPeriod()).isZero();
				assertThat(context.getBean(DeadlockMonitor.class).getInterval()).isEqualTo(Duration.ofSeconds(2));
				assertThat(context.getBean(MemoryMonitor.class).getSettings()).isEqualTo(new MemoryMonitor.Settings(0.8,
						5, 0.7, 0.3, Duration.ofSeconds(20), 2.5, Duration.ofSeconds(10)));
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
			assertThat(context.getBean(OutOfMemoryErrorHandlerExceptionResolver.class))
				.isSameAs(context.getBean("userResolver"));
			assertThat(context.getBean("selfHealingOutOfMemoryErrorFilter")).isSameAs(UserBeans.FILTER);
			assertThat(context.getBean(SelfHealingHealthIndicator.class)).isSameAs(context.getBean("selfHealingHealthIndicator"));
			assertThat(context).hasSingleBean(OutOfMemoryErrorHandlerExceptionResolver.class)
				.hasSingleBean(SelfHealingHealthIndicator.class);
		});
	}

	@Test
	void everyBeanBacksOffForAUserBean() {
		webRunner().withUserConfiguration(UserReplacements.class).run((context) -> {
			assertThat(context.getBean(MemoryMonitor.class)).isSameAs(context.getBean("userMemoryMonitor"));
			assertThat(context.getBean(DeadlockMonitor.class)).isSameAs(context.getBean("userDeadlockMonitor"));
			assertThat(context.getBean(ThreadDumpWriter.class)).isSameAs(context.getBean("userThreadDumps"));
			assertThat(context.getBean(JvmOutOfMemoryFlags.class)).isSameAs(context.getBean("userJvmFlags"));
			assertThat(context.getBean(SelfHealingStatus.class)).isSameAs(context.getBean("userStatus"));
			assertThat(context.getBean(SelfHealingSection.class)).isSameAs(context.getBean("userSection"));
			assertThat(context.getBean(SelfHealingMetrics.class)).isSameAs(context.getBean("userMetrics"));
			assertThat(context.getBean(SelfHealingUncaughtExceptionHandler.class))
				.isSameAs(context.getBean("userUncaughtHandler"));
			assertThat(context).hasSingleBean(MemoryMonitor.class)
				.hasSingleBean(DeadlockMonitor.class)
				.hasSingleBean(ThreadDumpWriter.class)
				.hasSingleBean(JvmOutOfMemoryFlags.class)
				.hasSingleBean(SelfHealingStatus.class)
				.hasSingleBean(SelfHealingSection.class)
				.hasSingleBean(SelfHealingMetrics.class)
				.hasSingleBean(SelfHealingUncaughtExceptionHandler.class);
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
			assertThat(registry.get("resilience.self.healing.fatal").gauge().value()).isZero();
			assertThat(registry.get("resilience.self.healing.gc.overhead").gauge().value()).isBetween(0.0, 1.0);
			assertThat(registry.get("resilience.self.healing.deadlocked.threads").gauge().value()).isZero();
			assertThat(registry.get("resilience.self.healing.heap.after.gc").gauge()).isNotNull();
			assertThat(registry.get("resilience.self.healing.degraded").gauge().value()).isZero();
			assertThat(registry.get("resilience.self.healing.gc.time.deficit").gauge().value()).isGreaterThanOrEqualTo(0);
			context.getBean(SelfHealing.class).reportFatal(FatalCause.GC_OVERHEAD, "test");
			assertThat(registry.get("resilience.self.healing.fatal").gauge().value()).isEqualTo(1);
		});
	}

	@Test
	void noGaugesWhenDisabled() {
		webRunner().withPropertyValues("resilience.self-healing.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(SelfHealingMetrics.class).doesNotHaveBean(SelfHealing.class);
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			context.getBeansOfType(MeterBinder.class)
				.values()
				.forEach((binder) -> binder.bindTo(registry));
			assertThat(registry.getMeters()).isEmpty();
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
					.containsKeys("gcOverhead", "gcTimeDeficit", "heapAfterGcStreak", "deadlockedThreads", "jvmFlags");
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
		assertStartupFails("resilience.self-healing.heap-after-gc-collections=0",
				"resilience.self-healing.heap-after-gc-collections", "must be at least 1");
		assertStartupFails("resilience.self-healing.heap-after-gc-degraded-threshold=0.95",
				"resilience.self-healing.heap-after-gc-degraded-threshold",
				"must not be above resilience.self-healing.heap-after-gc-threshold (0.9)");
		assertStartupFails("resilience.self-healing.gc-time-runtime-weight=0",
				"resilience.self-healing.gc-time-runtime-weight", "must be a positive number");
		assertStartupFails("resilience.self-healing.gc-time-threshold=0s", "resilience.self-healing.gc-time-threshold",
				"must be a positive duration");
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

		static final FilterRegistrationBean<?> FILTER = new FilterRegistrationBean<>();

		@Bean
		SelfHealing userSelfHealing(org.springframework.context.ApplicationEventPublisher events) {
			return new SelfHealing(events, new ThreadDumpWriter(Path.of("unused")), OnFatal.REPORT, Duration.ZERO,
					EXIT);
		}

		@Bean
		OutOfMemoryErrorHandlerExceptionResolver userResolver(SelfHealing selfHealing) {
			return new OutOfMemoryErrorHandlerExceptionResolver(selfHealing);
		}

		@Bean
		FilterRegistrationBean<?> selfHealingOutOfMemoryErrorFilter() {
			return FILTER;
		}

		@Bean
		SelfHealingHealthIndicator selfHealingHealthIndicator(SelfHealingStatus status) {
			return new SelfHealingHealthIndicator(status);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserReplacements {

		@Bean
		MemoryMonitor userMemoryMonitor(SelfHealing selfHealing) {
			return new MemoryMonitor(selfHealing, MemoryMonitor.Settings.defaults());
		}

		@Bean
		DeadlockMonitor userDeadlockMonitor(SelfHealing selfHealing) {
			return new DeadlockMonitor(selfHealing, Duration.ofMinutes(1));
		}

		@Bean
		ThreadDumpWriter userThreadDumps() {
			return new ThreadDumpWriter(Path.of("unused"));
		}

		@Bean
		JvmOutOfMemoryFlags userJvmFlags() {
			return new JvmOutOfMemoryFlags(null);
		}

		@Bean
		SelfHealingStatus userStatus(SelfHealing selfHealing, MemoryMonitor memory, DeadlockMonitor deadlocks,
				JvmOutOfMemoryFlags jvmFlags) {
			return new SelfHealingStatus(selfHealing, memory, deadlocks, jvmFlags);
		}

		@Bean
		SelfHealingSection userSection(SelfHealingStatus status) {
			return new SelfHealingSection(status);
		}

		@Bean
		SelfHealingMetrics userMetrics(SelfHealing selfHealing, MemoryMonitor memory, DeadlockMonitor deadlocks) {
			return new SelfHealingMetrics(selfHealing, memory, deadlocks);
		}

		@Bean
		SelfHealingUncaughtExceptionHandler userUncaughtHandler(SelfHealing selfHealing) {
			return new SelfHealingUncaughtExceptionHandler(selfHealing);
		}

	}

}
