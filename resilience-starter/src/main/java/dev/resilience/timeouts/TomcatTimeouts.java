package dev.resilience.timeouts;

import java.time.Duration;
import java.util.List;

import org.apache.catalina.connector.Connector;
import org.apache.coyote.AbstractProtocol;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Timeouts of the embedded Tomcat's connector, read from the running protocol handler.
 */
public final class TomcatTimeouts implements TimeoutsContributor {

	/**
	 * Tomcat's own connection timeout ({@code Constants.DEFAULT_CONNECTION_TIMEOUT}); its keep-alive timeout follows
	 * the connection timeout unless set.
	 */
	private static final Duration TOMCAT_DEFAULT = Duration.ofSeconds(60);

	private final ConfigurableEnvironment environment;

	private final ApplicationContext context;

	public TomcatTimeouts(ConfigurableEnvironment environment, ApplicationContext context) {
		this.environment = environment;
		this.context = context;
	}

	@Override
	public String kind() {
		return "server";
	}

	@Override
	public List<EffectiveTimeout> effectiveTimeouts() {
		if (!(this.context instanceof WebServerApplicationContext webContext)
				|| !(webContext.getWebServer() instanceof TomcatWebServer tomcat)) {
			return List.of();
		}
		Connector connector = tomcat.getTomcat().getConnector();
		if (connector == null || !(connector.getProtocolHandler() instanceof AbstractProtocol<?> protocol)) {
			return List.of();
		}
		TimeoutOrigins origins = new TimeoutOrigins(this.environment);
		return List.of(
				origins.describe("tomcat", "connection", "server.tomcat.connection-timeout",
						millis(protocol.getConnectionTimeout()), TOMCAT_DEFAULT, true),
				origins.describe("tomcat", "keep-alive", "server.tomcat.keep-alive-timeout",
						millis(protocol.getKeepAliveTimeout()), millis(protocol.getConnectionTimeout()), false));
	}

	private static @Nullable Duration millis(int millis) {
		return (millis <= 0) ? null : Duration.ofMillis(millis);
	}

}
