package dev.resilience.benchmarks.overload;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * One way of protecting the service, as the arguments that start it that way. Only one protection is on at a time:
 * every variant but the starter's turns the starter's shedding off.
 */
enum Variant {

	NO_PROTECTION("a", "no protection", (limit) -> List.of("--resilience.shedding.enabled=false")),

	SHEDDABLE("b", "starter @Sheddable, threshold 0.85", (limit) -> List.of()),

	SHEDDABLE_UNOBSERVED("b0", "starter @Sheddable, shed requests not observed",
			(limit) -> List.of("--spike.shed-observer=none")),

	SHEDDABLE_DRY_RUN("b'", "starter @Sheddable, dry-run",
			(limit) -> List.of("--resilience.shedding.dry-run=true")),

	RESILIENCE4J_BULKHEAD("c", "resilience4j bulkhead, limit %d",
			(limit) -> List.of("--resilience.shedding.enabled=false", "--spike.protection=resilience4j-bulkhead",
					"--spike.bulkhead.max-concurrent-calls=" + limit)),

	CONCURRENCY_LIMITS_DEFAULTS("d", "concurrency-limits, defaults",
			(limit) -> List.of("--resilience.shedding.enabled=false", "--spike.protection=concurrency-limits")),

	CONCURRENCY_LIMITS_TUNED("d'", "concurrency-limits, /expensive, max %d",
			(limit) -> List.of("--resilience.shedding.enabled=false", "--spike.protection=concurrency-limits",
					"--spike.concurrency-limits.url-pattern=" + SpikeController.EXPENSIVE_PATH,
					"--spike.concurrency-limits.max-concurrency=" + limit));

	private final String key;

	private final String description;

	private final IntFunction<List<String>> arguments;

	Variant(String key, String description, IntFunction<List<String>> arguments) {
		this.key = key;
		this.description = description;
		this.arguments = arguments;
	}

	/**
	 * The variants named by their keys, in the order given.
	 * @param keys comma-separated keys such as {@code b,c}; blank for every variant
	 * @return the variants
	 * @throws IllegalArgumentException naming a key that is no variant's
	 */
	static List<Variant> parse(String keys) {
		if (keys.isBlank()) {
			return List.of(values());
		}
		List<Variant> variants = new ArrayList<>();
		for (String key : keys.split(",")) {
			variants.add(Arrays.stream(values())
				.filter((variant) -> variant.key.equals(key.trim()))
				.findFirst()
				.orElseThrow(() -> new IllegalArgumentException("spike.variants: no variant '" + key.trim()
						+ "', expected some of " + Arrays.stream(values()).map(Variant::key).toList())));
		}
		return variants;
	}

	String key() {
		return this.key;
	}

	String description() {
		return this.description.formatted(SpikeProfile.LAUNCH_DAY.expensiveConcurrencyLimit());
	}

	/**
	 * Arguments that start the service protected this way.
	 * @param profile the scenario, for the peers' concurrency limit
	 * @return the arguments
	 */
	List<String> arguments(SpikeProfile profile) {
		return this.arguments.apply(profile.expensiveConcurrencyLimit());
	}

}
