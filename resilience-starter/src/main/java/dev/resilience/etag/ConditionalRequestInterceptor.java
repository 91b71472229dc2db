package dev.resilience.etag;

import java.io.IOException;
import java.util.Enumeration;
import java.util.List;

import dev.resilience.etag.ResourceState.Existence;
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
 * Decides conditional requests for {@link ETagged} and {@link ChangesResource} handlers before they run (RFC 9110
 * §13.2.2): {@code 304} for a read whose {@code If-None-Match} matches the current version of an instance not known to
 * be absent, {@code 412} for a write whose {@code If-Match}, {@code If-Unmodified-Since} or {@code If-None-Match} does
 * not hold. With the {@link ResourceVersionStore}, a write whose precondition holds reserves the instance, so that of
 * concurrent writes checked against the same version exactly one proceeds. While the store cannot be used (a remote
 * store that is down), reads go on to the handler without an entity tag and conditional writes are answered
 * {@code 503} with {@code Retry-After}, unapplied.
 *
 * <p>For requests that go on to the handler, it finishes the response before it is committed: {@code ETag},
 * {@code Cache-Control} and {@code Vary} on a {@code 2xx} read, the existence a read observed, a version change after
 * a {@code 2xx} write, the reservation given back after a failed one. Handlers whose body goes through a message
 * converter ({@code @ResponseBody}, {@code ResponseEntity}) commit the response before {@link #postHandle};
 * {@link ConditionalRequestBodyAdvice} finishes those.
 */
public final class ConditionalRequestInterceptor implements HandlerInterceptor {

	private static final String PENDING_ATTRIBUTE = ConditionalRequestInterceptor.class.getName() + ".pending";

	private static final int HOLDS = 0;

	private static final int IGNORED = 1;

	private static final int IF_MATCH_FAILED = 2;

	private static final int IF_MATCH_EXISTENCE_UNKNOWN = 3;

	private static final int IF_UNMODIFIED_SINCE_FAILED = 4;

	private static final int IF_NONE_MATCH_FAILED = 5;

	private static final int IF_NONE_MATCH_EXISTENCE_UNKNOWN = 6;

	private static final int RESERVED = 7;

	private final ResourceVersions versions;

	private final ResourceVersionStore store;

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
		this.store = versions.store();
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
		ResourceVersionResolver resolver = this.versions.resolver(plan.resource());
		ResourceVersion version;
		ResourceState state = null;
		if (resolver != null) {
			version = resolver.resolve(key);
			if (version == null) {
				// known absent: no representation to validate, the handler answers
				return true;
			}
		}
		else {
			try {
				state = this.store.currentOrRecord(plan.resource(), key);
			}
			catch (RuntimeException ex) {
				// no version to vouch for: the handler answers in full, without an entity tag
				return true;
			}
			version = state.version();
		}
		Existence existence = (state != null) ? state.existence() : Existence.PRESENT;
		String opaque = this.tags.opaque(plan.resource(), key, version.value());
		String etag = EntityTags.weak(opaque);
		EntityTags.Outcome outcome = EntityTags.evaluate(request.getHeaders(HttpHeaders.IF_NONE_MATCH), opaque);
		if ((outcome == EntityTags.Outcome.MATCH && existence != Existence.ABSENT)
				|| (outcome == EntityTags.Outcome.ANY && existence == Existence.PRESENT)) {
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
		request.setAttribute(PENDING_ATTRIBUTE, new Pending(plan, key, etag, state, resolver == null));
		return true;
	}

	private boolean beforeWrite(HttpServletRequest request, HttpServletResponse response, HandlerPlan plan,
			String key) throws IOException {
		boolean conditional = request.getHeader(HttpHeaders.IF_MATCH) != null
				|| request.getHeader(HttpHeaders.IF_UNMODIFIED_SINCE) != null
				|| request.getHeader(HttpHeaders.IF_NONE_MATCH) != null;
		ResourceVersionResolver resolver = this.versions.resolver(plan.resource());
		if (!conditional) {
			request.setAttribute(PENDING_ATTRIBUTE, new Pending(plan, key, null, null, resolver == null));
			return true;
		}
		if (resolver != null) {
			ResourceVersion version = resolver.resolve(key);
			int outcome = preconditions(request, plan, key, version,
					(version != null) ? Existence.PRESENT : Existence.ABSENT);
			if (outcome > IGNORED) {
				return refuse(request, response, plan, outcome);
			}
			if (outcome == HOLDS && version != null) {
				request.setAttribute(ChangesResource.CHECKED_VERSION_ATTRIBUTE, version);
			}
			request.setAttribute(PENDING_ATTRIBUTE, new Pending(plan, key, null, null, false));
			return true;
		}
		try {
			return reserve(request, response, plan, key);
		}
		catch (RuntimeException ex) {
			// the precondition cannot be checked: refuse rather than apply a write the client made conditional
			return unavailable(request, response, plan);
		}
	}

	private boolean reserve(HttpServletRequest request, HttpServletResponse response, HandlerPlan plan, String key)
			throws IOException {
		ResourceVersionStore.Reservation reservation = this.store.reserveCurrent(plan.resource(), key);
		ResourceState state = reservation.state();
		ResourceState held = reservation.reserved() ? state : null;
		int outcome = preconditions(request, plan, key, state.version(), state.existence());
		if (outcome > IGNORED) {
			if (held != null) {
				release(new Pending(plan, key, null, held, true));
			}
			return refuse(request, response, plan, outcome);
		}
		if (outcome == HOLDS) {
			if (held == null) {
				return refuse(request, response, plan, RESERVED);
			}
			request.setAttribute(ChangesResource.CHECKED_VERSION_ATTRIBUTE, state.version());
		}
		request.setAttribute(PENDING_ATTRIBUTE, new Pending(plan, key, null, held, true));
		return true;
	}

	/**
	 * Evaluate a write's preconditions in the order of RFC 9110 §13.2.2 against the instance's current state.
	 * @return {@link #HOLDS}, {@link #IGNORED} if no precondition applies, or the reason for a {@code 412}
	 */
	private int preconditions(HttpServletRequest request, HandlerPlan plan, String key,
			@Nullable ResourceVersion version, Existence existence) {
		String opaque = (version != null) ? this.tags.opaque(plan.resource(), key, version.value()) : null;
		boolean applied = false;
		Enumeration<String> ifMatch = request.getHeaders(HttpHeaders.IF_MATCH);
		if (ifMatch != null && ifMatch.hasMoreElements()) {
			EntityTags.Outcome outcome = (opaque != null) ? EntityTags.evaluate(ifMatch, opaque) : anyOrNoMatch(ifMatch);
			if (outcome == EntityTags.Outcome.ANY && existence == Existence.UNKNOWN) {
				return IF_MATCH_EXISTENCE_UNKNOWN;
			}
			boolean holds = (outcome == EntityTags.Outcome.ANY && existence == Existence.PRESENT)
					|| (outcome == EntityTags.Outcome.MATCH && existence != Existence.ABSENT);
			if (!holds) {
				return IF_MATCH_FAILED;
			}
			applied = true;
		}
		else if (request.getHeader(HttpHeaders.IF_UNMODIFIED_SINCE) != null) {
			int outcome = unmodifiedSince(request, version);
			if (outcome != IGNORED) {
				if (outcome != HOLDS) {
					return outcome;
				}
				applied = true;
			}
		}
		Enumeration<String> ifNoneMatch = request.getHeaders(HttpHeaders.IF_NONE_MATCH);
		if (ifNoneMatch != null && ifNoneMatch.hasMoreElements()) {
			EntityTags.Outcome outcome = (opaque != null) ? EntityTags.evaluate(ifNoneMatch, opaque)
					: anyOrNoMatch(ifNoneMatch);
			if (outcome == EntityTags.Outcome.ANY && existence == Existence.UNKNOWN) {
				return IF_NONE_MATCH_EXISTENCE_UNKNOWN;
			}
			if ((outcome == EntityTags.Outcome.ANY || outcome == EntityTags.Outcome.MATCH)
					&& existence != Existence.ABSENT) {
				return IF_NONE_MATCH_FAILED;
			}
			applied = true;
		}
		return applied ? HOLDS : IGNORED;
	}

	private static EntityTags.Outcome anyOrNoMatch(Enumeration<String> values) {
		// no version, so no tag can match: a quote never occurs inside a parsed tag; only "*" means anything
		return EntityTags.evaluate(values, "\"");
	}

	private static int unmodifiedSince(HttpServletRequest request, @Nullable ResourceVersion version) {
		long date;
		try {
			date = request.getDateHeader(HttpHeaders.IF_UNMODIFIED_SINCE);
		}
		catch (IllegalArgumentException ex) {
			// RFC 9110 §13.1.4: a value that is not a valid HTTP-date is ignored
			return IGNORED;
		}
		if (version == null || version.modifiedAt() == null) {
			// RFC 9110 §13.1.4: ignored when the resource has no modification date
			return IGNORED;
		}
		return (version.modifiedAt().getEpochSecond() <= Math.floorDiv(date, 1000L)) ? HOLDS
				: IF_UNMODIFIED_SINCE_FAILED;
	}

	private boolean refuse(HttpServletRequest request, HttpServletResponse response, HandlerPlan plan, int outcome)
			throws IOException {
		for (ConditionalRequestMetrics metric : this.metrics) {
			metric.preconditionFailed(plan.resource());
		}
		String resource = plan.resource();
		String detail = switch (outcome) {
			case IF_MATCH_EXISTENCE_UNKNOWN -> "If-Match: * asks for an existing " + resource + ", and this server has "
					+ "not observed yet whether it exists; fetch it (GET) and retry the change.";
			case IF_UNMODIFIED_SINCE_FAILED -> "The " + resource + " has changed since the date in "
					+ "If-Unmodified-Since; fetch it again and retry the change.";
			case IF_NONE_MATCH_FAILED -> "The " + resource + " exists in a version that If-None-Match excludes (for *: "
					+ "it exists at all); fetch it instead of replacing it.";
			case IF_NONE_MATCH_EXISTENCE_UNKNOWN -> "If-None-Match: * asks for a " + resource + " that does not exist, "
					+ "and this server has not observed yet whether it does; fetch it (GET) and retry the change.";
			case RESERVED -> "Another change to the " + resource + " checked against the same version is in progress; "
					+ "fetch it again and retry the change.";
			default -> "The " + resource + " has changed since the version named in If-Match, does not exist, or that "
					+ "header does not parse; fetch it again and retry the change.";
		};
		ProblemDetailWriter.write(request, response, HttpServletResponse.SC_PRECONDITION_FAILED, "Precondition Failed",
				detail);
		return false;
	}

	private boolean unavailable(HttpServletRequest request, HttpServletResponse response, HandlerPlan plan)
			throws IOException {
		response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(this.store.retryAfterSeconds()));
		ProblemDetailWriter.write(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
				"Service Unavailable", "The versions of " + plan.resource() + " cannot be read right now, so the "
						+ "precondition of this change cannot be checked; it was not applied. Retry later.");
		return false;
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
		else if (request.getAttribute(PENDING_ATTRIBUTE) instanceof Pending pending) {
			request.removeAttribute(PENDING_ATTRIBUTE);
			release(pending);
		}
	}

	/**
	 * Finish a conditional request whose handler has run, once, before the response is committed if possible.
	 * @param request the request
	 * @param response the response, with its final status
	 * @param pending headers the handler returned that are not yet written to the response, or {@code null}
	 */
	void finish(HttpServletRequest request, HttpServletResponse response, @Nullable HttpHeaders pending) {
		if (!(request.getAttribute(PENDING_ATTRIBUTE) instanceof Pending conditional)) {
			return;
		}
		request.removeAttribute(PENDING_ATTRIBUTE);
		HandlerPlan plan = conditional.plan();
		int status = response.getStatus();
		boolean success = status >= 200 && status <= 299;
		if (plan.write()) {
			if (!success) {
				release(conditional);
			}
			else if (conditional.stored()) {
				try {
					this.store.changed(plan.resource(), conditional.key(), !"DELETE".equals(request.getMethod()),
							conditional.state());
				}
				catch (RuntimeException ex) {
					// a store must not throw here (the change is done); if one does, the response stands
				}
			}
			return;
		}
		String etag = conditional.etag();
		ResourceState seen = conditional.state();
		if (seen != null) {
			etag = observe(conditional, seen, status, success, etag);
		}
		if (!success || response.isCommitted()) {
			return;
		}
		if (!hasHeader(response, pending, HttpHeaders.ETAG)) {
			response.setHeader(HttpHeaders.ETAG, etag);
		}
		if (!hasHeader(response, pending, HttpHeaders.CACHE_CONTROL)) {
			response.setHeader(HttpHeaders.CACHE_CONTROL, plan.cacheControl());
		}
		if (plan.vary() != null) {
			response.addHeader(HttpHeaders.VARY, plan.vary());
		}
	}

	private String observe(Pending conditional, ResourceState seen, int status, boolean success, String etag) {
		HandlerPlan plan = conditional.plan();
		try {
			if (success && seen.existence() != Existence.PRESENT) {
				ResourceState now = this.store.observe(plan.resource(), conditional.key(), seen, true);
				if (!now.version().equals(seen.version())) {
					etag = EntityTags.weak(this.tags.opaque(plan.resource(), conditional.key(), now.version().value()));
				}
			}
			else if ((status == HttpServletResponse.SC_NOT_FOUND || status == HttpServletResponse.SC_GONE)
					&& seen.existence() != Existence.ABSENT) {
				this.store.observe(plan.resource(), conditional.key(), seen, false);
			}
		}
		catch (RuntimeException ex) {
			// an observation only saves a later round trip
		}
		return etag;
	}

	private void release(Pending pending) {
		ResourceState state = pending.state();
		if (pending.plan().write() && state != null && state.isReserved()) {
			try {
				this.store.release(pending.plan().resource(), pending.key(), state);
			}
			catch (RuntimeException ex) {
				// a remote store's reservation ends with its lease
			}
		}
	}

	private static boolean hasHeader(HttpServletResponse response, @Nullable HttpHeaders pending, String name) {
		return response.containsHeader(name) || (pending != null && pending.containsHeader(name));
	}

	/**
	 * A conditional request that went on to its handler.
	 *
	 * @param plan the handler's plan
	 * @param key the instance's key
	 * @param etag for a read, the entity tag of the version it started from
	 * @param state for a read, the store's state it started from; for a write, the reservation; {@code null} with a
	 * resolver or for an unconditional write
	 * @param stored whether the store keeps the resource's versions (no resolver)
	 */
	private record Pending(HandlerPlan plan, String key, @Nullable String etag, @Nullable ResourceState state,
			boolean stored) {

	}

}
