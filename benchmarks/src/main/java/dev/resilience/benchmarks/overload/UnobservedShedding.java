package dev.resilience.benchmarks.overload;

import dev.resilience.shedding.ShedRequestObserver;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Variant (b0): the starter's shedding with shed requests left out of {@code http.server.requests} (and traces), to
 * tell what recording them costs a rejection.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "spike.shed-observer", havingValue = "none")
class UnobservedShedding {

	@Bean
	ShedRequestObserver shedRequestObserver() {
		return ShedRequestObserver.NONE;
	}

}
