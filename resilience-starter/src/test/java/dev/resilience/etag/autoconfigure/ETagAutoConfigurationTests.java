package dev.resilience.etag.autoconfigure;

import java.util.List;

import dev.resilience.etag.ChangesResource;
import dev.resilience.etag.ConditionalRequestBodyAdvice;
import dev.resilience.etag.ConditionalRequestHandlers;
import dev.resilience.etag.ConditionalRequestInterceptor;
import dev.resilience.etag.ConditionalRequestWebMvcConfigurer;
import dev.resilience.etag.ConditionalRequestsSection;
import dev.resilience.etag.ETagged;
import dev.resilience.etag.InMemoryResourceVersionStore;
import dev.resilience.etag.MicrometerConditionalRequestMetrics;
import dev.resilience.etag.RedisResourceVersionStore;
import dev.resilience.etag.RedisResourceVersionStoreMetrics;
import dev.resilience.etag.ResourceVersionResolver;
import dev.resilience.etag.ResourceVersionStore;
import dev.resilience.etag.ResourceVersions;
import dev.resilience.support.ResilienceSection;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.support.ConfigurableWebBindingInitializer;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class ETagAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ETagAutoConfiguration.class));

	private final WebApplicationContextRunner mvcRunner = this.runner
		.withConfiguration(AutoConfigurations.of(DispatcherServletAutoConfiguration.class,
				HttpMessageConvertersAutoConfiguration.class, WebMvcAutoConfiguration.class));

	@Test
	void servletWebApplicationGetsConditionalRequests() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(InMemoryResourceVersionStore.class)
				.hasSingleBean(ResourceVersions.class)
				.hasSingleBean(ConditionalRequestInterceptor.class)
				.hasSingleBean(ConditionalRequestBodyAdvice.class)
				.hasSingleBean(ConditionalRequestWebMvcConfigurer.class)
				.hasSingleBean(ConditionalRequestHandlers.class)
				.doesNotHaveBean(MicrometerConditionalRequestMetrics.class);
			assertThat(context.getBeansOfType(ResilienceSection.class).values()).extracting(ResilienceSection::name)
				.containsExactly("etag");
		});
	}

	@Test
	void inMemoryStoreLogsTheSingleInstanceCaveatWhenAHandlerUsesIt(CapturedOutput output) {
		this.mvcRunner.withUserConfiguration(GoodController.class)
			.run((context) -> assertThat(output).contains("in-memory resource version store active for [place]")
				.contains("correct on a single instance only"));
	}

	@Test
	void noAnnotatedHandlerLogsNoCaveat(CapturedOutput output) {
		this.mvcRunner.withUserConfiguration(PlainController.class).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(InMemoryResourceVersionStore.class);
			assertThat(output).doesNotContain("in-memory resource version store active");
		});
	}

	@Test
	void handlersOfResolvedResourcesOnlyLogNoCaveat(CapturedOutput output) {
		this.mvcRunner.withUserConfiguration(GoodController.class)
			.withBean(ResourceVersionResolver.class, () -> ResourceVersionResolver.of("place", (key) -> null))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).doesNotContain("in-memory resource version store active");
			});
	}

	@Test
	void userStoreLogsNoCaveat(CapturedOutput output) {
		this.mvcRunner.withUserConfiguration(GoodController.class)
			.withBean(ResourceVersionStore.class, () -> new InMemoryResourceVersionStore(3))
			.run((context) -> assertThat(output).doesNotContain("in-memory resource version store active"));
	}

	@Test
	void userBodyAdviceAndWebMvcConfigurerBackOff() {
		this.runner.withUserConfiguration(UserWiring.class)
			.run((context) -> assertThat(context).hasSingleBean(ConditionalRequestBodyAdvice.class)
				.hasSingleBean(ConditionalRequestWebMvcConfigurer.class)
				.hasBean("myAdvice")
				.hasBean("myConfigurer")
				.doesNotHaveBean("conditionalRequestBodyAdvice")
				.doesNotHaveBean("conditionalRequestWebMvcConfigurer"));
	}

	@Test
	void keysConvertWithTheConversionServiceMvcBindsWith() {
		this.mvcRunner.withUserConfiguration(GoodController.class).run((context) -> {
			ConditionalRequestHandlers handlers = context.getBean(ConditionalRequestHandlers.class);
			assertThat(handlers).extracting("conversion")
				.isSameAs(context.getBean(RequestMappingHandlerAdapter.class).getWebBindingInitializer() instanceof
						ConfigurableWebBindingInitializer binding ? binding.getConversionService() : null)
				.isNotNull();
		});
	}

	@Test
	void disabledByProperty() {
		this.runner.withPropertyValues("resilience.etag.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ResourceVersions.class)
				.doesNotHaveBean(ConditionalRequestInterceptor.class)
				.doesNotHaveBean(ConditionalRequestsSection.class));
	}

	@Test
	void notAWebApplication() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ETagAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ResourceVersions.class));
	}

	@Test
	void springMvcMissing() {
		this.runner.withClassLoader(new FilteredClassLoader(HandlerInterceptor.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ResourceVersions.class));
	}

	@Test
	void userStoreAndVersionsBackOff() {
		ResourceVersionStore store = new InMemoryResourceVersionStore(3);
		ResourceVersions versions = new ResourceVersions(store);
		this.runner.withBean(ResourceVersionStore.class, () -> store).run((context) -> {
			assertThat(context).getBean(ResourceVersionStore.class).isSameAs(store);
			assertThat(context.getBean(ResourceVersions.class).store()).isSameAs(store);
		});
		this.runner.withBean(ResourceVersions.class, () -> versions)
			.run((context) -> assertThat(context).getBean(ResourceVersions.class).isSameAs(versions));
	}

	@Test
	void resolverBeansArePickedUp() {
		this.runner.withBean(ResourceVersionResolver.class, () -> ResourceVersionResolver.of("place", (key) -> null))
			.run((context) -> assertThat(context.getBean(ResourceVersions.class).hasResolver("place")).isTrue());
	}

	@Test
	void maxEntriesBoundsTheInMemoryStore() {
		this.runner.withPropertyValues("resilience.etag.max-entries=7")
			.run((context) -> assertThat(context.getBean(InMemoryResourceVersionStore.class).maxEntries()).isEqualTo(7));
	}

	@Test
	void micrometerCountersWithARegistry() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> assertThat(context).hasSingleBean(MicrometerConditionalRequestMetrics.class));
	}

	@Test
	void countersRegisteredAtZeroAtStartupForEveryAnnotatedResource() {
		this.mvcRunner.withUserConfiguration(GoodController.class)
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get(MicrometerConditionalRequestMetrics.NOT_MODIFIED)
					.tag("resource", "place")
					.counter()
					.count()).isZero();
				assertThat(registry.get(MicrometerConditionalRequestMetrics.PRECONDITION_FAILED)
					.tag("resource", "place")
					.counter()
					.count()).isZero();
			});
	}

	@Test
	void noCountersWhenDisabled() {
		this.mvcRunner.withUserConfiguration(GoodController.class)
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("resilience.etag.enabled=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(MicrometerConditionalRequestMetrics.class);
				assertThat(context.getBean(MeterRegistry.class).getMeters())
					.noneSatisfy((meter) -> assertThat(meter.getId().getName()).startsWith("resilience.etag"));
			});
	}

	@Test
	void micrometerMissing() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class)).run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(ConditionalRequestInterceptor.class)
				.doesNotHaveBean(MicrometerConditionalRequestMetrics.class);
		});
	}

	@Test
	void redisStoreWithALettuceConnectionFactory() {
		this.runner.withPropertyValues("resilience.etag.store=redis", "resilience.etag.redis.key-prefix=app:v:",
				"resilience.etag.redis.timeout=100ms")
			.withBean(RedisConnectionFactory.class, () -> new LettuceConnectionFactory("127.0.0.1", 1))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
				assertThat(context).hasSingleBean(RedisResourceVersionStore.class)
					.doesNotHaveBean(InMemoryResourceVersionStore.class)
					.hasSingleBean(RedisResourceVersionStoreMetrics.class);
				RedisResourceVersionStore store = context.getBean(RedisResourceVersionStore.class);
				assertThat(store.prefix()).isEqualTo("app:v:");
				assertThat(store.isShared()).isTrue();
				assertThat(context.getBean(MeterRegistry.class).find("resilience.etag.store.breaker").gauge())
					.isNotNull();
				assertThat(context.getBean(ConditionalRequestsSection.class).describe())
					.extractingByKey("store", InstanceOfAssertFactories.MAP)
					.containsEntry("kind", "redis")
					.containsEntry("health", "UP")
					.containsEntry("breaker", "CLOSED");
			});
	}

	@Test
	void redisStoreWithoutAConnectionFactoryFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("resilience.etag.store=redis")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("resilience.etag.store=redis")
				.hasMessageContaining("RedisConnectionFactory"));
	}

	@Test
	void redisStoreWithoutSpringDataRedisFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("resilience.etag.store=redis")
			.withClassLoader(new FilteredClassLoader(RedisConnectionFactory.class))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("resilience.etag.store=redis")
				.hasMessageContaining("spring-boot-starter-data-redis"));
	}

	@Test
	void springDataRedisMissingKeepsTheInMemoryStore() {
		this.runner.withClassLoader(new FilteredClassLoader(RedisConnectionFactory.class, RedisClient.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(InMemoryResourceVersionStore.class)
				.hasSingleBean(ConditionalRequestInterceptor.class));
	}

	@Test
	void memoryIsTheDefaultStoreEvenWithAConnectionFactory() {
		this.runner.withBean(RedisConnectionFactory.class, () -> new LettuceConnectionFactory("127.0.0.1", 1))
			.run((context) -> assertThat(context).hasSingleBean(InMemoryResourceVersionStore.class)
				.doesNotHaveBean(RedisResourceVersionStore.class));
	}

	@Test
	void userStoreBacksOffTheRedisStore() {
		this.runner.withPropertyValues("resilience.etag.store=redis")
			.withBean(ResourceVersionStore.class, () -> new InMemoryResourceVersionStore(5))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RedisResourceVersionStore.class));
	}

	@Test
	void unknownStoreFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("resilience.etag.store=disk")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Failed to bind properties under 'resilience.etag.store'"));
	}

	@Test
	void nonPositiveRedisTimeoutFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("resilience.etag.redis.timeout=0ms")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("resilience.etag.redis.timeout"));
	}

	@Test
	void nonPositiveFailureThresholdFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("resilience.etag.redis.failure-threshold=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("resilience.etag.redis.failure-threshold"));
	}

	@Test
	void timeToLiveShorterThanTheLeaseFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("resilience.etag.redis.time-to-live=10s",
				"resilience.etag.redis.reservation-lease=30s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("resilience.etag.redis.time-to-live"));
	}

	@Test
	void nonPositiveMaxEntriesFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("resilience.etag.max-entries=0").run((context) -> assertThat(context)
			.getFailure()
			.rootCause()
			.hasMessageContaining("resilience.etag.max-entries")
			.hasMessageContaining("must be at least 1"));
	}

	@Test
	void blankCacheControlFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("resilience.etag.cache-control= ")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("resilience.etag.cache-control"));
	}

	@Test
	void annotatedHandlersAreCheckedAtStartup() {
		this.mvcRunner.withUserConfiguration(GoodController.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(ConditionalRequestHandlers.class).handlersByResource())
				.containsOnlyKeys("place")
				.extractingByKey("place")
				.asInstanceOf(InstanceOfAssertFactories.ITERABLE)
				.containsExactlyInAnyOrder("read ETagAutoConfigurationTests.GoodController#get",
						"write ETagAutoConfigurationTests.GoodController#put");
		});
	}

	@Test
	void etaggedOnAPostFailsStartupNamingTheMethod() {
		this.mvcRunner.withUserConfiguration(ETaggedPostController.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("@ETagged on ETagAutoConfigurationTests.ETaggedPostController#create")
				.hasMessageContaining("GET"));
	}

	@Test
	void etaggedOnEveryMethodFailsStartup() {
		this.mvcRunner.withUserConfiguration(ETaggedAnyMethodController.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("ETaggedAnyMethodController#any")
				.hasMessageContaining("every method"));
	}

	@Test
	void changesResourceOnAGetFailsStartup() {
		this.mvcRunner.withUserConfiguration(ChangesOnGetController.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("@ChangesResource on ETagAutoConfigurationTests.ChangesOnGetController#get"));
	}

	@Test
	void badSpelFailsStartupNamingTheMethod() {
		this.mvcRunner.withUserConfiguration(BadSpelController.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("BadSpelController#get")
				.hasMessageContaining("not a valid SpEL expression"));
	}

	@Test
	void unknownKeyVariableFailsStartupNamingTheMethod() {
		this.mvcRunner.withUserConfiguration(UnknownVariableController.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("UnknownVariableController#get")
				.hasMessageContaining("#placeId"));
	}

	@Configuration(proxyBeanMethods = false)
	@RestController
	static class GoodController {

		@ETagged(resource = "place", key = "#id")
		@GetMapping("/places/{id}")
		String get(@PathVariable String id) {
			return id;
		}

		@ChangesResource(resource = "place", key = "#id")
		@PutMapping("/places/{id}")
		String put(@PathVariable String id) {
			return id;
		}

		@GetMapping("/other")
		List<String> other() {
			return List.of();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserWiring {

		@Bean
		ConditionalRequestBodyAdvice myAdvice(ConditionalRequestInterceptor interceptor) {
			return new ConditionalRequestBodyAdvice(interceptor);
		}

		@Bean
		ConditionalRequestWebMvcConfigurer myConfigurer(ConditionalRequestInterceptor interceptor) {
			return new ConditionalRequestWebMvcConfigurer(interceptor);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@RestController
	static class PlainController {

		@GetMapping("/plain/{id}")
		String get(@PathVariable String id) {
			return id;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@RestController
	static class ETaggedPostController {

		@ETagged(resource = "place", key = "#id")
		@PostMapping("/places/{id}")
		String create(@PathVariable String id) {
			return id;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@RestController
	static class ETaggedAnyMethodController {

		@ETagged(resource = "place", key = "#id")
		@RequestMapping("/places/{id}")
		String any(@PathVariable String id) {
			return id;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@RestController
	static class ChangesOnGetController {

		@ChangesResource(resource = "place", key = "#id")
		@GetMapping("/places/{id}")
		String get(@PathVariable String id) {
			return id;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@RestController
	static class BadSpelController {

		@ETagged(resource = "place", key = "#id +")
		@GetMapping("/places/{id}")
		String get(@PathVariable String id) {
			return id;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@RestController
	static class UnknownVariableController {

		@ETagged(resource = "place", key = "#placeId")
		@GetMapping("/places/{id}")
		String get(@PathVariable String id) {
			return id;
		}

	}

}
