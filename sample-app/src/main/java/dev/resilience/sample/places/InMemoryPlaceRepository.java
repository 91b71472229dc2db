package dev.resilience.sample.places;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Repository;

/**
 * {@link PlaceRepository} in this JVM's memory: each instance has its own places.
 */
@Repository
@Profile("!redis")
public class InMemoryPlaceRepository implements PlaceRepository {

	private final Map<String, Place> places = new ConcurrentHashMap<>();

	public InMemoryPlaceRepository() {
		SEED.forEach(this::save);
	}

	@Override
	public Optional<Place> findById(String id) {
		return Optional.ofNullable(this.places.get(id));
	}

	@Override
	public Place save(Place place) {
		this.places.put(place.id(), place);
		return place;
	}

}
