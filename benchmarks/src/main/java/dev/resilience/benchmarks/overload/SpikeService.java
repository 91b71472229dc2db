package dev.resilience.benchmarks.overload;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * The small service that the launch-day spike is replayed against, one forked JVM per variant. Which protection it
 * runs with is chosen by its arguments (see {@link Variant}); the endpoints are the same in every variant.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ SpikeController.class, Resilience4jBulkheadConfiguration.class, ConcurrencyLimitsConfiguration.class,
		RejectionCosts.class, UnobservedShedding.class })
public class SpikeService {

	public static void main(String[] args) {
		SpringApplication.run(SpikeService.class, args);
	}

}
