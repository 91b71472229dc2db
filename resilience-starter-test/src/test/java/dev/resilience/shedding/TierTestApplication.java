package dev.resilience.shedding;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Application for the tier tests: a "library" controller nobody annotated, a functional endpoint, endpoints that join
 * a tier by annotation (through a placeholder) and one that keeps its own threshold.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ TierTestApplication.LibraryController.class, TierTestApplication.OwnController.class })
class TierTestApplication {

	@Bean
	RouterFunction<ServerResponse> feedRoutes() {
		return RouterFunctions.route()
			.GET("/fn/feed", (request) -> ServerResponse.ok().body("feed"))
			.GET("/fn-critical", (request) -> ServerResponse.ok().body("critical"))
			.build();
	}

	@RestController
	static class LibraryController {

		@GetMapping("/library/reports/{id}")
		String report(@PathVariable String id) {
			return "report " + id;
		}

		@PostMapping("/library/reports/{id}")
		String recompute(@PathVariable String id) {
			return "recomputed " + id;
		}

		@GetMapping("/critical")
		String critical() {
			return "critical";
		}

	}

	@RestController
	static class OwnController {

		@Sheddable(tier = "${test.tier-name:batch}")
		@GetMapping("/annotated")
		String annotated() {
			return "annotated";
		}

		@Sheddable
		@GetMapping("/global")
		String global() {
			return "global";
		}

		@Sheddable(tier = "batch", thresholdString = "${test.own-threshold}")
		@GetMapping("/library/own")
		String own() {
			return "own";
		}

	}

}
