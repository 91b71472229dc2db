package dev.resilience.shedding;

import java.io.IOException;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;

/**
 * Counts the requests that occupy a worker thread, around every request, annotated or not, and sheds
 * {@link Sheddable} requests under pressure before any other filter runs.
 *
 * <p>Each pass of a worker thread through the filter chain counts once and is uncounted in {@code finally}, so the
 * count drops exactly once whatever happens: exceptions, client aborts, and asynchronous requests (the thread leaves
 * the chain when async processing starts, and the later {@code ASYNC} or {@code ERROR} dispatch, for example after an
 * async timeout, is a new pass on a worker thread). Register it first, for the {@code REQUEST}, {@code ASYNC} and
 * {@code ERROR} dispatcher types only: {@code FORWARD} and {@code INCLUDE} run nested on a thread already counted.
 * Only the initial {@code REQUEST} dispatch can be shed: a request that was let in is never shed half-way.
 *
 * @see #ORDER
 */
public class LoadSheddingFilter implements Filter {

	/**
	 * Order at which the auto-configuration registers the filter: {@link Ordered#HIGHEST_PRECEDENCE}, so that every
	 * request is counted and a shed request costs no other filter's work. Boot's own filters run after it:
	 * {@code ServerHttpObservationFilter} is at {@code HIGHEST_PRECEDENCE + 1}, and
	 * {@code OrderedCharacterEncodingFilter}, although also at {@code HIGHEST_PRECEDENCE}, is a plain filter bean,
	 * which Boot places after the filter registration beans of the same order. Nothing can be ordered before this filter; filters that want to see every
	 * request are ordered after it.
	 */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE;

	private final PressureGauge gauge;

	private final LoadShedder shedder;

	public LoadSheddingFilter(PressureGauge gauge, LoadShedder shedder) {
		this.gauge = gauge;
		this.shedder = shedder;
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		this.gauge.enter();
		try {
			if (request.getDispatcherType() == DispatcherType.REQUEST
					&& request instanceof HttpServletRequest httpRequest
					&& response instanceof HttpServletResponse httpResponse
					&& this.shedder.shed(httpRequest, httpResponse)) {
				return;
			}
			chain.doFilter(request, response);
		}
		finally {
			this.gauge.exit();
		}
	}

}
