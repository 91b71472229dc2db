package dev.resilience.shedding;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.resilience.InvocationRejectedException;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.ModelAndView;

/**
 * Answers an {@link InvocationRejectedException}, which Spring Framework's
 * {@code @ConcurrencyLimit(policy = REJECT)} throws when a method is at its limit, like a shed request (see
 * {@link LoadShedder#reject}) instead of letting it become a {@code 500}. The exception may be the handler's own or
 * the cause of the one it threw.
 *
 * <p>Ordered last, after the resolvers of the MVC configuration: an {@code @ExceptionHandler} of the application for
 * this exception, or for one of its supertypes, still takes precedence.
 */
public class ConcurrencyLimitRejectionResolver implements HandlerExceptionResolver, Ordered {

	private static final int MAX_CAUSES = 16;

	private final LoadShedder shedder;

	public ConcurrencyLimitRejectionResolver(LoadShedder shedder) {
		this.shedder = shedder;
	}

	@Override
	public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
			Exception ex) {
		if (!isRejection(ex) || response.isCommitted()) {
			return null;
		}
		Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
		try {
			this.shedder.reject(request, response, (pattern != null) ? pattern.toString() : "UNKNOWN");
		}
		catch (IOException writeFailed) {
			// the client has gone: nothing left to answer
		}
		return new ModelAndView();
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	private static boolean isRejection(Throwable ex) {
		Throwable candidate = ex;
		for (int i = 0; candidate != null && i < MAX_CAUSES; i++) {
			if (candidate instanceof InvocationRejectedException) {
				return true;
			}
			candidate = (candidate.getCause() != candidate) ? candidate.getCause() : null;
		}
		return false;
	}

}
