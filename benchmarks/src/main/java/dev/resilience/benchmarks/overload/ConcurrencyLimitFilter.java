package dev.resilience.benchmarks.overload;

import java.io.IOException;
import java.util.Optional;

import com.netflix.concurrency.limits.Limiter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Enforces a Netflix concurrency-limits {@link Limiter} on the requests it is mapped to, with the behaviour of the
 * library's own {@code ConcurrencyLimitServletFilter}: a request that gets no permit is answered {@code 429}; one
 * that gets a permit reports success to the limiter when the chain returns (which feeds its latency sample to the
 * limit algorithm) and is ignored when the chain throws. The library's Jakarta module is not published on Maven
 * Central, and its {@code javax.servlet} module cannot load on Tomcat 11, hence this filter.
 */
class ConcurrencyLimitFilter implements Filter {

	private final Limiter<HttpServletRequest> limiter;

	ConcurrencyLimitFilter(Limiter<HttpServletRequest> limiter) {
		this.limiter = limiter;
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		Optional<Limiter.Listener> permit = this.limiter.acquire((HttpServletRequest) request);
		if (permit.isEmpty()) {
			TooManyRequests.write((HttpServletResponse) response, "Concurrency limit exceeded");
			return;
		}
		try {
			chain.doFilter(request, response);
		}
		catch (IOException | ServletException | RuntimeException ex) {
			permit.get().onIgnore();
			throw ex;
		}
		permit.get().onSuccess();
	}

}
