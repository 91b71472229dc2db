package dev.resilience.sample.places;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Repository;

/**
 * In-memory catalogue of the city's popular places, seeded with a few well-known ones.
 */
@Repository
public class PlaceRepository {

	private final Map<String, Place> places = new ConcurrentHashMap<>();

	public PlaceRepository() {
		save(new Place("old-town-square", "Old Town Square", "Old Town", "square", 5000));
		save(new Place("castle", "Castle", "Hradcany", "landmark", 3000));
		save(new Place("central-market", "Central Market", "New Town", "market", 1200));
		save(new Place("riverside-park", "Riverside Park", "Holesovice", "park", 8000));
		save(new Place("national-museum", "National Museum", "New Town", "museum", 900));
	}

	public Optional<Place> findById(String id) {
		return Optional.ofNullable(this.places.get(id));
	}

	public Place save(Place place) {
		this.places.put(place.id(), place);
		return place;
	}

}
