package dev.resilience.etag;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code PUT}, {@code PATCH}, {@code POST} or {@code DELETE} handler method that changes a resource. Before the
 * handler runs, {@code If-Match} (or, without it, {@code If-Unmodified-Since}) and then {@code If-None-Match} are
 * checked against the resource's current version and existence ({@code *}), and a precondition that does not hold is
 * answered with {@code 412 Precondition Failed} and an RFC 9457 problem body, without invoking the handler. With the
 * {@link ResourceVersionStore}, a write whose precondition holds reserves the instance: concurrent conditional writes
 * get {@code 412} until it ends. After a {@code 2xx} response the resource's version is bumped, before the response
 * is committed, and the instance is known to exist (absent after a {@code DELETE}); a write that fails (exception,
 * {@code 4xx}, {@code 5xx}) leaves the version as it was and gives the reservation back.
 *
 * <pre class="code">
 * &#64;ChangesResource(resource = "place", key = "#id")
 * &#64;PutMapping("/places/{id}")
 * Place update(&#64;PathVariable String id, &#64;RequestBody Place place) { ... }
 * </pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ChangesResource {

	/**
	 * Request attribute that holds the {@link ResourceVersion} a precondition ({@code If-Match},
	 * {@code If-None-Match}, {@code If-Unmodified-Since}) was checked against, for handlers that make the change
	 * conditional on it themselves (optimistic locking on a resource served by a {@link ResourceVersionResolver}):
	 * {@code @RequestAttribute(name = ChangesResource.CHECKED_VERSION_ATTRIBUTE, required = false) ResourceVersion
	 * checked}. Absent when the request carries no precondition or the instance has no version.
	 */
	String CHECKED_VERSION_ATTRIBUTE = "dev.resilience.etag.ChangesResource.checkedVersion";

	/**
	 * Name of the resource, shared with {@link ETagged#resource()} on the handlers that read it.
	 * @return the resource name
	 */
	String resource();

	/**
	 * SpEL expression over the handler's parameters ({@code #id} for the parameter named {@code id}, converted to the
	 * parameter's type) that identifies the resource instance. A key that evaluates to {@code null} disables
	 * precondition checks for that request.
	 * @return the key expression
	 */
	String key();

}
