package dev.resilience.benchmarks.etag;

import java.util.concurrent.atomic.AtomicLong;

import dev.resilience.etag.ETagged;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.ShallowEtagHeaderFilter;

/**
 * The resource under load, served three ways: plain, behind {@link ShallowEtagHeaderFilter}, and {@link ETagged}.
 * Loading it costs about 5 ms (a sleep standing in for a database round trip) and rendering it produces about 20 KB.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(PlaceBenchmarkApplication.PlaceController.class)
public class PlaceBenchmarkApplication {

	@Bean
	FilterRegistrationBean<ShallowEtagHeaderFilter> shallowEtagHeaderFilter() {
		FilterRegistrationBean<ShallowEtagHeaderFilter> registration = new FilterRegistrationBean<>(
				new ShallowEtagHeaderFilter());
		registration.addUrlPatterns("/shallow/*");
		return registration;
	}

	@RestController
	static class PlaceController {

		final AtomicLong loads = new AtomicLong();

		@GetMapping(path = "/plain/places/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
		String plain(@PathVariable String id) throws InterruptedException {
			return load(id);
		}

		@GetMapping(path = "/shallow/places/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
		String shallow(@PathVariable String id) throws InterruptedException {
			return load(id);
		}

		@ETagged(resource = "place", key = "#id")
		@GetMapping(path = "/etagged/places/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
		String etagged(@PathVariable String id) throws InterruptedException {
			return load(id);
		}

		private String load(String id) throws InterruptedException {
			this.loads.incrementAndGet();
			Thread.sleep(5);
			StringBuilder json = new StringBuilder(21_000).append("{\"id\":\"").append(id).append("\",\"visits\":[");
			for (int hour = 0; json.length() < 20_000; hour++) {
				json.append(hour > 0 ? "," : "")
					.append("{\"hour\":")
					.append(hour)
					.append(",\"visitors\":")
					.append((hour * 7919) % 5000)
					.append(",\"note\":\"busy around the main entrance\"}");
			}
			return json.append("]}").toString();
		}

	}

}
