package dev.resilience.benchmarks.overload;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link Variant}.
 */
class VariantTests {

	@Test
	void keysSelectVariantsInTheOrderGiven() {
		assertThat(Variant.parse("c, b,d'")).containsExactly(Variant.RESILIENCE4J_BULKHEAD, Variant.SHEDDABLE,
				Variant.CONCURRENCY_LIMITS_TUNED);
	}

	@Test
	void blankSelectsEveryVariant() {
		assertThat(Variant.parse(" ")).containsExactly(Variant.values());
	}

	@Test
	void unknownKeyIsNamed() {
		assertThatIllegalArgumentException().isThrownBy(() -> Variant.parse("b,e"))
			.withMessageContaining("spike.variants: no variant 'e'");
	}

}
