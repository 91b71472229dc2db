package dev.resilience.benchmarks.overload;

import java.util.Map;

import dev.resilience.shedding.Sheddable;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A fast user-facing read that must stay up, and a slow expensive call that a spike piles onto.
 *
 * <p>The expensive endpoint sleeps for its downstream call rather than calling a local HTTP stub: what the incident
 * is about is a worker thread held while it waits on I/O, which a sleep reproduces exactly, without a third process
 * competing for the machine's two cores and without an HTTP client pool whose own size would act as an unstated
 * bulkhead in every variant.
 */
@RestController
class SpikeController {

	static final String CRITICAL_PATH = "/critical";

	static final String EXPENSIVE_PATH = "/expensive";

	static final long DOWNSTREAM_MILLIS = 100;

	@GetMapping(CRITICAL_PATH)
	Map<String, Object> critical() {
		return Map.of("place", "harbour-bridge", "occupancy", 42);
	}

	@Sheddable
	@GetMapping(EXPENSIVE_PATH)
	Map<String, Object> expensive() throws InterruptedException {
		Thread.sleep(DOWNSTREAM_MILLIS);
		return Map.of("report", "congestion", "hours", 24);
	}

}
