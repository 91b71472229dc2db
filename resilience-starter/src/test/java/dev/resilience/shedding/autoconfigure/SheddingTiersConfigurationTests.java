package dev.resilience.shedding.autoconfigure;

import dev.resilience.shedding.SheddableHandlers;
import dev.resilience.shedding.Sheddable;
import dev.resilience.support.ResilienceConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.THROWABLE;

/**
 * Startup checks of {@code resilience.shedding.tiers} and {@code @Sheddable(tier)}: each error names its property or
 * handler method.
 */
@ExtendWith(OutputCaptureExtension.class)
class SheddingTiersConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SheddingAutoConfiguration.class, WebMvcAutoConfiguration.class));

	@Test
	void unknownTierFailsStartupNamingTheHandlerAndTheProperty() {
		this.runner.withUserConfiguration(UnknownTierController.class)
			.withPropertyValues("resilience.shedding.tiers.batch.threshold=0.5")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.extracting(SheddingTiersConfigurationTests::cause)
				.asInstanceOf(THROWABLE)
				.isInstanceOf(ResilienceConfigurationException.class)
				.hasMessageContaining("UnknownTierController#report")
				.hasMessageContaining("tier 'bulk'")
				.hasMessageContaining("resilience.shedding.tiers has only [batch]"));
	}

	@Test
	void placeholderInTheTierNameResolvesAgainstTheEnvironment() {
		this.runner.withUserConfiguration(PlaceholderTierController.class)
			.withPropertyValues("resilience.shedding.tiers.batch.threshold=0.4", "reports.tier=batch")
			.run((context) -> assertThat(context.getBean(SheddableHandlers.class).lowestThreshold())
				.isEqualTo(0.4));
	}

	@Test
	void unresolvablePlaceholderFailsStartupNamingTheHandler() {
		this.runner.withUserConfiguration(PlaceholderTierController.class)
			.withPropertyValues("resilience.shedding.tiers.batch.threshold=0.4")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.extracting(SheddingTiersConfigurationTests::cause)
				.asInstanceOf(THROWABLE)
				.hasMessageContaining("PlaceholderTierController#report")
				.hasMessageContaining("${reports.tier}"));
	}

	@Test
	void overlappingRulesOfTwoTiersFailStartupNamingBothProperties() {
		this.runner
			.withPropertyValues("resilience.shedding.tiers.batch.threshold=0.5",
					"resilience.shedding.tiers.batch.paths=/reports/**", "resilience.shedding.tiers.bulk.threshold=0.3",
					"resilience.shedding.tiers.bulk.paths=/exports/**,GET /reports/{id}")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.extracting(SheddingTiersConfigurationTests::cause)
				.asInstanceOf(THROWABLE)
				.isInstanceOf(ResilienceConfigurationException.class)
				.hasMessageContaining("resilience.shedding.tiers.batch.paths[0] (/reports/**)")
				.hasMessageContaining("resilience.shedding.tiers.bulk.paths[1] (GET /reports/{id})"));
	}

	@Test
	void rulesOfTwoTiersForDifferentMethodsDoNotOverlap() {
		this.runner.withUserConfiguration(PlainController.class)
			.withPropertyValues("resilience.shedding.tiers.batch.threshold=0.5",
					"resilience.shedding.tiers.batch.paths=GET /report", "resilience.shedding.tiers.bulk.threshold=0.3",
					"resilience.shedding.tiers.bulk.paths=POST PUT /report")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void invalidRuleFailsStartupNamingTheProperty() {
		this.runner
			.withPropertyValues("resilience.shedding.tiers.batch.threshold=0.5",
					"resilience.shedding.tiers.batch.paths=FETCH /reports/**")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.extracting(SheddingTiersConfigurationTests::cause)
				.asInstanceOf(THROWABLE)
				.hasMessageContaining("resilience.shedding.tiers.batch.paths[0]")
				.hasMessageContaining("\"FETCH\" is not an HTTP method"));
	}

	@Test
	void tierWithoutAThresholdFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("resilience.shedding.tiers.batch.paths=/reports/**")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.extracting(SheddingTiersConfigurationTests::cause)
				.asInstanceOf(THROWABLE)
				.hasMessageContaining("resilience.shedding.tiers.batch.threshold")
				.hasMessageContaining("must be set"));
	}

	@Test
	void tierThresholdOutsideTheUnitIntervalFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("resilience.shedding.tiers.batch.threshold=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.extracting(SheddingTiersConfigurationTests::cause)
				.asInstanceOf(THROWABLE)
				.hasMessageContaining("resilience.shedding.tiers.batch.threshold")
				.hasMessageContaining("greater than 0 and at most 1"));
	}

	@Test
	void ruleThatMatchesNoHandlerIsLoggedNamingTheProperty(CapturedOutput output) {
		this.runner.withUserConfiguration(PlainController.class)
			.withPropertyValues("resilience.shedding.tiers.batch.threshold=0.5",
					"resilience.shedding.tiers.batch.paths=/report,/nowhere/**")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("resilience.shedding.tiers.batch.paths[1] (/nowhere/**) matches no handler")
					.doesNotContain("resilience.shedding.tiers.batch.paths[0]");
			});
	}

	@Test
	void bothThresholdAndThresholdStringFailStartupNamingTheHandler() {
		this.runner.withUserConfiguration(TwoThresholdsController.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.extracting(SheddingTiersConfigurationTests::cause)
				.asInstanceOf(THROWABLE)
				.hasMessageContaining("TwoThresholdsController#report")
				.hasMessageContaining("both threshold and thresholdString"));
	}

	private static Throwable cause(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof ResilienceConfigurationException || cause instanceof BindValidationException) {
				return cause;
			}
		}
		return failure;
	}

	@RestController
	static class UnknownTierController {

		@Sheddable(tier = "bulk")
		@GetMapping("/report")
		String report() {
			return "report";
		}

	}

	@RestController
	static class PlaceholderTierController {

		@Sheddable(tier = "${reports.tier}")
		@GetMapping("/report")
		String report() {
			return "report";
		}

	}

	@RestController
	static class PlainController {

		@GetMapping("/report")
		String report() {
			return "report";
		}

	}

	@RestController
	static class TwoThresholdsController {

		@Sheddable(threshold = 0.5, thresholdString = "0.6")
		@GetMapping("/report")
		String report() {
			return "report";
		}

	}

}
