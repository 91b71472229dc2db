package dev.resilience.selfhealing;

import java.io.IOException;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Servlet filter that sees an {@link OutOfMemoryError} (possibly wrapped, as Spring MVC does) on its way out of the
 * filter chain, reports it as fatal and rethrows it unchanged. Costs nothing on requests that do not fail.
 */
public class OutOfMemoryErrorFilter implements Filter {

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
				this.selfHealing.reportFatal(FatalCause.OUT_OF_MEMORY, "OutOfMemoryError in request "
						+ describe(request) + ": " + oom.getMessage());
			}
			throw ex;
		}
	}

	private static String describe(ServletRequest request) {
		return (request instanceof HttpServletRequest http) ? http.getMethod() + " " + http.getRequestURI()
				: request.getProtocol();
	}

}
