package dev.resilience.etag;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Last-change versions of resources, from which {@link ETagged} derives entity tags and against which
 * {@link ChangesResource} checks preconditions. A {@link ResourceVersionResolver} for a resource takes precedence;
 * other resources are kept in a {@link ResourceVersionStore}.
 *
 * <p>Keys are compared by their string form, and a handler's key is the string form of the argument the handler
 * receives (converted as Spring MVC converts it): {@code touch("place", 42L)} and a path variable {@code "042"} bound
 * to a {@code long} name the same instance. Call {@link #touch} when data changes outside a {@link ChangesResource}
 * handler (a message listener, a batch job) so that clients get the new content, and {@link #removed} when it is
 * deleted there.
 */
public class ResourceVersions {

	private final ResourceVersionStore store;

	private final Map<String, ResourceVersionResolver> resolvers;

	/**
	 * Create an instance.
	 * @param store where versions of resources without a resolver are kept
	 * @param resolvers resolvers, at most one per resource
	 * @throws IllegalStateException if two resolvers serve the same resource
	 */
	public ResourceVersions(ResourceVersionStore store, Collection<? extends ResourceVersionResolver> resolvers) {
		this.store = store;
		Map<String, ResourceVersionResolver> byResource = new HashMap<>();
		for (ResourceVersionResolver resolver : resolvers) {
			ResourceVersionResolver other = byResource.putIfAbsent(resolver.resource(), resolver);
			if (other != null) {
				throw new IllegalStateException("Two ResourceVersionResolvers serve resource '" + resolver.resource()
						+ "': " + other + " and " + resolver + "; keep one");
			}
		}
		this.resolvers = Map.copyOf(byResource);
	}

	/**
	 * Create an instance without resolvers.
	 * @param store where versions are kept
	 */
	public ResourceVersions(ResourceVersionStore store) {
		this(store, List.of());
	}

	/**
	 * Record a change of a resource instance: clients holding an older entity tag get the full response on their next
	 * request, and their {@code If-Match} fails. The instance is known to exist afterwards. Does nothing for a resource
	 * served by a resolver.
	 * @param resource the resource name
	 * @param key the instance's key (compared by its string form)
	 */
	public void touch(String resource, Object key) {
		if (!this.resolvers.containsKey(resource)) {
			this.store.changed(resource, key.toString(), true, null);
		}
	}

	/**
	 * Record that a resource instance was deleted: as {@link #touch}, and the instance is known to be absent
	 * afterwards ({@code If-None-Match: *} no longer answers {@code 304}, {@code If-Match: *} fails). Does nothing for
	 * a resource served by a resolver.
	 * @param resource the resource name
	 * @param key the instance's key (compared by its string form)
	 */
	public void removed(String resource, Object key) {
		if (!this.resolvers.containsKey(resource)) {
			this.store.changed(resource, key.toString(), false, null);
		}
	}

	/**
	 * Current version of a resource instance, if known.
	 * @param resource the resource name
	 * @param key the instance's key (compared by its string form)
	 * @return the version, or empty if none is recorded, the instance is known to be absent, the resolver does not
	 * know it, or the store cannot be reached
	 */
	public Optional<ResourceVersion> current(String resource, Object key) {
		String k = key.toString();
		ResourceVersionResolver resolver = this.resolvers.get(resource);
		if (resolver != null) {
			return Optional.ofNullable(resolver.resolve(k));
		}
		ResourceState state;
		try {
			state = this.store.current(resource, k);
		}
		catch (RuntimeException ex) {
			// a remote store that cannot be reached knows nothing this instance could vouch for
			return Optional.empty();
		}
		return (state != null && state.existence() != ResourceState.Existence.ABSENT) ? Optional.of(state.version())
				: Optional.empty();
	}

	/**
	 * Resolver that serves a resource.
	 * @param resource the resource name
	 * @return the resolver, or {@code null} if the store keeps the resource's versions
	 */
	@Nullable ResourceVersionResolver resolver(String resource) {
		return this.resolvers.get(resource);
	}

	/**
	 * Whether a resolver serves the resource.
	 * @param resource the resource name
	 * @return whether a resolver takes precedence over the store for it
	 */
	public boolean hasResolver(String resource) {
		return this.resolvers.containsKey(resource);
	}

	/**
	 * Resources served by resolvers.
	 * @return the resource names
	 */
	public Set<String> resolvedResources() {
		return this.resolvers.keySet();
	}

	/**
	 * Store for resources without a resolver.
	 * @return the store
	 */
	public ResourceVersionStore store() {
		return this.store;
	}

}
