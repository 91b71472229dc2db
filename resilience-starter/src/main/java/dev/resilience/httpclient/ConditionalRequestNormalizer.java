package dev.resilience.httpclient;

import java.io.IOException;

import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHeaders;

/**
 * Runs above the cache. RFC 9110 §13.2.2: a recipient must ignore {@code If-Modified-Since} when the request carries
 * {@code If-None-Match}; httpclient5-cache 5.6.3 evaluates both when it answers a conditional request from a stored
 * entry (a matching ETag with an older date yields {@code 200} instead of {@code 304}). Dropping the ignored field
 * before the cache sees the request gives the RFC's answer, and the origin would ignore it anyway.
 */
final class ConditionalRequestNormalizer implements ExecChainHandler {

	static final String NAME = "resilience-conditional-request";

	@Override
	public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
			throws IOException, HttpException {
		if (request.containsHeader(HttpHeaders.IF_NONE_MATCH)) {
			request.removeHeaders(HttpHeaders.IF_MODIFIED_SINCE);
		}
		return chain.proceed(request, scope);
	}

}
