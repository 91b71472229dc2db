package dev.resilience.diagnostics;

import java.util.ArrayList;
import java.util.List;

import dev.resilience.etag.ChangesResource;
import dev.resilience.etag.ETagged;
import dev.resilience.shedding.Sheddable;
import dev.resilience.support.ResilienceConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

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
		Throwable failure = failToStart(BadKeyApplication.class);
		assertThat(causes(failure)).anySatisfy((cause) -> assertThat(cause)
			.isInstanceOf(ResilienceConfigurationException.class)
			.hasMessageContaining("BadKeyApplication.Controller#place"));
		assertThat(analysis(output)).contains("@ETagged on", "Controller#place", "#nope",
				"Fix the key of @ETagged on ", "BadKeyApplication.Controller#place: a SpEL expression");
	}

	@Test
	void emptyETaggedResource(CapturedOutput output) {
		Throwable failure = failToStart(EmptyResourceApplication.class);
		assertThat(causes(failure)).anySatisfy((cause) -> assertThat(cause)
			.isInstanceOf(ResilienceConfigurationException.class)
			.hasMessageContaining("resource must not be empty"));
		assertThat(analysis(output)).contains("@ChangesResource on", "Controller#update", "resource must not be empty",
				"Name the resource of @ChangesResource on");
	}

	@Test
	void configurationErrorsAreRecognisedByTypeNotByMessage() {
		ResilienceFailureAnalyzer analyzer = new ResilienceFailureAnalyzer();
		FailureAnalysis analysis = analyzer.analyze(new IllegalStateException("wrapped",
				new ResilienceConfigurationException("Something of the starter is wrong", "Do this")));
		assertThat(analysis.getDescription()).isEqualTo("Something of the starter is wrong");
		assertThat(analysis.getAction()).isEqualTo("Do this");
		assertThat(analyzer.analyze(new IllegalStateException("@ETagged on Some#method: not ours"))).isNull();
	}

	private static List<Throwable> causes(Throwable failure) {
		List<Throwable> causes = new ArrayList<>();
		for (Throwable cause = failure; cause != null && causes.size() < 20; cause = cause.getCause()) {
			causes.add(cause);
		}
		return causes;
	}

	private static Throwable failToStart(Class<?> application, String... args) {
		String[] all = new String[args.length + 2];
		all[0] = "--server.port=0";
		all[1] = "--spring.main.banner-mode=off";
		System.arraycopy(args, 0, all, 2, args.length);
		Throwable failure = catchThrowable(() -> SpringApplication.run(application, all).close());
		assertThat(failure).as("startup of %s", application.getSimpleName()).isNotNull();
		return failure;
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
	@Import(EmptyResourceApplication.Controller.class)
	static class EmptyResourceApplication {

		@RestController
		static class Controller {

			@ChangesResource(resource = "", key = "#id")
			@PutMapping("/places/{id}")
			String update(@PathVariable String id) {
				return "place";
			}

		}

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
