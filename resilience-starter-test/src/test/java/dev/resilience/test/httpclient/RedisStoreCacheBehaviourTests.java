package dev.resilience.test.httpclient;

import java.util.UUID;

import dev.resilience.test.redis.RedisServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The cache behaviour suite on the {@code redis} store, against a real {@code redis-server}.
 */
@TestPropertySource(properties = { "resilience.http-client.cache.store=redis",
		// this module's application.properties keeps Redis off; keep only its Jetty exclusion
		"spring.autoconfigure.exclude="
				+ "org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration",
		// a loaded build machine must not turn a slow answer into a store failure in tests about cache behaviour
		"resilience.http-client.cache.redis.timeout=2s" })
class RedisStoreCacheBehaviourTests extends AbstractCacheBehaviourTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.host", redis::host);
		registry.add("spring.data.redis.port", redis::port);
		registry.add("resilience.http-client.cache.redis.key-prefix", () -> "test:" + UUID.randomUUID() + ":");
	}

	@Override
	String expectedStore() {
		return "redis";
	}

}
