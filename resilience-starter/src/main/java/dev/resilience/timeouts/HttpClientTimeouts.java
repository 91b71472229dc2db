package dev.resilience.timeouts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.autoconfigure.HttpClientProperties;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Timeouts of the HTTP clients that Spring Boot builds: the settings every {@code RestClient.Builder},
 * {@code RestTemplateBuilder} and request factory gets from {@code spring.http.clients.*}, and each HTTP service group's
 * own {@code spring.http.serviceclient.<group>.*}.
 */
public final class HttpClientTimeouts implements TimeoutsContributor {

	private static final String CONNECT = "spring.http.clients.connect-timeout";

	private static final String READ = "spring.http.clients.read-timeout";

	private final ConfigurableEnvironment environment;

	private final HttpClientSettings settings;

	private final ClientHttpRequestFactoryBuilder<?> builder;

	private final Supplier<Set<String>> groupNames;

	/**
	 * Create a new instance.
	 * @param environment the environment
	 * @param settings the application's HTTP client settings bean
	 * @param builder the application's request factory builder bean
	 * @param groupNames names of the HTTP service groups the application registered (more may come from properties)
	 */
	public HttpClientTimeouts(ConfigurableEnvironment environment, HttpClientSettings settings,
			ClientHttpRequestFactoryBuilder<?> builder, Supplier<Set<String>> groupNames) {
		this.environment = environment;
		this.settings = settings;
		this.builder = builder;
		this.groupNames = groupNames;
	}

	@Override
	public String kind() {
		return "http";
	}

	@Override
	public List<EffectiveTimeout> effectiveTimeouts() {
		TimeoutOrigins origins = new TimeoutOrigins(this.environment);
		LibraryDefaults library = LibraryDefaults.of(this.builder);
		List<EffectiveTimeout> timeouts = new ArrayList<>();
		EffectiveTimeout connect = describe(origins, library, "http-clients", "connect", CONNECT,
				this.settings.connectTimeout(), library.connect());
		EffectiveTimeout read = describe(origins, library, "http-clients", "read", READ, this.settings.readTimeout(),
				library.read());
		timeouts.add(connect);
		timeouts.add(read);
		Map<String, HttpClientProperties> groups = Binder.get(this.environment)
			.bind("spring.http.serviceclient", Bindable.mapOf(String.class, HttpClientProperties.class))
			.orElse(Map.of());
		Set<String> names = new TreeSet<>(this.groupNames.get());
		names.addAll(groups.keySet());
		for (String group : names) {
			HttpClientProperties properties = groups.get(group);
			String client = "http-serviceclient." + group;
			String prefix = "spring.http.serviceclient." + group + ".";
			timeouts.add(group(origins, library, client, "connect", prefix + "connect-timeout",
					(properties != null) ? properties.getConnectTimeout() : null, connect, library.connect()));
			timeouts.add(group(origins, library, client, "read", prefix + "read-timeout",
					(properties != null) ? properties.getReadTimeout() : null, read, library.read()));
		}
		return timeouts;
	}

	private EffectiveTimeout group(TimeoutOrigins origins, LibraryDefaults library, String client, String timeout,
			String property, @Nullable Duration own, EffectiveTimeout inherited, @Nullable Duration libraryDefault) {
		if (own == null) {
			return new EffectiveTimeout(client, timeout, property, inherited.value(), inherited.infinite(),
					inherited.origin(), "inherited from " + inherited.property() + " (" + inherited.detail() + ")",
					true);
		}
		return describe(origins, library, client, timeout, property, own, libraryDefault);
	}

	private EffectiveTimeout describe(TimeoutOrigins origins, LibraryDefaults library, String client, String timeout,
			String property, @Nullable Duration configured, @Nullable Duration libraryDefault) {
		if (configured == null && !library.known()) {
			return origins.describeProperty(client, timeout, property, null, false, true);
		}
		Duration actual = (configured != null) ? configured : libraryDefault;
		return origins.describe(client, timeout, property, actual, libraryDefault, true);
	}

	/**
	 * What each HTTP library does when Spring Boot passes it no timeout.
	 */
	record LibraryDefaults(boolean known, @Nullable Duration connect, @Nullable Duration read) {

		static LibraryDefaults of(ClientHttpRequestFactoryBuilder<?> builder) {
			String name = builder.getClass().getName();
			if (name.contains("HttpComponents") || name.startsWith("dev.resilience.httpclient.")) {
				// Apache HttpClient 5 (Boot's builder or the starter's shared client, which leaves unset timeouts to
				// the library): ConnectionConfig's 3 minutes to connect; no socket timeout
				return new LibraryDefaults(true, Duration.ofMinutes(3), null);
			}
			if (name.contains("Jdk") || name.contains("Simple")) {
				// java.net.http.HttpClient and HttpURLConnection: no connect or read timeout
				return new LibraryDefaults(true, null, null);
			}
			return new LibraryDefaults(false, null, null);
		}

	}

}
