package dev.resilience.etag;

import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Registers the {@link ConditionalRequestInterceptor} for every handler. Replace this bean to register it with path
 * patterns or an order of your own.
 */
public final class ConditionalRequestWebMvcConfigurer implements WebMvcConfigurer {

	private final ConditionalRequestInterceptor interceptor;

	/**
	 * Create an instance.
	 * @param interceptor the interceptor to register
	 */
	public ConditionalRequestWebMvcConfigurer(ConditionalRequestInterceptor interceptor) {
		this.interceptor = interceptor;
	}

	@Override
	public void addInterceptors(InterceptorRegistry registry) {
		registry.addInterceptor(this.interceptor);
	}

}
