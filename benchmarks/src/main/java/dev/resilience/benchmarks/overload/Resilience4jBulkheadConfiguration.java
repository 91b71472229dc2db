package dev.resilience.benchmarks.overload;

import java.time.Duration;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Variant (c): a resilience4j semaphore bulkhead on the expensive endpoint only, failing fast (no wait for a permit)
 * with {@code 429}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "spike.protection", havingValue = "resilience4j-bulkhead")
class Resilience4jBulkheadConfiguration {

	@Bean
	FilterRegistrationBean<BulkheadFilter> bulkheadFilter(
			@Value("${spike.bulkhead.max-concurrent-calls}") int maxConcurrentCalls) {
		BulkheadConfig config = BulkheadConfig.custom()
			.maxConcurrentCalls(maxConcurrentCalls)
			.maxWaitDuration(Duration.ZERO)
			.build();
		FilterRegistrationBean<BulkheadFilter> registration = new FilterRegistrationBean<>(
				new BulkheadFilter(Bulkhead.of("expensive", config)));
		registration.addUrlPatterns(SpikeController.EXPENSIVE_PATH);
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

}
