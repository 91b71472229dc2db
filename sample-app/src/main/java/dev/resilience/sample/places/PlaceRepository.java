package dev.resilience.sample.places;

import java.util.List;
import java.util.Optional;

/**
 * Catalogue of the city's popular places, seeded with a few well-known ones: in this JVM's memory by default, in
 * Redis under the {@code redis} profile (so that every instance serves the same places).
 */
public interface PlaceRepository {

	/** Places every catalogue starts with. */
	List<Place> SEED = List.of(new Place("old-town-square", "Old Town Square", "Old Town", "square", 5000),
			new Place("castle", "Castle", "Hradcany", "landmark", 3000),
			new Place("central-market", "Central Market", "New Town", "market", 1200),
			new Place("riverside-park", "Riverside Park", "Holesovice", "park", 8000),
			new Place("national-museum", "National Museum", "New Town", "museum", 900));

	Optional<Place> findById(String id);

	Place save(Place place);

}
