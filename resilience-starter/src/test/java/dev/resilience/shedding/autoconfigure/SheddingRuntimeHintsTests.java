package dev.resilience.shedding.autoconfigure;

import dev.resilience.shedding.Sheddable;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.ObservationRegistry.ObservationConfig;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

class SheddingRuntimeHintsTests {

	@Test
	void registersTheSheddableAnnotationForReflection() {
		RuntimeHints hints = new RuntimeHints();
		new SheddingRuntimeHints().registerHints(hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(Sheddable.class)
			.withMemberCategory(MemberCategory.INVOKE_DECLARED_METHODS)).accepts(hints);
	}

	@Test
	void registersTheObservationConfigurationTheShedRequestObserverReads() {
		RuntimeHints hints = new RuntimeHints();
		new SheddingRuntimeHints().registerHints(hints, getClass().getClassLoader());
		for (String field : new String[] { "observationHandlers", "observationPredicates", "observationFilters" }) {
			assertThat(RuntimeHintsPredicates.reflection().onFieldAccess(ObservationConfig.class, field))
				.accepts(hints);
		}
		assertThat(RuntimeHintsPredicates.reflection()
			.onFieldAccess(DefaultMeterObservationHandler.class, "meterRegistry")).accepts(hints);
	}

	@Test
	void isRegisteredInAotFactories() {
		assertThat(SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class)).hasAtLeastOneElementOfType(SheddingRuntimeHints.class);
	}

}
