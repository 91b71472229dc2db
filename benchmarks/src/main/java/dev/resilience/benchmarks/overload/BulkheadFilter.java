package dev.resilience.benchmarks.overload;

import java.io.IOException;

import io.github.resilience4j.bulkhead.Bulkhead;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Guards the requests it is mapped to with a resilience4j semaphore {@link Bulkhead}, answering {@code 429} when
 * the bulkhead is full. A plain filter rather than {@code @Bulkhead}: the annotation needs resilience4j's Spring
 * Boot 3 integration and AOP, and still needs an exception handler to turn {@code BulkheadFullException} into a
 * {@code 429}; the filter rejects before the {@code DispatcherServlet}, which is as cheap as rejecting gets.
 */
class BulkheadFilter implements Filter {

	private final Bulkhead bulkhead;

	BulkheadFilter(Bulkhead bulkhead) {
		this.bulkhead = bulkhead;
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		if (!this.bulkhead.tryAcquirePermission()) {
			TooManyRequests.write((HttpServletResponse) response, "Bulkhead full");
			return;
		}
		try {
			chain.doFilter(request, response);
		}
		finally {
			this.bulkhead.onComplete();
		}
	}

}
