package dev.resilience.benchmarks.overload;

import com.netflix.concurrency.limits.limit.VegasLimit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Variants (d) and (d'): a Netflix concurrency-limits limiter with the library's default algorithm (Vegas, initial
 * limit 20), on the URL patterns and with the maximum concurrency given by the variant. The library's defaults are
 * every request and a maximum of 1000.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "spike.protection", havingValue = "concurrency-limits")
class ConcurrencyLimitsConfiguration {

	@Bean
	FilterRegistrationBean<ConcurrencyLimitFilter> concurrencyLimitFilter(
			@Value("${spike.concurrency-limits.url-pattern:/*}") String urlPattern,
			@Value("${spike.concurrency-limits.max-concurrency:1000}") int maxConcurrency) {
		VegasLimit limit = VegasLimit.newBuilder().maxConcurrency(maxConcurrency).build();
		SimpleLimiter<HttpServletRequest> limiter = SimpleLimiter.newBuilder().named("spike").limit(limit).build();
		FilterRegistrationBean<ConcurrencyLimitFilter> registration = new FilterRegistrationBean<>(
				new ConcurrencyLimitFilter(limiter));
		registration.addUrlPatterns(urlPattern);
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

}
