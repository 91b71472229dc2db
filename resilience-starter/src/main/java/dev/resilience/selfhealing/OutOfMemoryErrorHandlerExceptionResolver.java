package dev.resilience.selfhealing;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Spring MVC exception resolver, consulted before any of the application's: reports an {@link OutOfMemoryError} that
 * a handler threw (the {@code DispatcherServlet} offers it wrapped in a {@code ServletException}) as fatal, then
 * steps aside so the application's {@code @ExceptionHandler}s answer as before. A catch-all
 * {@code @ExceptionHandler(Exception.class)} would otherwise swallow the error before it left the servlet chain.
 * Also consulted on the async dispatch that carries the failure of a {@code Callable} or {@code DeferredResult}.
 */
public class OutOfMemoryErrorHandlerExceptionResolver implements HandlerExceptionResolver, Ordered {

	private final SelfHealing selfHealing;

	public OutOfMemoryErrorHandlerExceptionResolver(SelfHealing selfHealing) {
		this.selfHealing = selfHealing;
	}

	@Override
	public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
			Exception ex) {
		OutOfMemoryError oom = OutOfMemoryErrors.find(ex);
		if (oom != null) {
			this.selfHealing.reportOutOfMemory(oom, request, OutOfMemoryErrorFilter::describe);
		}
		return null;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
