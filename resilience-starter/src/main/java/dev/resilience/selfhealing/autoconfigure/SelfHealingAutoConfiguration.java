package dev.resilience.selfhealing.autoconfigure;

import jakarta.servlet.DispatcherType;

import dev.resilience.selfhealing.DeadlockMonitor;
import dev.resilience.selfhealing.FatalExit;
import dev.resilience.selfhealing.HaltingFatalExit;
import dev.resilience.selfhealing.JvmOutOfMemoryFlags;
import dev.resilience.selfhealing.MemoryMonitor;
import dev.resilience.selfhealing.OutOfMemoryErrorFilter;
import dev.resilience.selfhealing.OutOfMemoryErrorHandlerExceptionResolver;
import dev.resilience.selfhealing.SelfHealing;
import dev.resilience.selfhealing.SelfHealingHealthIndicator;
import dev.resilience.selfhealing.SelfHealingMetrics;
import dev.resilience.selfhealing.SelfHealingSection;
import dev.resilience.selfhealing.SelfHealingStatus;
import dev.resilience.selfhealing.SelfHealingUncaughtExceptionHandler;
import dev.resilience.selfhealing.ThreadDumpWriter;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration for self-healing: watches for OOM, GC death spiral and deadlock, and when one is found flips
 * liveness and readiness, writes a thread dump and, with {@code resilience.self-healing.on-fatal=exit}, drains and
 * exits.
 */
@AutoConfiguration(
		beforeName = "org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration")
@ConditionalOnBooleanProperty(name = "resilience.self-healing.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SelfHealingProperties.class)
public final class SelfHealingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ThreadDumpWriter selfHealingThreadDumpWriter(SelfHealingProperties properties) {
		return new ThreadDumpWriter(properties.getDumpDirectory());
	}

	@Bean
	@ConditionalOnMissingBean
	FatalExit selfHealingFatalExit(SelfHealingProperties properties) {
		return new HaltingFatalExit(properties.getShutdownTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	SelfHealing selfHealing(ApplicationEventPublisher events, ThreadDumpWriter threadDumps, FatalExit exit,
			SelfHealingProperties properties) {
		return new SelfHealing(events, threadDumps, properties.getOnFatal(), properties.getDrainPeriod(), exit);
	}

	@Bean
	@ConditionalOnMissingBean
	JvmOutOfMemoryFlags selfHealingJvmFlags(SelfHealingProperties properties) {
		return new JvmOutOfMemoryFlags(properties.getHeapDumpPath());
	}

	@Bean
	@ConditionalOnMissingBean
	MemoryMonitor selfHealingMemoryMonitor(SelfHealing selfHealing, SelfHealingProperties properties) {
		return new MemoryMonitor(selfHealing,
				new MemoryMonitor.Settings(properties.getHeapAfterGcThreshold(), properties.getHeapAfterGcCollections(),
						properties.getHeapAfterGcDegradedThreshold(), properties.getGcOverheadThreshold(),
						properties.getGcOverheadWindow(), properties.getGcTimeRuntimeWeight(),
						properties.getGcTimeThreshold()));
	}

	@Bean
	@ConditionalOnMissingBean
	DeadlockMonitor selfHealingDeadlockMonitor(SelfHealing selfHealing, SelfHealingProperties properties) {
		return new DeadlockMonitor(selfHealing, properties.getDeadlockCheckInterval());
	}

	@Bean
	@ConditionalOnMissingBean
	SelfHealingUncaughtExceptionHandler selfHealingUncaughtExceptionHandler(SelfHealing selfHealing) {
		return new SelfHealingUncaughtExceptionHandler(selfHealing);
	}

	@Bean
	@ConditionalOnMissingBean
	SelfHealingStatus selfHealingStatus(SelfHealing selfHealing, MemoryMonitor memory, DeadlockMonitor deadlocks,
			JvmOutOfMemoryFlags jvmFlags) {
		return new SelfHealingStatus(selfHealing, memory, deadlocks, jvmFlags);
	}

	@Bean
	@ConditionalOnMissingBean
	SelfHealingSection selfHealingSection(SelfHealingStatus status) {
		return new SelfHealingSection(status);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.SERVLET)
	@ConditionalOnClass(name = "jakarta.servlet.Filter")
	static class ServletConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "selfHealingOutOfMemoryErrorFilter")
		FilterRegistrationBean<OutOfMemoryErrorFilter> selfHealingOutOfMemoryErrorFilter(SelfHealing selfHealing) {
			FilterRegistrationBean<OutOfMemoryErrorFilter> registration = new FilterRegistrationBean<>(
					new OutOfMemoryErrorFilter(selfHealing));
			registration.setName("selfHealingOutOfMemoryErrorFilter");
			registration.setOrder(OutOfMemoryErrorFilter.ORDER);
			registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);
			return registration;
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = "org.springframework.web.servlet.HandlerExceptionResolver")
		static class MvcConfiguration {

			@Bean
			@ConditionalOnMissingBean
			OutOfMemoryErrorHandlerExceptionResolver selfHealingOutOfMemoryErrorResolver(SelfHealing selfHealing) {
				return new OutOfMemoryErrorHandlerExceptionResolver(selfHealing);
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SelfHealingMetrics selfHealingMetrics(SelfHealing selfHealing, MemoryMonitor memory,
				DeadlockMonitor deadlocks) {
			return new SelfHealingMetrics(selfHealing, memory, deadlocks);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
	static class HealthConfiguration {

		// nested again: the enabled-indicator condition's class is in spring-boot-health, absent without it
		@Configuration(proxyBeanMethods = false)
		@ConditionalOnEnabledHealthIndicator("self-healing")
		static class SelfHealingHealthIndicatorConfiguration {

			@Bean
			@ConditionalOnMissingBean(name = "selfHealingHealthIndicator")
			SelfHealingHealthIndicator selfHealingHealthIndicator(SelfHealingStatus status) {
				return new SelfHealingHealthIndicator(status);
			}

		}

	}

}
