package dev.resilience.timeouts;

import java.util.function.Consumer;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.web.client.RestClient;

/**
 * Applies a timeout profile to a {@link RestClient.Builder}, in the way {@code RestClientSsl} applies an SSL bundle:
 * <pre class="code">
 * RestClient lookups = restClientBuilder.apply(restClientTimeouts.fromProfile("lookup")).build();
 * </pre>
 * The request factory is built by the application's {@link ClientHttpRequestFactoryBuilder} bean (whichever HTTP
 * library or customised builder the application has) from its {@link HttpClientSettings} with the profile's connect
 * and read timeouts, so redirects, SSL bundle and cookie settings stay as configured.
 */
public final class RestClientTimeouts {

	private final TimeoutProfiles profiles;

	private final ClientHttpRequestFactoryBuilder<?> requestFactoryBuilder;

	private final HttpClientSettings settings;

	public RestClientTimeouts(TimeoutProfiles profiles, ClientHttpRequestFactoryBuilder<?> requestFactoryBuilder,
			HttpClientSettings settings) {
		this.profiles = profiles;
		this.requestFactoryBuilder = requestFactoryBuilder;
		this.settings = settings;
	}

	/**
	 * Return a consumer that gives a {@link RestClient.Builder} a request factory with the named profile's timeouts.
	 * @param profileName name of a profile under {@code resilience.timeouts.profiles}
	 * @return the consumer to pass to {@link RestClient.Builder#apply(Consumer)}
	 * @throws IllegalArgumentException if no such profile is defined
	 */
	public Consumer<RestClient.Builder> fromProfile(String profileName) {
		HttpClientSettings profileSettings = settings(profileName);
		return (builder) -> builder.requestFactory(this.requestFactoryBuilder.build(profileSettings));
	}

	/**
	 * Return the application's HTTP client settings with the named profile's timeouts, for clients built by hand.
	 * @param profileName name of a profile under {@code resilience.timeouts.profiles}
	 * @return the settings
	 * @throws IllegalArgumentException if no such profile is defined
	 */
	public HttpClientSettings settings(String profileName) {
		TimeoutProfile profile = this.profiles.get(profileName);
		return this.settings.withTimeouts(profile.connect(), profile.read());
	}

}
