package dev.resilience.shedding.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import dev.resilience.actuate.ResilienceEndpoint;
import dev.resilience.actuate.autoconfigure.ResilienceEndpointAutoConfiguration;
import dev.resilience.shedding.ConcurrencyLimitRejectionResolver;
import dev.resilience.shedding.JettyWorkerPoolProbe;
import dev.resilience.shedding.LoadShedder;
import dev.resilience.shedding.LoadSheddingFilter;
import dev.resilience.shedding.PressureGauge;
import dev.resilience.shedding.PressureGauge.Capacity;
import dev.resilience.shedding.PressureGauge.Mode;
import dev.resilience.shedding.ServerRequestShedObserver;
import dev.resilience.shedding.ShedProblemDetailCustomizer;
import dev.resilience.shedding.ShedRequestObserver;
import dev.resilience.shedding.ShedResponse;
import dev.resilience.shedding.Sheddable;
import dev.resilience.shedding.SheddableHandlers;
import dev.resilience.shedding.SheddingMetrics;
import dev.resilience.shedding.SheddingSection;
import dev.resilience.shedding.TomcatWorkerPoolProbe;
import dev.resilience.shedding.WorkerPoolCapacityListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.observation.ServerRequestObservationConvention;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

class SheddingAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SheddingAutoConfiguration.class));

	@Test
	void servletWebApplicationGetsLoadShedding() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(PressureGauge.class)
				.hasSingleBean(LoadShedder.class)
				.hasSingleBean(SheddingSection.class)
				.hasSingleBean(SheddingMetrics.class);
			assertThat(context.getBean("loadSheddingFilter", FilterRegistrationBean.class).getFilter())
				.isInstanceOf(LoadSheddingFilter.class);
			assertThat(context.getBean(PressureGauge.class).capacity().size()).isEqualTo(200);
		});
	}

	@Test
	void notAWebApplicationGetsNothing() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SheddingAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(PressureGauge.class)
				.doesNotHaveBean(LoadShedder.class));
	}

	@Test
	void disabledGetsNothing() {
		this.runner.withPropertyValues("resilience.shedding.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(PressureGauge.class)
				.doesNotHaveBean(LoadShedder.class)
				.doesNotHaveBean("loadSheddingFilter"));
	}

	@Test
	void userGaugeReplacesOurs() {
		this.runner.withUserConfiguration(UserGaugeConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(PressureGauge.class);
			assertThat(context.getBean(PressureGauge.class).capacity().source()).isEqualTo("user");
		});
	}

	@Test
	void withoutMicrometerSheddingStillWorks() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasSingleBean(LoadShedder.class)
				.doesNotHaveBean(SheddingMetrics.class));
	}

	@Test
	void withoutActuatorSheddingStillWorks() {
		this.runner
			.withConfiguration(AutoConfigurations.of(ResilienceEndpointAutoConfiguration.class,
					EndpointAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).hasSingleBean(LoadShedder.class)
				.doesNotHaveBean(ResilienceEndpoint.class));
	}

	@Test
	void endpointListsTheSheddingSection() {
		this.runner
			.withConfiguration(AutoConfigurations.of(ResilienceEndpointAutoConfiguration.class,
					EndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=resilience")
			.run((context) -> assertThat(context.getBean(ResilienceEndpoint.class).resilience())
				.containsKey("shedding"));
	}

	@Test
	void thresholdOutsideTheUnitIntervalFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("resilience.shedding.threshold=1.5")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("resilience.shedding.threshold")
				.hasMessageContaining("greater than 0 and at most 1"));
		this.runner.withPropertyValues("resilience.shedding.threshold=0")
			.run((context) -> assertThat(context).hasFailed());
	}

	@Test
	void nonPositiveRetryAfterFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("resilience.shedding.retry-after=0s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("resilience.shedding.retry-after")
				.hasMessageContaining("positive duration"));
		this.runner.withPropertyValues("resilience.shedding.retry-after=-1s")
			.run((context) -> assertThat(context).hasFailed());
	}

	@Test
	void rejectionStatusOtherThan429Or503FailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("resilience.shedding.rejection-status=500")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("resilience.shedding.rejection-status")
				.hasMessageContaining("must be 429 or 503"));
		this.runner.withPropertyValues("resilience.shedding.rejection-status=503")
			.run((context) -> assertThat(context.getBean(ShedResponse.class).status()).isEqualTo(503));
		this.runner.run((context) -> assertThat(context.getBean(ShedResponse.class).status()).isEqualTo(429));
	}

	@Test
	void retryAfterJitterOutsideZeroToOneHourFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("resilience.shedding.retry-after-jitter=-1s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("resilience.shedding.retry-after-jitter")
				.hasMessageContaining("zero or a positive duration"));
		this.runner.withPropertyValues("resilience.shedding.retry-after-jitter=61m")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("resilience.shedding.retry-after-jitter")
				.hasMessageContaining("at most 1h"));
	}

	@Test
	void retryAfterWindowDefaultsToOneToThreeSeconds() {
		this.runner.run((context) -> {
			ShedResponse response = context.getBean(ShedResponse.class);
			assertThat(response.minRetryAfterSeconds()).isEqualTo(1);
			assertThat(response.maxRetryAfterSeconds()).isEqualTo(3);
		});
		this.runner
			.withPropertyValues("resilience.shedding.retry-after=1500ms", "resilience.shedding.retry-after-jitter=0")
			.run((context) -> {
				ShedResponse response = context.getBean(ShedResponse.class);
				assertThat(response.minRetryAfterSeconds()).isEqualTo(2);
				assertThat(response.maxRetryAfterSeconds()).isEqualTo(2);
			});
	}

	@Test
	void problemDetailCustomizersAreAppliedInOrderAndUserShedResponseReplacesOurs() {
		this.runner.withBean("second", ShedProblemDetailCustomizer.class,
				() -> (problem) -> problem.setTitle(problem.getTitle() + " (2)"))
			.withBean("first", ShedProblemDetailCustomizer.class, () -> new OrderedCustomizer())
			.run((context) -> assertThat(context.getBean(ShedResponse.class).problemJson("/x"))
				.contains("\"type\":\"https://errors.example/busy\"", "\"title\":\"Busy (2)\"",
						"\"status\":429", "\"instance\":\"/x\""));
		this.runner.withBean("userShedResponse", ShedResponse.class,
				() -> new ShedResponse(503, Duration.ofSeconds(5), Duration.ZERO, List.of()))
			.run((context) -> assertThat(context.getBean(ShedResponse.class).status()).isEqualTo(503));
	}

	@Test
	void nonPositiveMaxConcurrentRequestsFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("resilience.shedding.max-concurrent-requests=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("resilience.shedding.max-concurrent-requests")
				.hasMessageContaining("at least 1"));
	}

	@Test
	void annotationThresholdOutsideTheUnitIntervalFailsStartupNamingTheHandler() {
		this.runner.withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class))
			.withUserConfiguration(BadThresholdController.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("@Sheddable(threshold = 1.2)")
				.hasStackTraceContaining("BadThresholdController#report"));
	}

	@Test
	void sheddingFilterIsRegisteredAtItsDocumentedOrder() {
		this.runner.run((context) -> {
			FilterRegistrationBean<?> registration = context.getBean("loadSheddingFilter",
					FilterRegistrationBean.class);
			assertThat(registration.getOrder()).isEqualTo(LoadSheddingFilter.ORDER)
				.isEqualTo(Ordered.HIGHEST_PRECEDENCE);
		});
	}

	@Test
	void userFilterRegistrationReplacesOurs() {
		this.runner.withUserConfiguration(UserFilterRegistrationConfiguration.class).run((context) -> {
			assertThat(context).doesNotHaveBean("loadSheddingFilter").hasBean("userSheddingFilter");
			assertThat(context.getBeansOfType(FilterRegistrationBean.class)).hasSize(1);
		});
	}

	@Test
	void userSheddingFilterBeanReplacesOurRegistration() {
		this.runner.withUserConfiguration(UserFilterConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean("loadSheddingFilter")
				.hasSingleBean(LoadSheddingFilter.class));
	}

	@Test
	void userSectionReplacesOurs() {
		this.runner.withUserConfiguration(UserSectionConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(SheddingSection.class).hasBean("userSection");
		});
	}

	@Test
	void userCapacityListenerReplacesOurs() {
		this.runner.withUserConfiguration(UserCapacityListenerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(WorkerPoolCapacityListener.class).hasBean("userCapacityListener");
		});
	}

	@Test
	void userWorkerPoolProbesReplaceOurs() {
		this.runner.withUserConfiguration(UserProbeConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(TomcatWorkerPoolProbe.class)
				.hasBean("userTomcatProbe")
				.hasSingleBean(JettyWorkerPoolProbe.class)
				.hasBean("userJettyProbe");
		});
	}

	@Test
	void concurrencyLimitRejectionsAreResolvedUnlessTheUserResolvesThem() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(ConcurrencyLimitRejectionResolver.class));
		this.runner.withBean("userResolver", ConcurrencyLimitRejectionResolver.class,
				() -> new ConcurrencyLimitRejectionResolver(null))
			.run((context) -> assertThat(context).hasSingleBean(ConcurrencyLimitRejectionResolver.class)
				.hasBean("userResolver"));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserFilterRegistrationConfiguration {

		@Bean
		FilterRegistrationBean<LoadSheddingFilter> userSheddingFilter(PressureGauge gauge, LoadShedder shedder) {
			return new FilterRegistrationBean<>(new LoadSheddingFilter(gauge, shedder));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserFilterConfiguration {

		@Bean
		LoadSheddingFilter userSheddingFilter(PressureGauge gauge, LoadShedder shedder) {
			return new LoadSheddingFilter(gauge, shedder);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserSectionConfiguration {

		@Bean
		SheddingSection userSection(PressureGauge gauge, LoadShedder shedder, SheddableHandlers handlers) {
			return new SheddingSection(gauge, shedder, handlers);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserCapacityListenerConfiguration {

		@Bean
		WorkerPoolCapacityListener userCapacityListener(PressureGauge gauge) {
			return new WorkerPoolCapacityListener(gauge, List.of(), false, 50, 0.85);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserProbeConfiguration {

		@Bean
		TomcatWorkerPoolProbe userTomcatProbe() {
			return new TomcatWorkerPoolProbe();
		}

		@Bean
		JettyWorkerPoolProbe userJettyProbe() {
			return new JettyWorkerPoolProbe();
		}

	}

	@Order(1)
	static class OrderedCustomizer implements ShedProblemDetailCustomizer {

		@Override
		public void customize(ProblemDetail problem) {
			problem.setType(URI.create("https://errors.example/busy"));
			problem.setTitle("Busy");
			problem.setStatus(500); // ignored
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserGaugeConfiguration {

		@Bean
		PressureGauge userGauge() {
			return new PressureGauge(new Capacity(Mode.CONCURRENCY_LIMIT, 7, "user"));
		}

	}

	@RestController
	static class BadThresholdController {

		@Sheddable(threshold = 1.2)
		@GetMapping("/report")
		String report() {
			return "report";
		}

	}

	@Test
	void shedRequestsAreNotObservedWithoutAnObservationRegistry() {
		this.runner.run((context) -> {
			assertThat(context).doesNotHaveBean(ShedRequestObserver.class);
			assertThat(context.getBean(LoadShedder.class)).extracting("observer").isSameAs(ShedRequestObserver.NONE);
		});
	}

	@Test
	void shedRequestsAreObservedWithTheApplicationsServerRequestConvention() {
		ServerRequestObservationConvention convention = new DefaultServerRequestObservationConvention("custom");
		this.runner.withBean(ObservationRegistry.class, ObservationRegistry::create)
			.withBean(ServerRequestObservationConvention.class, () -> convention)
			.run((context) -> {
				ServerRequestShedObserver observer = context.getBean(ServerRequestShedObserver.class);
				assertThat(observer).extracting("convention").isSameAs(convention);
				assertThat(context.getBean(LoadShedder.class)).extracting("observer").isSameAs(observer);
			});
	}

	@Test
	void shedRequestsAreObservedUnderTheConfiguredNameByDefault() {
		this.runner.withBean(ObservationRegistry.class, ObservationRegistry::create)
			.withPropertyValues("management.observations.http.server.requests.name=http.in")
			.run((context) -> assertThat(context.getBean(ServerRequestShedObserver.class)).extracting("convention")
				.extracting("name")
				.isEqualTo("http.in"));
	}

	@Test
	void shedRequestObserverBacksOffForTheApplicationsOwn() {
		ShedRequestObserver own = (request, response, uriTemplate, rejection) -> rejection.write(request, response);
		this.runner.withBean(ObservationRegistry.class, ObservationRegistry::create)
			.withBean(ShedRequestObserver.class, () -> own)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(ServerRequestShedObserver.class);
				assertThat(context.getBean(LoadShedder.class)).extracting("observer").isSameAs(own);
			});
	}

	@Test
	void shedRequestsAreNotObservedWithoutMicrometerObservation() {
		this.runner.withClassLoader(new FilteredClassLoader(ObservationRegistry.class))
			.run((context) -> assertThat(context).hasSingleBean(LoadShedder.class)
				.doesNotHaveBean(ShedRequestObserver.class));
	}

}
