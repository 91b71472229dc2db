package dev.resilience.shedding.autoconfigure;

import dev.resilience.shedding.Sheddable;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Hints for a native image: {@link Sheddable} is read from handler methods and classes at startup, and its
 * attributes are invoked reflectively by Spring's merged-annotation support.
 */
final class SheddingRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.reflection().registerType(Sheddable.class, MemberCategory.INVOKE_DECLARED_METHODS);
	}

}
