package dev.resilience.sample.places;

import dev.resilience.etag.ChangesResource;
import dev.resilience.etag.ETagged;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The city's popular places. Reads are answered {@code 304} from the place's version when the caller's copy is
 * current, without loading the place; a change sent with a stale {@code If-Match} is refused with {@code 412}.
 */
@RestController
@RequestMapping("/places")
public class PlaceController {

	private final PlaceRepository places;

	public PlaceController(PlaceRepository places) {
		this.places = places;
	}

	@ETagged(resource = "place", key = "#id")
	@GetMapping("/{id}")
	public Place place(@PathVariable String id) {
		return this.places.findById(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
	}

	@ChangesResource(resource = "place", key = "#id")
	@PutMapping("/{id}")
	public Place update(@PathVariable String id, @RequestBody Place place) {
		if (!id.equals(place.id())) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "the body's id must be the path's id");
		}
		return this.places.save(place);
	}

}
