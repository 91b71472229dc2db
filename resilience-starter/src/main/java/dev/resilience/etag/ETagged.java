package dev.resilience.etag;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code GET} handler method whose response is identified by a resource version from
 * {@link ResourceVersions}. Before the handler runs, the version is looked up; when the request's
 * {@code If-None-Match} matches it, {@code 304 Not Modified} is answered and the handler is not invoked — never for an
 * instance known to be absent, and for {@code *} only for one known to exist. Otherwise the handler runs and a
 * {@code 2xx} response gets a weak {@code ETag} and a {@code Cache-Control} header; its outcome tells the store
 * whether the instance exists ({@code 2xx}: yes, {@code 404}/{@code 410}: no).
 *
 * <pre class="code">
 * &#64;ETagged(resource = "place", key = "#id")
 * &#64;GetMapping("/places/{id}")
 * Place place(&#64;PathVariable String id) { ... }
 * </pre>
 *
 * <p>Validated at startup: the handler must map {@code GET} only, and the key must be a valid SpEL expression whose
 * variables name parameters bound from the path, a request parameter or a header.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ETagged {

	/**
	 * Name of the resource, shared with {@link ChangesResource#resource()} on the handlers that change it.
	 * @return the resource name
	 */
	String resource();

	/**
	 * SpEL expression over the handler's parameters ({@code #id} for the parameter named {@code id}, converted to the
	 * parameter's type, so that {@code 01} and {@code 1} for a {@code long} are one instance) that identifies the
	 * resource instance. A key that evaluates to {@code null} disables conditional handling for that request.
	 * @return the key expression
	 */
	String key();

	/**
	 * {@code Cache-Control} for the {@code 200} and {@code 304} responses; empty to use
	 * {@code resilience.etag.cache-control}.
	 * @return the Cache-Control value
	 */
	String cacheControl() default "";

	/**
	 * Request headers the representation varies on, sent as {@code Vary} on both the {@code 200} and the {@code 304}.
	 * @return the header names
	 */
	String[] vary() default {};

}
