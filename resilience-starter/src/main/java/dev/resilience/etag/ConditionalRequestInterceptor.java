package dev.resilience.etag;

import java.io.IOException;
import java.util.Enumeration;
import java.util.List;

import dev.resilience.support.ProblemDetailWriter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.ModelAndView;

/**
 * Decides conditional requests for {@link ETagged} and {@link ChangesResource} handlers before they run: {@code 304}
 * for a read whose {@code If-None-Match} matches the current version, {@code 412} for a write whose {@code If-Match} or
 * {@code If-Unmodified-Since} is stale. For requests that go on to the handler, it finishes the response before it is
 * committed: {@code ETag}, {@code Cache-Control} and {@code Vary} on a {@code 2xx} read, a version bump after a
 * {@code 2xx} write. Handlers whose body goes through a message converter ({@code @ResponseBody},
 * {@code ResponseEntity}) commit the response before {@link #postHandle}; {@link ConditionalRequestBodyAdvice} finishes
 * those.
 */
public final class ConditionalRequestInterceptor implements HandlerInterceptor {

	private static final String PLAN_ATTRIBUTE = ConditionalRequestInterceptor.class.getName() + ".plan";

	private static final String VALUE_ATTRIBUTE = ConditionalRequestInterceptor.class.getName() + ".value";

	private final ResourceVersions versions;

	private final ConditionalRequestHandlers handlers;

	private final EntityTags tags;

	private final ConditionalRequestMetrics[] metrics;

	/**
	 * Create an instance.
	 * @param versions the resource versions
	 * @param handlers the annotated handlers
	 * @param secret secret from which entity tags derive, or {@code null} or empty for a random one per start
	 * @param metrics told about each {@code 304} and {@code 412}
	 */
	public ConditionalRequestInterceptor(ResourceVersions versions, ConditionalRequestHandlers handlers,
			@Nullable String secret, List<? extends ConditionalRequestMetrics> metrics) {
		this.versions = versions;
		this.handlers = handlers;
		this.tags = EntityTags.withSecret(secret);
		this.metrics = metrics.toArray(new ConditionalRequestMetrics[0]);
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
			throws IOException {
		if (!(handler instanceof HandlerMethod handlerMethod) || request.getDispatcherType() != DispatcherType.REQUEST) {
			return true;
		}
		HandlerPlan plan = this.handlers.planFor(handlerMethod);
		if (plan == null) {
			return true;
		}
		String key = plan.key().evaluate(request);
		if (key == null) {
			return true;
		}
		return plan.write() ? beforeWrite(request, response, plan, key) : beforeRead(request, response, plan, key);
	}

	private boolean beforeRead(HttpServletRequest request, HttpServletResponse response, HandlerPlan plan,
			String key) {
		ResourceVersion version = this.versions.currentOrRecord(plan.resource(), key);
		if (version == null) {
			return true;
		}
		String opaque = this.tags.opaque(plan.resource(), key, version.value());
		String etag = EntityTags.weak(opaque);
		EntityTags.Outcome outcome = EntityTags.evaluate(request.getHeaders(HttpHeaders.IF_NONE_MATCH), opaque);
		if (outcome == EntityTags.Outcome.MATCH || outcome == EntityTags.Outcome.ANY) {
			response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
			response.setHeader(HttpHeaders.ETAG, etag);
			response.setHeader(HttpHeaders.CACHE_CONTROL, plan.cacheControl());
			if (plan.vary() != null) {
				response.addHeader(HttpHeaders.VARY, plan.vary());
			}
			for (ConditionalRequestMetrics metric : this.metrics) {
				metric.notModified(plan.resource());
			}
			return false;
		}
		request.setAttribute(PLAN_ATTRIBUTE, plan);
		request.setAttribute(VALUE_ATTRIBUTE, etag);
		return true;
	}

	private boolean beforeWrite(HttpServletRequest request, HttpServletResponse response, HandlerPlan plan,
			String key) throws IOException {
		Enumeration<String> ifMatch = request.getHeaders(HttpHeaders.IF_MATCH);
		boolean hasIfMatch = ifMatch != null && ifMatch.hasMoreElements();
		String ifUnmodifiedSince = hasIfMatch ? null : request.getHeader(HttpHeaders.IF_UNMODIFIED_SINCE);
		if (hasIfMatch || ifUnmodifiedSince != null) {
			ResourceVersion version = this.versions.currentOrRecord(plan.resource(), key);
			boolean holds = hasIfMatch ? ifMatchHolds(ifMatch, plan, key, version)
					: unmodifiedSinceHolds(request, version);
			if (!holds) {
				for (ConditionalRequestMetrics metric : this.metrics) {
					metric.preconditionFailed(plan.resource());
				}
				ProblemDetailWriter.write(request, response, HttpServletResponse.SC_PRECONDITION_FAILED,
						"Precondition Failed",
						"The " + plan.resource() + " has changed since the version named in "
								+ (hasIfMatch ? "If-Match" : "If-Unmodified-Since")
								+ " (or that header does not parse); fetch it again and retry the change.");
				return false;
			}
		}
		request.setAttribute(PLAN_ATTRIBUTE, plan);
		request.setAttribute(VALUE_ATTRIBUTE, key);
		return true;
	}

	private boolean ifMatchHolds(Enumeration<String> ifMatch, HandlerPlan plan, String key,
			@Nullable ResourceVersion version) {
		if (version == null) {
			return false;
		}
		EntityTags.Outcome outcome = EntityTags.evaluate(ifMatch,
				this.tags.opaque(plan.resource(), key, version.value()));
		return outcome == EntityTags.Outcome.MATCH || outcome == EntityTags.Outcome.ANY;
	}

	private static boolean unmodifiedSinceHolds(HttpServletRequest request, @Nullable ResourceVersion version) {
		long date;
		try {
			date = request.getDateHeader(HttpHeaders.IF_UNMODIFIED_SINCE);
		}
		catch (IllegalArgumentException ex) {
			// RFC 9110 §13.1.4: a value that is not a valid HTTP-date is ignored
			return true;
		}
		if (version == null || version.modifiedAt() == null) {
			return false;
		}
		return version.modifiedAt().getEpochSecond() <= Math.floorDiv(date, 1000L);
	}

	@Override
	public void postHandle(HttpServletRequest request, HttpServletResponse response, Object handler,
			@Nullable ModelAndView modelAndView) {
		finish(request, response, null);
	}

	@Override
	public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler,
			@Nullable Exception ex) {
		if (ex == null) {
			finish(request, response, null);
		}
		else {
			request.removeAttribute(PLAN_ATTRIBUTE);
		}
	}

	/**
	 * Finish a conditional request whose handler has run, once, before the response is committed if possible.
	 * @param request the request
	 * @param response the response, with its final status
	 * @param pending headers the handler returned that are not yet written to the response, or {@code null}
	 */
	void finish(HttpServletRequest request, HttpServletResponse response, @Nullable HttpHeaders pending) {
		if (!(request.getAttribute(PLAN_ATTRIBUTE) instanceof HandlerPlan plan)) {
			return;
		}
		request.removeAttribute(PLAN_ATTRIBUTE);
		int status = response.getStatus();
		if (status < 200 || status > 299) {
			return;
		}
		String value = (String) request.getAttribute(VALUE_ATTRIBUTE);
		if (plan.write()) {
			this.versions.touch(plan.resource(), value);
			return;
		}
		if (response.isCommitted()) {
			return;
		}
		if (!hasHeader(response, pending, HttpHeaders.ETAG)) {
			response.setHeader(HttpHeaders.ETAG, value);
		}
		if (!hasHeader(response, pending, HttpHeaders.CACHE_CONTROL)) {
			response.setHeader(HttpHeaders.CACHE_CONTROL, plan.cacheControl());
		}
		if (plan.vary() != null) {
			response.addHeader(HttpHeaders.VARY, plan.vary());
		}
	}

	private static boolean hasHeader(HttpServletResponse response, @Nullable HttpHeaders pending, String name) {
		return response.containsHeader(name) || (pending != null && pending.containsHeader(name));
	}

}
