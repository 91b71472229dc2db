package dev.resilience.shedding.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import dev.resilience.shedding.ConcurrencyLimitRejectionResolver;
import dev.resilience.shedding.JettyWorkerPoolProbe;
import dev.resilience.shedding.LoadShedder;
import dev.resilience.shedding.LoadSheddingFilter;
import dev.resilience.shedding.PressureGauge;
import dev.resilience.shedding.RejectionListener;
import dev.resilience.shedding.ServerRequestShedObserver;
import dev.resilience.shedding.ShedProblemDetailCustomizer;
import dev.resilience.shedding.ShedRequestObserver;
import dev.resilience.shedding.ShedResponse;
import dev.resilience.shedding.SheddableHandlers;
import dev.resilience.shedding.SheddingMetrics;
import dev.resilience.shedding.SheddingSection;
import dev.resilience.shedding.SheddingTier;
import dev.resilience.shedding.TomcatWorkerPoolProbe;
import dev.resilience.shedding.WorkerPoolCapacityListener;
import dev.resilience.shedding.WorkerPoolProbe;
import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.DispatcherType;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingFilterBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.thread.Threading;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.server.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.observation.ServerRequestObservationConvention;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Auto-configuration of load shedding for Spring MVC applications on an embedded servlet server.
 */
@AutoConfiguration(
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnBooleanProperty(name = "resilience.shedding.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SheddingProperties.class)
public final class SheddingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PressureGauge pressureGauge(SheddingProperties properties, Environment environment) {
		return new PressureGauge(WorkerPoolCapacityListener.provisional(Threading.VIRTUAL.isActive(environment),
				properties.getMaxConcurrentRequests()));
	}

	@Bean
	@ConditionalOnMissingFilterBean(LoadSheddingFilter.class)
	FilterRegistrationBean<LoadSheddingFilter> loadSheddingFilter(PressureGauge gauge, LoadShedder shedder) {
		FilterRegistrationBean<LoadSheddingFilter> registration = new FilterRegistrationBean<>(
				new LoadSheddingFilter(gauge, shedder));
		registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);
		registration.setOrder(LoadSheddingFilter.ORDER);
		registration.setAsyncSupported(true);
		return registration;
	}

	@Bean
	@ConditionalOnMissingBean
	WorkerPoolCapacityListener workerPoolCapacityListener(PressureGauge gauge, SheddingProperties properties,
			ObjectProvider<WorkerPoolProbe> probes, Environment environment) {
		return new WorkerPoolCapacityListener(gauge, probes.orderedStream().toList(),
				Threading.VIRTUAL.isActive(environment), properties.getMaxConcurrentRequests(),
				properties.getThreshold());
	}

	@Bean
	@ConditionalOnMissingBean
	SheddableHandlers sheddableHandlers(SheddingProperties properties, Environment environment) {
		List<SheddingTier> tiers = new ArrayList<>();
		properties.getTiers()
			.forEach((name, tier) -> tiers.add(new SheddingTier(name, tier.getThreshold(), tier.getPaths())));
		return new SheddableHandlers(properties.getThreshold(), tiers, environment::resolveRequiredPlaceholders);
	}

	@Bean
	SmartInitializingSingleton sheddableHandlersRegistration(SheddableHandlers handlers,
			ObjectProvider<HandlerMapping> mappings, ObjectProvider<SheddingMetrics> metrics) {
		return () -> {
			handlers.register(mappings.orderedStream().toList());
			// the registry may have bound the metrics before the handlers were known
			metrics.ifAvailable(SheddingMetrics::registerKnownUriTemplates);
		};
	}

	@Bean
	@ConditionalOnMissingBean
	ShedResponse shedResponse(SheddingProperties properties, ObjectProvider<ShedProblemDetailCustomizer> customizers) {
		return new ShedResponse(properties.getRejectionStatus(), properties.getRetryAfter(),
				properties.getRetryAfterJitter(), customizers.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	LoadShedder loadShedder(PressureGauge gauge, SheddableHandlers handlers, List<RejectionListener> listeners,
			ShedResponse shedResponse, ObjectProvider<ShedRequestObserver> observer, SheddingProperties properties) {
		RejectionListener listener = switch (listeners.size()) {
			case 0 -> (uriTemplate, dryRun) -> {
			};
			case 1 -> listeners.get(0);
			default -> (uriTemplate, dryRun) -> listeners.forEach((each) -> each.onRejected(uriTemplate, dryRun));
		};
		return new LoadShedder(gauge, handlers, listener, shedResponse,
				observer.getIfAvailable(() -> ShedRequestObserver.NONE), properties.isDryRun());
	}

	@Bean
	@ConditionalOnMissingBean
	SheddingSection sheddingSection(PressureGauge gauge, LoadShedder shedder, SheddableHandlers handlers) {
		return new SheddingSection(gauge, shedder, handlers);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.observation.ObservationRegistry")
	@ConditionalOnBean(type = "io.micrometer.observation.ObservationRegistry")
	static class ObservationConfiguration {

		// the convention and name that Boot's ServerHttpObservationFilter registration uses
		@Bean
		@ConditionalOnMissingBean(ShedRequestObserver.class)
		ServerRequestShedObserver serverRequestShedObserver(ObservationRegistry registry,
				ObjectProvider<ServerRequestObservationConvention> convention, Environment environment) {
			String name = environment.getProperty("management.observations.http.server.requests.name",
					"http.server.requests");
			return new ServerRequestShedObserver(registry,
					convention.getIfAvailable(() -> new DefaultServerRequestObservationConvention(name)));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.resilience.InvocationRejectedException")
	static class ConcurrencyLimitConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ConcurrencyLimitRejectionResolver concurrencyLimitRejectionResolver(LoadShedder shedder) {
			return new ConcurrencyLimitRejectionResolver(shedder);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.tomcat.TomcatWebServer")
	static class TomcatProbeConfiguration {

		@Bean
		@ConditionalOnMissingBean
		TomcatWorkerPoolProbe tomcatWorkerPoolProbe() {
			return new TomcatWorkerPoolProbe();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.jetty.JettyWebServer")
	static class JettyProbeConfiguration {

		@Bean
		@ConditionalOnMissingBean
		JettyWorkerPoolProbe jettyWorkerPoolProbe() {
			return new JettyWorkerPoolProbe();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SheddingMetrics sheddingMetrics(PressureGauge gauge, SheddableHandlers handlers,
				ObjectProvider<LoadShedder> shedder) {
			// the shedder tells its listeners, the metrics among them, of rejections: look it up when first scraped
			SingletonSupplier<LoadShedder> dryRunOf = SingletonSupplier.of(shedder::getObject);
			return new SheddingMetrics(gauge, handlers, () -> dryRunOf.obtain().isDryRun());
		}

	}

}
