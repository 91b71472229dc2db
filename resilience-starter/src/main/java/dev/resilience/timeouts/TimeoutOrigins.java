package dev.resilience.timeouts;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * Finds where a timeout in force came from by comparing the value a client was built with against the property that
 * sets it and the property source that holds that property.
 */
public final class TimeoutOrigins {

	/** Name of the property source that holds the starter's defaults. */
	public static final String DEFAULTS_PROPERTY_SOURCE = "resilienceTimeoutDefaults";

	private final ConfigurableEnvironment environment;

	public TimeoutOrigins(ConfigurableEnvironment environment) {
		this.environment = environment;
	}

	/**
	 * Describe one timeout of one client.
	 * @param client name of the client
	 * @param timeout which timeout
	 * @param property the property that sets it
	 * @param actual the value the client object holds, {@code null} when infinite
	 * @param frameworkDefault the value the client has when nobody sets it, {@code null} when infinite
	 * @param holdsThreads whether a caller's thread waits for as long as this timeout
	 * @return the effective timeout
	 */
	public EffectiveTimeout describe(String client, String timeout, String property, @Nullable Duration actual,
			@Nullable Duration frameworkDefault, boolean holdsThreads) {
		return describe(client, timeout, property, actual, frameworkDefault, holdsThreads, bind(property));
	}

	/**
	 * Describe one timeout of one client whose value the client holds differently from the property: in another unit
	 * or rounded.
	 * @param client name of the client
	 * @param timeout which timeout
	 * @param property the property that sets it
	 * @param actual the value the client object holds, {@code null} when infinite
	 * @param frameworkDefault the value the client has when nobody sets it, {@code null} when infinite
	 * @param holdsThreads whether a caller's thread waits for as long as this timeout
	 * @param fromProperty the value the client would hold if built from the property, {@code null} when infinite
	 * @return the effective timeout
	 */
	public EffectiveTimeout describe(String client, String timeout, String property, @Nullable Duration actual,
			@Nullable Duration frameworkDefault, boolean holdsThreads, @Nullable Duration fromProperty) {
		ConfigurationProperty configured = find(property);
		if (configured != null && Objects.equals(fromProperty, actual)) {
			boolean starter = isStarterDefault(configured);
			String detail = describe(configured);
			return new EffectiveTimeout(client, timeout, property, actual, actual == null,
					starter ? TimeoutOrigin.STARTER_DEFAULT : TimeoutOrigin.USER, detail, holdsThreads);
		}
		if (configured == null && Objects.equals(frameworkDefault, actual)) {
			return new EffectiveTimeout(client, timeout, property, actual, actual == null,
					TimeoutOrigin.FRAMEWORK_DEFAULT, "no property set", holdsThreads);
		}
		String detail = (configured != null) ? "client built in code, not from " + describe(configured)
				: "client built in code";
		return new EffectiveTimeout(client, timeout, property, actual, actual == null, TimeoutOrigin.USER, detail,
				holdsThreads);
	}

	/**
	 * Describe a timeout whose value is read from the environment alone (the client object is not visible).
	 * @param client name of the client
	 * @param timeout which timeout
	 * @param property the property that sets it
	 * @param frameworkDefault the value when nobody sets it, {@code null} when infinite or not known
	 * @param frameworkDefaultKnown whether {@code frameworkDefault} is known to the starter
	 * @param holdsThreads whether a caller's thread waits for as long as this timeout
	 * @return the effective timeout
	 */
	public EffectiveTimeout describeProperty(String client, String timeout, String property,
			@Nullable Duration frameworkDefault, boolean frameworkDefaultKnown, boolean holdsThreads) {
		ConfigurationProperty configured = find(property);
		if (configured == null) {
			String detail = frameworkDefaultKnown ? "no property set" : "no property set; client library's default";
			return new EffectiveTimeout(client, timeout, property, frameworkDefault,
					frameworkDefaultKnown && frameworkDefault == null, TimeoutOrigin.FRAMEWORK_DEFAULT, detail,
					holdsThreads);
		}
		Duration value = bind(property);
		boolean starter = isStarterDefault(configured);
		return new EffectiveTimeout(client, timeout, property, value, value == null,
				starter ? TimeoutOrigin.STARTER_DEFAULT : TimeoutOrigin.USER,
				describe(configured), holdsThreads);
	}

	/**
	 * Whether any property source other than the starter's defaults sets the property.
	 * @param property the property name
	 * @return whether the application sets it
	 */
	public boolean isSetByUser(String property) {
		ConfigurationProperty configured = find(property);
		return configured != null && !isStarterDefault(configured);
	}

	private @Nullable ConfigurationProperty find(String property) {
		ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			ConfigurationProperty configured = source.getConfigurationProperty(name);
			if (configured != null) {
				return configured;
			}
		}
		return null;
	}

	/**
	 * The property's value; zero and negative values mean "no timeout" to Hikari, Lettuce and Tomcat alike, and are
	 * returned as {@code null} (infinite), as the clients report them.
	 */
	private @Nullable Duration bind(String property) {
		Duration value = Binder.get(this.environment).bind(property, Duration.class).orElse(null);
		return (value == null || value.isZero() || value.isNegative()) ? null : value;
	}

	private static boolean isStarterDefault(ConfigurationProperty configured) {
		Object underlying = configured.getSource().getUnderlyingSource();
		return underlying instanceof PropertySource<?> source && DEFAULTS_PROPERTY_SOURCE.equals(source.getName());
	}

	private static String describe(ConfigurationProperty configured) {
		if (configured.getOrigin() != null) {
			return configured.getOrigin().toString();
		}
		Object underlying = configured.getSource().getUnderlyingSource();
		return (underlying instanceof PropertySource<?> source) ? "property source '" + source.getName() + "'"
				: String.valueOf(underlying);
	}

}
