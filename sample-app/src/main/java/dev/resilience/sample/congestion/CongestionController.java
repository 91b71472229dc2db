package dev.resilience.sample.congestion;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.resilience.shedding.Sheddable;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The two kinds of endpoint load shedding tells apart: a fast lookup that the city's app calls on every screen
 * (critical: never shed), and a slow hourly report that a nightly batch job fetches and retries (sheddable).
 */
@RestController
class CongestionController {

	private final CongestionSensor sensor;

	private final Duration reportQueryTime;

	CongestionController(CongestionSensor sensor,
			@Value("${sample.report-query-time:300ms}") Duration reportQueryTime) {
		this.sensor = sensor;
		this.reportQueryTime = reportQueryTime;
	}

	@GetMapping("/congestion/{place}")
	Map<String, Object> congestion(@PathVariable String place) {
		if (!this.sensor.knows(place)) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No sensor at " + place);
		}
		return Map.of("place", place, "occupancy", this.sensor.occupancy(place));
	}

	/**
	 * Expensive: stands for a query over a day of readings in a slow reporting database.
	 */
	@Sheddable
	@GetMapping("/reports/congestion")
	List<Map<String, Object>> report(@RequestParam(defaultValue = "24") int hours) throws InterruptedException {
		Thread.sleep(this.reportQueryTime.toMillis());
		Instant now = Instant.now();
		List<Map<String, Object>> report = new ArrayList<>();
		for (String place : CongestionSensor.PLACES) {
			int peak = 0;
			long total = 0;
			for (int minute = 0; minute < Math.min(hours, 168) * 60; minute++) {
				int occupancy = this.sensor.occupancyAt(place, now.minusSeconds(minute * 60L));
				peak = Math.max(peak, occupancy);
				total += occupancy;
			}
			report.add(Map.of("place", place, "peak", peak, "average", total / Math.max(1, hours * 60)));
		}
		return report;
	}

}
