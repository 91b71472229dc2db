package dev.resilience.etag;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.resilience.support.ResilienceSection;

/**
 * The {@code etag} section of the {@code resilience} actuator endpoint: which store keeps versions, how full or how
 * healthy it is (a Redis store: its circuit breaker),
 * which resources have resolvers, the annotated handlers and the {@code 304}/{@code 412} counts per resource.
 */
public final class ConditionalRequestsSection implements ResilienceSection {

	private final ResourceVersions versions;

	private final ConditionalRequestHandlers handlers;

	private final ConditionalRequestCounters counters;

	/**
	 * Create an instance.
	 * @param versions the versions in use
	 * @param handlers the annotated handlers
	 * @param counters the answer counts
	 */
	public ConditionalRequestsSection(ResourceVersions versions, ConditionalRequestHandlers handlers,
			ConditionalRequestCounters counters) {
		this.versions = versions;
		this.handlers = handlers;
		this.counters = counters;
	}

	@Override
	public String name() {
		return "etag";
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> section = new LinkedHashMap<>();
		ResourceVersionStore store = this.versions.store();
		Map<String, Object> storeSection = new LinkedHashMap<>();
		storeSection.put("type", store.getClass().getName());
		storeSection.put("shared", store.isShared());
		if (store instanceof InMemoryResourceVersionStore memory) {
			storeSection.put("kind", "memory");
			storeSection.put("entries", memory.size());
			storeSection.put("maxEntries", memory.maxEntries());
		}
		storeSection.putAll(store.describe());
		section.put("store", storeSection);
		section.put("resolvedResources", this.versions.resolvedResources().stream().sorted().toList());
		section.put("handlers", this.handlers.handlersByResource());
		section.put("counts", this.counters.snapshot());
		return section;
	}

}
