package dev.resilience.etag;

import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * Source of versions for one resource whose data can change outside the application (another service, a batch job),
 * typically a cheap read of an {@code updated_at} or row-version column. A resolver takes precedence over the
 * {@link ResourceVersionStore} for its resource, and {@link ResourceVersions#touch} does nothing for that resource.
 *
 * <pre class="code">
 * &#64;Bean
 * ResourceVersionResolver placeVersions(JdbcClient jdbc) {
 *     return ResourceVersionResolver.of("place", (id) -&gt; jdbc.sql("select updated_at from place where id = ?")
 *         .param(id).query(Instant.class).optional().map(ResourceVersion::modifiedAt).orElse(null));
 * }
 * </pre>
 *
 * Called on every conditional request for the resource, before the handler: keep it cheap. The starter checks a
 * write's precondition against the resolved version but cannot make the check and the change atomic: make the change
 * conditional on {@link ChangesResource#CHECKED_VERSION_ATTRIBUTE} (optimistic locking) where concurrent writes
 * matter.
 */
public interface ResourceVersionResolver {

	/**
	 * Name of the resource this resolver serves, as in {@link ETagged#resource()}.
	 * @return the resource name
	 */
	String resource();

	/**
	 * Current version of a resource instance.
	 * @param key the instance's key, as evaluated from the annotation's key expression
	 * @return the version, or {@code null} if the instance does not exist (a read then runs the handler and gets no
	 * {@code ETag}; a write's {@code If-Match} fails and its {@code If-None-Match: *} holds)
	 */
	@Nullable ResourceVersion resolve(String key);

	/**
	 * Create a resolver from a function.
	 * @param resource the resource name
	 * @param resolver resolves a key to a version, or to {@code null} if the instance does not exist
	 * @return the resolver
	 */
	static ResourceVersionResolver of(String resource, Function<String, @Nullable ResourceVersion> resolver) {
		return new ResourceVersionResolver() {

			@Override
			public String resource() {
				return resource;
			}

			@Override
			public @Nullable ResourceVersion resolve(String key) {
				return resolver.apply(key);
			}

			@Override
			public String toString() {
				return "ResourceVersionResolver[" + resource + "]";
			}

		};
	}

}
