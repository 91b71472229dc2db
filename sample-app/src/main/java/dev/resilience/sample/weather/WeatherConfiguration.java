package dev.resilience.sample.weather;

import java.io.IOException;
import java.time.Duration;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Starts the sample's own upstream weather feed.
 */
@Configuration(proxyBeanMethods = false)
class WeatherConfiguration {

	@Bean
	WeatherFeed weatherFeed(@Value("${sample.weather.max-age:30s}") Duration maxAge,
			@Value("${sample.weather.revision-period:5m}") Duration revisionPeriod) throws IOException {
		return new WeatherFeed(maxAge, revisionPeriod);
	}

}
