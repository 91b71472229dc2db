package dev.resilience.benchmarks.shedding;

import dev.resilience.shedding.Sheddable;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A service whose only endpoint does nothing, so that the starter's per-request cost is as visible as it can be.
 * The endpoint is {@code @Sheddable}: every request takes the full decision path (and, pressure being low, is served).
 */
@SpringBootApplication
@RestController
public class TrivialService {

	@Sheddable
	@GetMapping("/hello")
	String hello() {
		return "hello";
	}

	public static void main(String[] args) {
		SpringApplication.run(TrivialService.class, args);
	}

}
