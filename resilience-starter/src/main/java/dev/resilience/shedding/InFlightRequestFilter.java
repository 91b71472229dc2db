package dev.resilience.shedding;

import java.io.IOException;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

/**
 * Counts the requests that occupy a worker thread, around every request, annotated or not.
 *
 * <p>Each pass of a worker thread through the filter chain counts once and is uncounted in {@code finally}, so the
 * count drops exactly once whatever happens: exceptions, client aborts, and asynchronous requests (the thread leaves
 * the chain when async processing starts, and the later {@code ASYNC} or {@code ERROR} dispatch, for example after an
 * async timeout, is a new pass on a worker thread). Register it for the {@code REQUEST}, {@code ASYNC} and
 * {@code ERROR} dispatcher types only: {@code FORWARD} and {@code INCLUDE} run nested on a thread already counted.
 */
public class InFlightRequestFilter implements Filter {

	private final PressureGauge gauge;

	public InFlightRequestFilter(PressureGauge gauge) {
		this.gauge = gauge;
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		this.gauge.enter();
		try {
			chain.doFilter(request, response);
		}
		finally {
			this.gauge.exit();
		}
	}

}
