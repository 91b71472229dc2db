package dev.resilience.timeouts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Timeouts of every Lettuce {@link LettuceConnectionFactory} bean, read from its client configuration.
 */
public final class RedisTimeouts implements TimeoutsContributor {

	private final ConfigurableEnvironment environment;

	private final ListableBeanFactory beanFactory;

	public RedisTimeouts(ConfigurableEnvironment environment, ListableBeanFactory beanFactory) {
		this.environment = environment;
		this.beanFactory = beanFactory;
	}

	@Override
	public String kind() {
		return "redis";
	}

	@Override
	public List<EffectiveTimeout> effectiveTimeouts() {
		TimeoutOrigins origins = new TimeoutOrigins(this.environment);
		List<EffectiveTimeout> timeouts = new ArrayList<>();
		this.beanFactory.getBeansOfType(LettuceConnectionFactory.class, false, false).forEach((name, factory) -> {
			LettuceClientConfiguration configuration = factory.getClientConfiguration();
			Duration connect = configuration.getClientOptions()
				.map(ClientOptions::getSocketOptions)
				.map(SocketOptions::getConnectTimeout)
				.orElse(SocketOptions.DEFAULT_CONNECT_TIMEOUT_DURATION);
			String client = "redis." + name;
			timeouts.add(origins.describe(client, "connect", "spring.data.redis.connect-timeout", connect,
					SocketOptions.DEFAULT_CONNECT_TIMEOUT_DURATION, true));
			timeouts.add(origins.describe(client, "command", "spring.data.redis.timeout",
					configuration.getCommandTimeout(), RedisURI.DEFAULT_TIMEOUT_DURATION, true));
		});
		return timeouts;
	}

}
