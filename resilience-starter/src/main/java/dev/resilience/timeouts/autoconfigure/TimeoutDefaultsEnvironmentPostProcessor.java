package dev.resilience.timeouts.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.resilience.timeouts.TimeoutOrigins;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.IgnoreTopLevelConverterNotFoundBindHandler;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.env.OriginTrackedMapPropertySource;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

/**
 * Adds the starter's timeout defaults as the lowest-precedence property source, so that whatever the application sets
 * anywhere (configuration files, environment variables, system properties, command line, default properties,
 * {@code @PropertySource} files) wins. {@code @PropertySource} files come later: {@link TimeoutDefaultsOrderingInitializer}
 * derives the defaults again once they are in and puts them behind.
 *
 * <p>Client timeouts follow {@code resilience.timeouts.connect} and {@code resilience.timeouts.read}; server timeouts
 * are fixed (set the Boot property to change them). A service group assigned a profile under
 * {@code resilience.timeouts.serviceclient.<group>.profile} gets the profile's timeouts as its
 * {@code spring.http.serviceclient.<group>.connect-timeout} and {@code read-timeout}, again at lowest precedence.
 */
public class TimeoutDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/** Runs after the configuration files are loaded, so that it can read {@code resilience.timeouts.*}. */
	public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 10;

	/** Built-in profile for simple lookups that must fail fast. */
	static final Duration LOOKUP_READ = Duration.ofMillis(500);

	/** Built-in profile for slow, bulk calls. */
	static final Duration BATCH_READ = Duration.ofSeconds(30);

	/** Time Tomcat waits for a client to send its request (slow clients, half-open connections). */
	static final Duration TOMCAT_CONNECTION_TIMEOUT = Duration.ofSeconds(10);

	/** Time Tomcat keeps an idle keep-alive connection: above the 60 s idle timeout of common load balancers. */
	static final Duration TOMCAT_KEEP_ALIVE_TIMEOUT = Duration.ofSeconds(65);

	/** Hikari's floor for any of its timeouts. */
	private static final Duration HIKARI_FLOOR = Duration.ofMillis(250);

	private static final String DEFAULT_PROPERTIES = "defaultProperties";

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		addDefaults(environment);
	}

	/**
	 * Derive the defaults from the environment as it is now and add them as its last property source, replacing any
	 * added before.
	 * @param environment the environment
	 */
	static void addDefaults(ConfigurableEnvironment environment) {
		MutablePropertySources sources = environment.getPropertySources();
		sources.remove(TimeoutOrigins.DEFAULTS_PROPERTY_SOURCE);
		if (!Binder.get(environment).bind("resilience.timeouts.enabled", Boolean.class).orElse(true)) {
			return;
		}
		Map<String, Object> defaults = new LinkedHashMap<>();
		defaults.put("resilience.timeouts.profiles.lookup.read", tracked(format(LOOKUP_READ), "built-in profile"));
		defaults.put("resilience.timeouts.profiles.batch.read", tracked(format(BATCH_READ), "built-in profile"));
		// bind resilience.timeouts.* with the built-in profiles in place, then attach the complete, immutable source
		sources.addLast(
				new OriginTrackedMapPropertySource(TimeoutOrigins.DEFAULTS_PROPERTY_SOURCE, Map.copyOf(defaults)));
		TimeoutsProperties properties = bind(environment);
		sources.remove(TimeoutOrigins.DEFAULTS_PROPERTY_SOURCE);
		defaults.putAll(clientDefaults(properties));
		defaults.putAll(serverDefaults());
		properties.getServiceclient().forEach((group, client) -> {
			TimeoutsProperties.Profile profile = properties.getProfiles().get(client.getProfile());
			String prefix = "spring.http.serviceclient." + group + ".";
			String description = "profile '" + client.getProfile() + "' from resilience.timeouts.serviceclient."
					+ group + ".profile";
			defaults.put(prefix + "connect-timeout", tracked(format(properties.connectOf(profile)), description));
			defaults.put(prefix + "read-timeout", tracked(format(properties.readOf(profile)), description));
		});
		removeDefaultProperties(sources, defaults);
		sources.addLast(new OriginTrackedMapPropertySource(TimeoutOrigins.DEFAULTS_PROPERTY_SOURCE, defaults, true));
	}

	private static OriginTrackedValue tracked(Object value, String description) {
		return OriginTrackedValue.of(value, new DefaultsOrigin(description));
	}

	/**
	 * Defaults of the clients, derived from the connect and read timeouts.
	 * @param properties the bound properties
	 * @return property name to value
	 */
	static Map<String, Object> clientDefaults(TimeoutsProperties properties) {
		Duration connect = properties.getConnect();
		Duration read = properties.getRead();
		String followsConnect = "follows resilience.timeouts.connect";
		String followsRead = "follows resilience.timeouts.read";
		Map<String, Object> defaults = new LinkedHashMap<>();
		defaults.put("spring.http.clients.connect-timeout", tracked(format(connect), followsConnect));
		defaults.put("spring.http.clients.read-timeout", tracked(format(read), followsRead));
		defaults.put("resilience.http-client.pool.acquire-timeout", tracked(format(connect), followsConnect));
		defaults.put("spring.datasource.hikari.connection-timeout",
				tracked(String.valueOf(connect.toMillis()), followsConnect));
		Duration validation = (read.compareTo(connect) < 0) ? read : connect;
		if (validation.compareTo(HIKARI_FLOOR) < 0) {
			validation = HIKARI_FLOOR;
		}
		defaults.put("spring.datasource.hikari.validation-timeout", tracked(String.valueOf(validation.toMillis()),
				"follows resilience.timeouts.read, at most the connect timeout, at least 250ms"));
		long querySeconds = Math.max(1, (read.toMillis() + 999) / 1000);
		defaults.put("spring.jdbc.template.query-timeout", tracked(querySeconds + "s",
				"follows resilience.timeouts.read, rounded up to whole seconds (the unit of JDBC statement timeouts)"));
		defaults.put("spring.data.redis.connect-timeout", tracked(format(connect), followsConnect));
		defaults.put("spring.data.redis.timeout", tracked(format(read), followsRead));
		return defaults;
	}

	/**
	 * Defaults of the embedded server, which do not follow the client timeouts. {@code spring.mvc.async.request-timeout}
	 * gets none: it is also the timeout of every {@code SseEmitter}, {@code ResponseBodyEmitter} and
	 * {@code StreamingResponseBody} that sets none, and a short one would cut streams that plain Spring Boot keeps.
	 * @return property name to value
	 */
	static Map<String, Object> serverDefaults() {
		Map<String, Object> defaults = new LinkedHashMap<>();
		defaults.put("server.tomcat.connection-timeout", tracked(format(TOMCAT_CONNECTION_TIMEOUT), "fixed"));
		defaults.put("server.tomcat.keep-alive-timeout", tracked(format(TOMCAT_KEEP_ALIVE_TIMEOUT), "fixed"));
		return defaults;
	}

	private static TimeoutsProperties bind(ConfigurableEnvironment environment) {
		TimeoutsProperties target = new TimeoutsProperties();
		Binder.get(environment)
			.bind("resilience.timeouts", Bindable.ofInstance(target),
					new ValidationBindHandler(new IgnoreTopLevelConverterNotFoundBindHandler(), target));
		return target;
	}

	/**
	 * {@code defaultProperties} (set with {@code SpringApplication.setDefaultProperties}) is the application's own
	 * configuration, yet Spring Boot moves it behind every other source: leave out what it sets.
	 */
	private static void removeDefaultProperties(MutablePropertySources sources, Map<String, Object> defaults) {
		PropertySource<?> defaultProperties = sources.get(DEFAULT_PROPERTIES);
		if (defaultProperties == null) {
			return;
		}
		ConfigurationPropertySource source = ConfigurationPropertySource.from(defaultProperties);
		if (source != null) {
			defaults.keySet()
				.removeIf((name) -> source.getConfigurationProperty(ConfigurationPropertyName.of(name)) != null);
		}
	}

	private static String format(Duration duration) {
		return duration.toMillis() + "ms";
	}

	/**
	 * Why the starter's defaults hold a value, as the {@code resilience} endpoint reports it.
	 */
	private record DefaultsOrigin(String description) implements Origin {

		@Override
		public String toString() {
			return "starter default: " + this.description;
		}

	}

}
