package dev.resilience.selfhealing;

import java.io.IOException;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.core.Ordered;

/**
 * Servlet filter that sees an {@link OutOfMemoryError} (possibly wrapped, as Spring MVC does) on its way out of the
 * filter chain, reports it as fatal and rethrows it unchanged. Costs nothing on requests that do not fail. An error
 * that an application's {@code @ExceptionHandler} turns into a response never reaches a filter:
 * {@link OutOfMemoryErrorHandlerExceptionResolver} sees those.
 */
public class OutOfMemoryErrorFilter implements Filter {

	/**
	 * Order of the filter's registration: {@code Ordered.HIGHEST_PRECEDENCE + 10}. Second, after the load-shedding
	 * filter ({@code Ordered.HIGHEST_PRECEDENCE}), which must decide before anything else runs; that filter answers a
	 * shed request itself and allocates next to nothing, so every error thrown further down the chain passes this one.
	 */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

	private final SelfHealing selfHealing;

	public OutOfMemoryErrorFilter(SelfHealing selfHealing) {
		this.selfHealing = selfHealing;
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		try {
			chain.doFilter(request, response);
		}
		catch (Throwable ex) {
			OutOfMemoryError oom = OutOfMemoryErrors.find(ex);
			if (oom != null) {
				this.selfHealing.reportOutOfMemory(oom, request, OutOfMemoryErrorFilter::describe);
			}
			throw ex;
		}
	}

	static String describe(ServletRequest request) {
		return "request " + ((request instanceof HttpServletRequest http) ? http.getMethod() + " " + http.getRequestURI()
				: request.getProtocol());
	}

}
