package dev.resilience.sample.places;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.context.annotation.Profile;
import org.springframework.data.redis.core.HashOperations;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Repository;

/**
 * {@link PlaceRepository} in Redis (the {@code redis} profile): one hash per place under {@code sample:place:<id>},
 * shared by every instance, next to the versions the starter keeps there. Seeds only places that are not there yet,
 * so that a second instance does not undo the first one's changes.
 */
@Repository
@Profile("redis")
public class RedisPlaceRepository implements PlaceRepository {

	private static final String PREFIX = "sample:place:";

	private final StringRedisTemplate redis;

	private final HashOperations<String, String, String> hashes;

	public RedisPlaceRepository(StringRedisTemplate redis) {
		this.redis = redis;
		this.hashes = redis.opsForHash();
		for (Place place : SEED) {
			if (!Boolean.TRUE.equals(redis.hasKey(PREFIX + place.id()))) {
				save(place);
			}
		}
	}

	@Override
	public Optional<Place> findById(String id) {
		List<String> fields = this.hashes.multiGet(PREFIX + id, List.of("name", "district", "category", "capacity"));
		if (fields.size() < 4 || fields.get(3) == null) {
			return Optional.empty();
		}
		return Optional.of(new Place(id, fields.get(0), fields.get(1), fields.get(2), Integer.parseInt(fields.get(3))));
	}

	@Override
	public Place save(Place place) {
		Map<String, String> fields = new HashMap<>();
		putIfNotNull(fields, "name", place.name());
		putIfNotNull(fields, "district", place.district());
		putIfNotNull(fields, "category", place.category());
		fields.put("capacity", Integer.toString(place.capacity()));
		String key = PREFIX + place.id();
		// one transaction, so that a read never sees half of a change
		this.redis.execute(new SessionCallback<List<Object>>() {
			@Override
			@SuppressWarnings({ "unchecked", "rawtypes" })
			public List<Object> execute(RedisOperations operations) {
				operations.multi();
				operations.delete(key);
				operations.opsForHash().putAll(key, fields);
				return operations.exec();
			}
		});
		return place;
	}

	private static void putIfNotNull(Map<String, String> fields, String name, String value) {
		if (value != null) {
			fields.put(name, value);
		}
	}

}
