package dev.resilience.sample.congestion;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.springframework.stereotype.Component;

/**
 * Simulated crowd sensors at the popular places of a city: how full each place is, from 0 to 100 percent.
 * Deterministic for a place and a minute, so repeated reads agree.
 */
@Component
public class CongestionSensor {

	static final List<String> PLACES = List.of("old-town-square", "central-station", "riverside-market",
			"castle-hill", "botanical-garden", "harbour-promenade", "museum-quarter", "city-stadium");

	private final Clock clock;

	public CongestionSensor() {
		this(Clock.systemUTC());
	}

	CongestionSensor(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Whether the city has a sensor at that place.
	 * @param place the place's id
	 * @return {@code true} if it is known
	 */
	public boolean knows(String place) {
		return PLACES.contains(place);
	}

	/**
	 * Current occupancy of a place.
	 * @param place the place's id
	 * @return percent of capacity, 0 to 100
	 */
	public int occupancy(String place) {
		return occupancyAt(place, this.clock.instant());
	}

	int occupancyAt(String place, Instant when) {
		long minute = when.getEpochSecond() / 60;
		int hourOfDay = (int) ((minute / 60) % 24);
		int daytime = (hourOfDay >= 8 && hourOfDay <= 20) ? 40 : 5;
		int jitter = Math.floorMod((place.hashCode() * 31) ^ Long.hashCode(minute), 50);
		return Math.min(100, daytime + jitter);
	}

}
