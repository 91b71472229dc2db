package dev.resilience.sample.weather;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * Calls the upstream weather feed through a {@link RestClient} built from the injected {@code RestClient.Builder},
 * that is, through the starter's shared pooled caching client. The response shows what the cache did
 * ({@code Cache-Status} of the upstream response, enabled in {@code application.yml}) and how often the feed had to
 * send a full forecast or a {@code 304}.
 */
@RestController
class WeatherController {

	private final RestClient feed;

	private final WeatherFeed weatherFeed;

	WeatherController(RestClient.Builder builder, WeatherFeed weatherFeed) {
		this.weatherFeed = weatherFeed;
		this.feed = builder.baseUrl(weatherFeed.baseUrl()).build();
	}

	@GetMapping("/weather/{city}")
	Map<String, Object> weather(@PathVariable String city) {
		ResponseEntity<String> forecast = this.feed.get()
			.uri("/forecast/{city}", city)
			.retrieve()
			.toEntity(String.class);
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("forecast", forecast.getBody());
		result.put("cacheStatus", forecast.getHeaders().getFirst("Cache-Status"));
		result.put("feedFullResponses", this.weatherFeed.fullResponses());
		result.put("feedNotModifiedResponses", this.weatherFeed.notModifiedResponses());
		return result;
	}

}
