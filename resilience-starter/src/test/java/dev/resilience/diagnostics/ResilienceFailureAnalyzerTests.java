package dev.resilience.diagnostics;

import dev.resilience.etag.ETagged;
import dev.resilience.shedding.Sheddable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The starter's startup errors, as {@code SpringApplication.run} reports them: a description naming the property or
 * handler method, and an action.
 */
@ExtendWith(OutputCaptureExtension.class)
class ResilienceFailureAnalyzerTests {

	@Test
	void unknownTier(CapturedOutput output) {
		failToStart(UnknownTierApplication.class, "--resilience.shedding.tiers.batch.threshold=0.5");
		assertThat(analysis(output)).contains("@Sheddable on", "UnknownTierApplication$Controller#report", "names tier 'bulk'",
				"resilience.shedding.tiers has only [batch]")
			.contains("Action:", "Configure resilience.shedding.tiers.bulk.threshold");
	}

	@Test
	void badSheddableThreshold(CapturedOutput output) {
		failToStart(BadThresholdApplication.class);
		assertThat(analysis(output)).contains("@Sheddable(threshold = 1.5)", "BadThresholdApplication$Controller#report",
				"Set the threshold of");
	}

	@Test
	void conflictingTiers(CapturedOutput output) {
		failToStart(PlainApplication.class, "--resilience.shedding.tiers.batch.threshold=0.5",
				"--resilience.shedding.tiers.batch.paths=/reports/**", "--resilience.shedding.tiers.bulk.threshold=0.3",
				"--resilience.shedding.tiers.bulk.paths=GET /reports/{id}");
		assertThat(analysis(output)).contains("resilience.shedding.tiers.batch.paths[0] (/reports/**)",
				"resilience.shedding.tiers.bulk.paths[0] (GET /reports/{id})", " overlaps ",
				"Narrow or remove one of the two rules");
	}

	@Test
	void invalidProperties(CapturedOutput output) {
		failToStart(PlainApplication.class, "--resilience.shedding.retry-after-jitter=2h",
				"--resilience.shedding.tiers.batch.paths=/reports/**");
		assertThat(analysis(output)).contains("Invalid configuration of the resilience starter",
				"Property: resilience.shedding.retry-after-jitter", "Value: \"PT2H\"",
				"Origin: \"resilience.shedding.retry-after-jitter\" from property source \"commandLineArgs\"",
				"Reason: must be at most 1h", "Property: resilience.shedding.tiers.batch.threshold",
				"Update the properties above");
	}

	@Test
	void badETaggedKeyExpression(CapturedOutput output) {
		failToStart(BadKeyApplication.class);
		assertThat(analysis(output)).contains("@ETagged on", "Controller#place", "#nope",
				"Fix the key of the annotation");
	}

	private static void failToStart(Class<?> application, String... args) {
		String[] all = new String[args.length + 2];
		all[0] = "--server.port=0";
		all[1] = "--spring.main.banner-mode=off";
		System.arraycopy(args, 0, all, 2, args.length);
		assertThatException().isThrownBy(() -> SpringApplication.run(application, all).close());
	}

	private static String analysis(CapturedOutput output) {
		String text = output.toString();
		assertThat(text).contains("APPLICATION FAILED TO START", "Description:", "Action:");
		return text.substring(text.indexOf("APPLICATION FAILED TO START"));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(UnknownTierApplication.Controller.class)
	static class UnknownTierApplication {

		@RestController
		static class Controller {

			@Sheddable(tier = "bulk")
			@GetMapping("/report")
			String report() {
				return "report";
			}

		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(BadThresholdApplication.Controller.class)
	static class BadThresholdApplication {

		@RestController
		static class Controller {

			@Sheddable(threshold = 1.5)
			@GetMapping("/report")
			String report() {
				return "report";
			}

		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class PlainApplication {

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(BadKeyApplication.Controller.class)
	static class BadKeyApplication {

		@RestController
		static class Controller {

			@ETagged(resource = "place", key = "#nope")
			@GetMapping("/places/{id}")
			String place(@PathVariable String id) {
				return "place";
			}

		}

	}

}
