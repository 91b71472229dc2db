package dev.resilience.actuate.autoconfigure;

import dev.resilience.actuate.ResilienceEndpoint;
import dev.resilience.support.ResilienceSection;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code resilience} actuator endpoint.
 */
@AutoConfiguration
@ConditionalOnClass(Endpoint.class)
@ConditionalOnAvailableEndpoint(ResilienceEndpoint.class)
public final class ResilienceEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ResilienceEndpoint resilienceEndpoint(ObjectProvider<ResilienceSection> sections) {
		return new ResilienceEndpoint(sections.orderedStream().toList());
	}

}
