package dev.resilience.etag;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Finishes conditional requests whose handler returns a body written by a message converter ({@code @ResponseBody},
 * {@code ResponseEntity}, {@code HttpEntity}): these commit the response inside the handler adapter, before
 * {@link ConditionalRequestInterceptor#postHandle} runs, so the ETag and the version bump happen here, just before the
 * body is written.
 */
@ControllerAdvice
public final class ConditionalRequestBodyAdvice implements ResponseBodyAdvice<Object> {

	private final ConditionalRequestInterceptor interceptor;

	/**
	 * Create an instance.
	 * @param interceptor the interceptor that decided the request
	 */
	public ConditionalRequestBodyAdvice(ConditionalRequestInterceptor interceptor) {
		this.interceptor = interceptor;
	}

	@Override
	public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
		return true;
	}

	@Override
	public @Nullable Object beforeBodyWrite(@Nullable Object body, MethodParameter returnType,
			MediaType selectedContentType, Class<? extends HttpMessageConverter<?>> selectedConverterType,
			ServerHttpRequest request, ServerHttpResponse response) {
		if (request instanceof ServletServerHttpRequest servletRequest
				&& response instanceof ServletServerHttpResponse servletResponse) {
			HttpServletRequest httpRequest = servletRequest.getServletRequest();
			HttpServletResponse httpResponse = servletResponse.getServletResponse();
			this.interceptor.finish(httpRequest, httpResponse, response.getHeaders());
		}
		return body;
	}

}
