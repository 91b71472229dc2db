package dev.resilience.etag.autoconfigure;

import java.util.UUID;

import dev.resilience.etag.ChangesResource;
import dev.resilience.etag.ETagged;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

class ETagRuntimeHintsTests {

	private final RuntimeHints hints = registered();

	@Test
	void registersTheAnnotationsForReflection() {
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(ETagged.class)
			.withMemberCategory(MemberCategory.INVOKE_DECLARED_METHODS)).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(ChangesResource.class)
			.withMemberCategory(MemberCategory.INVOKE_DECLARED_METHODS)).accepts(this.hints);
	}

	@Test
	void registersThePublicMethodsOfEveryKeyValueTypeForSpel() {
		assertThat(ETagRuntimeHints.KEY_VALUE_TYPES).contains(String.class, Long.class, Integer.class, UUID.class);
		for (Class<?> type : ETagRuntimeHints.KEY_VALUE_TYPES) {
			assertThat(RuntimeHintsPredicates.reflection()
				.onType(type)
				.withMemberCategory(MemberCategory.INVOKE_PUBLIC_METHODS)).as(type.getName()).accepts(this.hints);
		}
	}

	@Test
	void isRegisteredInAotFactories() {
		assertThat(SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class)).hasAtLeastOneElementOfType(ETagRuntimeHints.class);
	}

	private static RuntimeHints registered() {
		RuntimeHints hints = new RuntimeHints();
		new ETagRuntimeHints().registerHints(hints, ETagRuntimeHintsTests.class.getClassLoader());
		return hints;
	}

}
