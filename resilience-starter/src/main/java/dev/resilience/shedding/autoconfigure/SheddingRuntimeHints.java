package dev.resilience.shedding.autoconfigure;

import dev.resilience.shedding.Sheddable;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Hints for a native image: {@link Sheddable} is read from handler methods and classes at startup, and its
 * attributes are invoked reflectively by Spring's merged-annotation support; the shed request observer reads
 * Micrometer's observation configuration to tell whether a shed request may be recorded in its timer directly (without
 * these fields it observes every shed request in full).
 */
final class SheddingRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.reflection().registerType(Sheddable.class, MemberCategory.INVOKE_DECLARED_METHODS);
		hints.reflection()
			.registerTypeIfPresent(classLoader, "io.micrometer.observation.ObservationRegistry$ObservationConfig",
					(type) -> type.withField("observationHandlers")
						.withField("observationPredicates")
						.withField("observationFilters"));
		hints.reflection()
			.registerTypeIfPresent(classLoader,
					"io.micrometer.core.instrument.observation.DefaultMeterObservationHandler",
					(type) -> type.withField("meterRegistry"));
	}

}
