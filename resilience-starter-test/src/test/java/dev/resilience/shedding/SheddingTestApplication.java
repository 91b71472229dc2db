package dev.resilience.shedding;

import java.util.concurrent.Callable;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * Application for the shedding end-to-end tests: sheddable, critical and misbehaving endpoints.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ SheddingTestApplication.Endpoints.class, SheddingTestApplication.Exports.class })
class SheddingTestApplication {

	@RestController
	static class Endpoints {

		@Sheddable
		@GetMapping("/reports/{city}")
		String report(@PathVariable String city) {
			return "report for " + city;
		}

		@GetMapping("/reports/today") // more specific than the sheddable /reports/{city}: wins the mapping
		String todaysReport() {
			return "today";
		}

		@GetMapping("/critical")
		String critical() {
			return "critical";
		}

		@GetMapping("/boom")
		String boom() {
			throw new IllegalStateException("boom");
		}

		@GetMapping("/async")
		Callable<String> async() {
			return () -> "async";
		}

		@GetMapping("/async-timeout")
		DeferredResult<String> asyncTimeout() {
			return new DeferredResult<>(50L); // never completed: times out, then an ASYNC/ERROR dispatch
		}

		@GetMapping("/slow")
		String slow() throws InterruptedException {
			Thread.sleep(300);
			return "x".repeat(256 * 1024); // written after the client has gone
		}

	}

	@Sheddable(threshold = 0.5)
	@RestController
	static class Exports {

		@GetMapping("/exports")
		String export() {
			return "export";
		}

		@Sheddable
		@GetMapping("/exports/global")
		String exportAtGlobalThreshold() {
			return "export";
		}

	}

}
