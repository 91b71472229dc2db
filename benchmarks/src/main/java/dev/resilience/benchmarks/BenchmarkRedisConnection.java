package dev.resilience.benchmarks;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The application's Redis connection, as Spring Data Redis would configure it, on the benchmark's own
 * {@code redis-server} ({@code bench.redis.port}). Benchmarks wire it themselves rather than through Boot's Redis
 * auto-configuration, so that no other benchmark application gets a Redis client or health indicator.
 */
@Configuration(proxyBeanMethods = false)
public class BenchmarkRedisConnection {

	@Bean
	LettuceConnectionFactory redisConnectionFactory(Environment environment) {
		return new LettuceConnectionFactory("127.0.0.1",
				environment.getRequiredProperty("bench.redis.port", Integer.class));
	}

}
