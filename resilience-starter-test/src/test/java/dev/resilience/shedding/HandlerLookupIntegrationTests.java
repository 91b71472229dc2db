package dev.resilience.shedding;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.resilience.test.shedding.AutoConfigureWorkerPoolPressure;
import dev.resilience.test.shedding.WorkerPoolPressure;
import dev.resilience.test.shedding.WorkerPoolPressure.Hold;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.OncePerRequestFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The handler lookup under pressure, seen from the rest of a real Tomcat application: it leaves nothing on the
 * request for later filters, it keeps no state per resolved handler, and the shedding filter is first in the chain.
 */
@SpringBootTest(classes = { SheddingTestApplication.class, HandlerLookupIntegrationTests.Extras.class },
		webEnvironment = WebEnvironment.RANDOM_PORT, properties = "server.tomcat.threads.max=10")
@AutoConfigureWorkerPoolPressure
class HandlerLookupIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WorkerPoolPressure pressure;

	@Autowired
	SheddableHandlers handlers;

	@Autowired
	AttributeRecorder recorder;

	@Autowired
	ServletWebServerApplicationContext context;

	@Test
	void prototypeScopedControllerUnderPressureKeepsOneThresholdEntry() {
		int entries = this.handlers.thresholdEntries();
		try (Hold hold = this.pressure.reach(0.5)) { // the lowest threshold: every request is looked up
			for (int i = 0; i < 20; i++) {
				assertThat(Http.get(this.port, "/prototype/" + i).statusCode()).isEqualTo(200);
			}
		}
		assertThat(PrototypeController.instances).hasSizeGreaterThanOrEqualTo(20); // one per lookup
		assertThat(this.handlers.thresholdEntries()).isEqualTo(entries);
	}

	@Test
	void laterFilterSeesNoAttributeOfTheLookupAfterANonShedRequestUnderPressure() {
		List<String> paths = List.of("/reports/lyon", "/reports/today", "/prototype/7", "/exports/global");
		Map<String, Set<String>> baseline = new ConcurrentHashMap<>();
		for (String path : paths) {
			assertThat(Http.get(this.port, path).statusCode()).isEqualTo(200);
			baseline.put(path, this.recorder.namesSeenBy(path));
		}
		try (Hold hold = this.pressure.reach(0.5)) {
			for (String path : paths) {
				assertThat(Http.get(this.port, path).statusCode()).as(path).isEqualTo(200);
				assertThat(this.recorder.namesSeenBy(path)).as(path)
					.containsExactlyInAnyOrderElementsOf(baseline.get(path))
					.noneMatch((name) -> name.startsWith("org.springframework.web.servlet.HandlerMapping."))
					.noneMatch((name) -> name.startsWith("org.springframework.web.util."));
			}
		}
	}

	@Test
	void sheddingFilterIsFirstInTomcatsFilterChain() {
		TomcatWebServer server = (TomcatWebServer) this.context.getWebServer();
		Context tomcatContext = (Context) server.getTomcat().getHost().findChildren()[0];
		List<String> chain = new ArrayList<>();
		for (FilterMap map : tomcatContext.findFilterMaps()) {
			chain.add(map.getFilterName());
		}
		int shedding = chain.indexOf("loadSheddingFilter");
		assertThat(chain.subList(shedding + 1, chain.size())).contains("characterEncodingFilter",
				"webMvcObservationFilter", "formContentFilter", "requestContextFilter", "attributeRecorder");
		// only a filter registered at the same order can sort before it (none must be below LoadSheddingFilter.ORDER)
		assertThat(chain.subList(0, shedding)).allSatisfy((name) -> assertThat(
				this.context.getBean(name, FilterRegistrationBean.class).getOrder())
			.as(name)
			.isEqualTo(LoadSheddingFilter.ORDER));
	}

	@Configuration(proxyBeanMethods = false)
	static class Extras {

		@Bean
		@Scope("prototype")
		PrototypeController prototypeController() {
			return new PrototypeController();
		}

		@Bean
		AttributeRecorder attributeRecorderFilter() {
			return new AttributeRecorder();
		}

		@Bean
		FilterRegistrationBean<AttributeRecorder> attributeRecorder(AttributeRecorder recorder) {
			FilterRegistrationBean<AttributeRecorder> registration = new FilterRegistrationBean<>(recorder);
			registration.setOrder(0);
			return registration;
		}

	}

	@Sheddable
	@RestController
	static class PrototypeController {

		static final Set<PrototypeController> instances = ConcurrentHashMap.newKeySet();

		PrototypeController() {
			instances.add(this);
		}

		@GetMapping("/prototype/{id}")
		String get(@PathVariable String id) {
			return id;
		}

	}

	/**
	 * A filter after the shedding filter: records the request attributes it is handed.
	 */
	static class AttributeRecorder extends OncePerRequestFilter {

		private final Map<String, Set<String>> seen = new ConcurrentHashMap<>();

		Set<String> namesSeenBy(String path) {
			return this.seen.remove(path);
		}

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws ServletException, IOException {
			this.seen.put(request.getRequestURI(), Set.copyOf(Collections.list(request.getAttributeNames())));
			chain.doFilter(request, response);
		}

	}

}
