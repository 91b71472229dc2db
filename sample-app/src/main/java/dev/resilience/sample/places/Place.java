package dev.resilience.sample.places;

/**
 * A popular place in the city.
 *
 * @param id the place's identifier, as in {@code /places/{id}}
 * @param name the place's name
 * @param district the district it is in
 * @param category what kind of place it is, for example {@code museum} or {@code market}
 * @param capacity how many visitors it holds comfortably
 */
public record Place(String id, String name, String district, String category, int capacity) {

}
