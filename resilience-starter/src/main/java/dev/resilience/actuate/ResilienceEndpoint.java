package dev.resilience.actuate;

import java.security.Principal;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.resilience.support.AdjustableResilienceSection;
import dev.resilience.support.ResilienceSection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.util.ClassUtils;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The {@code resilience} actuator endpoint: one section per capability, each contributed by a
 * {@link ResilienceSection} bean. Read-only by default: its write operation, which changes a setting of an
 * {@link AdjustableResilienceSection} at runtime, is available only with
 * {@code management.endpoint.resilience.access=unrestricted}. Every change is logged with what changed, who changed
 * it (the principal, if the request has one, and the remote address of an HTTP request) and when.
 */
@Endpoint(id = "resilience", defaultAccess = Access.READ_ONLY)
public class ResilienceEndpoint {

	private static final Log logger = LogFactory.getLog(ResilienceEndpoint.class);

	private static final boolean SERVLET_PRESENT = ClassUtils.isPresent(
			"org.springframework.web.context.request.ServletRequestAttributes", ResilienceEndpoint.class.getClassLoader())
			&& ClassUtils.isPresent("jakarta.servlet.http.HttpServletRequest", ResilienceEndpoint.class.getClassLoader());

	private final List<ResilienceSection> sections;

	public ResilienceEndpoint(List<ResilienceSection> sections) {
		this.sections = sections.stream().sorted(Comparator.comparing(ResilienceSection::name)).toList();
	}

	@ReadOperation
	public Map<String, Object> resilience() {
		Map<String, Object> document = new LinkedHashMap<>();
		for (ResilienceSection section : this.sections) {
			document.put(section.name(), section.describe());
		}
		return document;
	}

	@ReadOperation
	public Map<String, Object> section(@Selector String name) {
		for (ResilienceSection section : this.sections) {
			if (section.name().equals(name)) {
				return section.describe();
			}
		}
		return null;
	}

	/**
	 * Change one setting of a section, for example {@code {"setting":"dry-run","value":"true"}} posted to
	 * {@code /actuator/resilience/shedding}.
	 * @param name the section
	 * @param setting the setting, named as its property below the capability's prefix
	 * @param value the new value
	 * @param securityContext who asks, if known
	 * @return the section as it is after the change, or {@code null} (404) if there is no such section
	 */
	@WriteOperation
	public Map<String, Object> adjust(@Selector String name, @Nullable String setting, @Nullable String value,
			SecurityContext securityContext) {
		for (ResilienceSection section : this.sections) {
			if (!section.name().equals(name)) {
				continue;
			}
			if (!(section instanceof AdjustableResilienceSection adjustable)) {
				throw new InvalidEndpointRequestException("Section '" + name + "' has no settings to change",
						"not adjustable");
			}
			String previous;
			try {
				previous = adjustable.adjust(setting, value);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidEndpointRequestException(ex.getMessage(), ex.getMessage());
			}
			logger.warn(String.format("Resilience setting %s.%s changed from %s to %s by %s from %s at %s", name,
					setting, previous, value, principal(securityContext), remoteAddress(), Instant.now()));
			return section.describe();
		}
		return null;
	}

	private static String principal(SecurityContext securityContext) {
		Principal principal = (securityContext != null) ? securityContext.getPrincipal() : null;
		return (principal != null) ? "principal '" + principal.getName() + "'" : "an unauthenticated caller";
	}

	private static String remoteAddress() {
		if (SERVLET_PRESENT) {
			RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
			if (attributes instanceof ServletRequestAttributes servlet) {
				return servlet.getRequest().getRemoteAddr();
			}
		}
		return "an unknown address (not an HTTP request)";
	}

}
