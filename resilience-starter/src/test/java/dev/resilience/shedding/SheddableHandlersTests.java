package dev.resilience.shedding;

import java.lang.reflect.Method;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockServletContext;
import org.springframework.util.ReflectionUtils;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.context.support.StaticWebApplicationContext;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPatternParser;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Handler resolution of {@link SheddableHandlers}: whatever is remembered, every request resolves to the handler the
 * mappings pick, and only resolutions that depend on the method and the path alone are remembered.
 */
class SheddableHandlersTests {

	private static final RequestMappingInfo.BuilderConfiguration PATH_PATTERNS = pathPatterns();

	private final Handlers handlers = new Handlers();

	@Test
	void literalPathIsResolvedOnceThenRemembered() {
		RequestMappingHandlerMapping mapping = mapping(0);
		RequestMappingInfo exports = get("/exports").build();
		register(mapping, exports, "export");
		SheddableHandlers sheddable = sheddable(mapping);
		assertResolvesTo(sheddable, request("GET", "/exports"), "export", "/exports");
		assertThat(sheddable.rememberedDirectPaths()).isEqualTo(1);
		mapping.unregisterMapping(exports); // only the remembered resolution can answer now
		assertResolvesTo(sheddable, request("GET", "/exports"), "export", "/exports");
		assertThat(sheddable.thresholdOf(sheddable.handlerFor(request("GET", "/exports")).handler())).isEqualTo(0.85);
		assertThat(sheddable.handlerFor(request("POST", "/exports"))).isNull();
	}

	@Test
	void templatedPathIsResolvedEveryTime() {
		RequestMappingHandlerMapping mapping = mapping(0);
		register(mapping, get("/reports/{city}"), "report");
		register(mapping, get("/reports/today"), "critical");
		SheddableHandlers sheddable = sheddable(mapping);
		assertResolvesTo(sheddable, request("GET", "/reports/lyon"), "report", "/reports/{city}");
		assertResolvesTo(sheddable, request("GET", "/reports/nice"), "report", "/reports/{city}");
		assertThat(sheddable.rememberedDirectPaths()).isZero();
		assertResolvesTo(sheddable, request("GET", "/reports/today"), "critical", "/reports/today");
		assertResolvesTo(sheddable, request("GET", "/reports/today"), "critical", "/reports/today");
		assertThat(sheddable.rememberedDirectPaths()).isEqualTo(1);
	}

	@Test
	void requestThatNoSheddablePatternMatchesIsAnsweredWithoutALookup() {
		CountingMapping mapping = new CountingMapping();
		initialize(mapping, 0);
		register(mapping, get("/reports/{city}"), "report");
		register(mapping, get("/reports/today"), "critical");
		register(mapping, get("/places/{id}"), "critical");
		SheddableHandlers sheddable = sheddable(mapping);
		assertThat(sheddable.sheddableHandlerFor(request("GET", "/places/7"))).isNull();
		assertThat(mapping.lookups).as("looked up").isZero();
		assertThat(sheddable.sheddableHandlerFor(request("GET", "/reports/today"))).isNull();
		assertThat(mapping.lookups).isOne();
		SheddableHandlers.Match report = sheddable.sheddableHandlerFor(request("GET", "/reports/lyon"));
		assertThat(report.handler().getMethod().getName()).isEqualTo("report");
		assertThat(report.uriTemplate()).isEqualTo("/reports/{city}");
	}

	@Test
	void eachMethodOfALiteralPathIsRememberedApart() {
		RequestMappingHandlerMapping mapping = mapping(0);
		register(mapping, get("/exports"), "export");
		register(mapping, RequestMappingInfo.paths("/exports").methods(RequestMethod.POST).options(PATH_PATTERNS),
				"critical");
		SheddableHandlers sheddable = sheddable(mapping);
		for (int i = 0; i < 2; i++) {
			assertResolvesTo(sheddable, request("GET", "/exports"), "export", "/exports");
			assertResolvesTo(sheddable, request("HEAD", "/exports"), "export", "/exports");
			assertResolvesTo(sheddable, request("POST", "/exports"), "critical", "/exports");
		}
		assertThat(sheddable.rememberedDirectPaths()).isEqualTo(3);
		assertThat(sheddable.handlerFor(request("DELETE", "/exports"))).isNull();
	}

	@Test
	void literalPathWithAHandlerThatConditionsOnMoreThanTheMethodIsResolvedEveryTime() {
		RequestMappingHandlerMapping mapping = mapping(0);
		register(mapping, get("/exports"), "export");
		register(mapping, get("/exports").headers("X-Preview=true"), "critical");
		SheddableHandlers sheddable = sheddable(mapping);
		MockHttpServletRequest preview = request("GET", "/exports");
		preview.addHeader("X-Preview", "true");
		for (int i = 0; i < 2; i++) {
			assertResolvesTo(sheddable, preview, "critical", "/exports");
			assertResolvesTo(sheddable, request("GET", "/exports"), "export", "/exports");
		}
		assertThat(sheddable.rememberedDirectPaths()).isZero();
	}

	@Test
	void literalPathMatchedByAPatternOfAnEarlierMappingIsResolvedEveryTime() {
		RequestMappingHandlerMapping earlier = mapping(-1);
		register(earlier, get("/{name}").headers("X-Preview=true"), "critical");
		RequestMappingHandlerMapping later = mapping(0);
		register(later, get("/exports"), "export");
		SheddableHandlers sheddable = sheddable(later, earlier);
		MockHttpServletRequest preview = request("GET", "/exports");
		preview.addHeader("X-Preview", "true");
		for (int i = 0; i < 2; i++) {
			assertResolvesTo(sheddable, request("GET", "/exports"), "export", "/exports");
			assertResolvesTo(sheddable, preview, "critical", "/{name}");
		}
		assertThat(sheddable.rememberedDirectPaths()).isZero();
	}

	@Test
	void optionsRequestsAreNeverRemembered() {
		RequestMappingHandlerMapping mapping = mapping(0);
		register(mapping, RequestMappingInfo.paths("/exports").options(PATH_PATTERNS), "export");
		SheddableHandlers sheddable = sheddable(mapping);
		MockHttpServletRequest preflight = request("OPTIONS", "/exports");
		preflight.addHeader("Origin", "https://shop.example");
		preflight.addHeader("Access-Control-Request-Method", "GET");
		sheddable.handlerFor(preflight);
		sheddable.handlerFor(request("OPTIONS", "/exports"));
		assertThat(sheddable.rememberedDirectPaths()).isZero();
		assertResolvesTo(sheddable, request("PUT", "/exports"), "export", "/exports");
		assertThat(sheddable.rememberedDirectPaths()).isEqualTo(1);
	}

	@Test
	void pathIsTakenWithinTheContextPath() {
		RequestMappingHandlerMapping mapping = mapping(0);
		register(mapping, get("/exports"), "export");
		SheddableHandlers sheddable = sheddable(mapping);
		MockHttpServletRequest request = request("GET", "/shop/exports");
		request.setContextPath("/shop");
		assertResolvesTo(sheddable, request, "export", "/exports");
		assertThat(sheddable.handlerFor(request("GET", "/exports"))).isNotNull();
		assertThat(sheddable.rememberedDirectPaths()).isEqualTo(2);
		MockHttpServletRequest other = request("GET", "/shop/exports");
		other.setContextPath("/shop");
		assertResolvesTo(sheddable, other, "export", "/exports");
	}

	@Test
	void lookupLeavesTheRequestAttributesAsItFoundThem() {
		RequestMappingHandlerMapping mapping = mapping(0);
		register(mapping, get("/reports/{city}").produces("text/plain"), "report");
		SheddableHandlers sheddable = sheddable(mapping);
		MockHttpServletRequest request = request("GET", "/reports/lyon;day=monday");
		request.setAttribute("existing", "kept");
		request.setAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, "/set/before");
		Set<String> before = Set.copyOf(Collections.list(request.getAttributeNames()));
		assertResolvesTo(sheddable, request, "report", "/reports/{city}");
		assertThat(Collections.list(request.getAttributeNames())).containsExactlyInAnyOrderElementsOf(before);
		assertThat(request.getAttribute("existing")).isEqualTo("kept");
		assertThat(request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE)).isEqualTo("/set/before");
		MockHttpServletRequest fresh = request("GET", "/reports/nice");
		assertResolvesTo(sheddable, fresh, "report", "/reports/{city}");
		assertThat(Collections.list(fresh.getAttributeNames())).isEmpty();
	}

	@Test
	void thresholdsAreKeyedByMethodNotByResolvedHandler() {
		RequestMappingHandlerMapping mapping = mapping(0);
		register(mapping, get("/reports/{city}"), "report");
		SheddableHandlers sheddable = sheddable(mapping);
		assertThat(sheddable.thresholdEntries()).isOne();
		Method report = ReflectionUtils.findMethod(Handlers.class, "report");
		for (int i = 0; i < 5; i++) {
			assertThat(sheddable.thresholdOf(new HandlerMethod(new Handlers(), report))).isEqualTo(0.85);
		}
		assertThat(sheddable.thresholdEntries()).isOne();
		Method critical = ReflectionUtils.findMethod(Handlers.class, "critical");
		assertThat(sheddable.thresholdOf(new HandlerMethod(new Handlers(), critical))).isNaN();
		assertThat(sheddable.thresholdEntries()).isOne();
	}

	@Test
	void pathRuleMakesAnUnannotatedLiteralPathSheddableAndIsRememberedWithIt() {
		CountingMapping mapping = new CountingMapping();
		initialize(mapping, 0);
		register(mapping, get("/reports/{city}"), "report");
		register(mapping, get("/reports/today"), "critical");
		SheddableHandlers sheddable = new SheddableHandlers(0.85,
				List.of(new SheddingTier("batch", 0.4, List.of("GET /reports/today"))), (value) -> value);
		sheddable.register(List.of(mapping));
		assertThat(sheddable.lowestThreshold()).isEqualTo(0.4);
		for (int i = 0; i < 3; i++) {
			SheddableHandlers.Match today = sheddable.sheddableHandlerFor(request("GET", "/reports/today"));
			assertThat(today.handler().getMethod().getName()).isEqualTo("critical");
			assertThat(today.uriTemplate()).isEqualTo("/reports/today");
			assertThat(today.threshold()).isEqualTo(0.4);
		}
		assertThat(mapping.lookups).as("looked up once, then remembered").isOne();
		assertThat(sheddable.sheddableHandlerFor(request("GET", "/reports/lyon")).threshold())
			.as("the annotated handler keeps its threshold")
			.isEqualTo(0.85);
		sheddable.setTierThreshold("batch", 0.7);
		assertThat(sheddable.sheddableHandlerFor(request("GET", "/reports/today")).threshold()).isEqualTo(0.7);
		assertThat(sheddable.lowestThreshold()).isEqualTo(0.7);
	}

	@Test
	void pathRuleWithoutAnAnnotatedPatternIsAnsweredWithoutALookup() {
		CountingMapping mapping = new CountingMapping();
		initialize(mapping, 0);
		register(mapping, get("/feeds/{id}"), "critical");
		SheddableHandlers sheddable = new SheddableHandlers(0.85,
				List.of(new SheddingTier("batch", 0.4, List.of("/feeds/**"))), (value) -> value);
		sheddable.register(List.of(mapping));
		SheddableHandlers.Match feed = sheddable.sheddableHandlerFor(request("POST", "/feeds/7"));
		assertThat(feed.uriTemplate()).isEqualTo("/feeds/**");
		assertThat(feed.threshold()).isEqualTo(0.4);
		assertThat(sheddable.sheddableHandlerFor(request("GET", "/places/7"))).isNull();
		assertThat(mapping.lookups).isZero();
	}

	private void assertResolvesTo(SheddableHandlers sheddable, MockHttpServletRequest request, String method,
			String uriTemplate) {
		SheddableHandlers.Match match = sheddable.handlerFor(request);
		assertThat(match).as("%s %s", request.getMethod(), request.getRequestURI()).isNotNull();
		assertThat(match.handler().getMethod().getName()).isEqualTo(method);
		assertThat(match.uriTemplate()).isEqualTo(uriTemplate);
	}

	private static SheddableHandlers sheddable(RequestMappingInfoHandlerMapping... mappings) {
		SheddableHandlers sheddable = new SheddableHandlers(0.85);
		sheddable.register(List.of(mappings));
		return sheddable;
	}

	private static MockHttpServletRequest request(String method, String uri) {
		return new MockHttpServletRequest(method, uri);
	}

	private static RequestMappingInfo.Builder get(String path) {
		return RequestMappingInfo.paths(path).methods(RequestMethod.GET).options(PATH_PATTERNS);
	}

	private void register(RequestMappingHandlerMapping mapping, RequestMappingInfo.Builder info, String method) {
		register(mapping, info.build(), method);
	}

	private void register(RequestMappingHandlerMapping mapping, RequestMappingInfo info, String method) {
		Method handler = ReflectionUtils.findMethod(Handlers.class, method);
		mapping.registerMapping(info, this.handlers, handler);
	}

	private static RequestMappingHandlerMapping mapping(int order) {
		return initialize(new RequestMappingHandlerMapping(), order);
	}

	private static RequestMappingHandlerMapping initialize(RequestMappingHandlerMapping mapping, int order) {
		StaticWebApplicationContext context = new StaticWebApplicationContext();
		context.setServletContext(new MockServletContext());
		context.refresh();
		mapping.setOrder(order);
		mapping.setApplicationContext(context);
		mapping.afterPropertiesSet();
		return mapping;
	}

	private static RequestMappingInfo.BuilderConfiguration pathPatterns() {
		RequestMappingInfo.BuilderConfiguration configuration = new RequestMappingInfo.BuilderConfiguration();
		configuration.setPatternParser(PathPatternParser.defaultInstance);
		return configuration;
	}

	static class CountingMapping extends RequestMappingHandlerMapping {

		int lookups;

		@Override
		protected HandlerMethod getHandlerInternal(HttpServletRequest request) throws Exception {
			this.lookups++;
			return super.getHandlerInternal(request);
		}

	}

	static class Handlers {

		@Sheddable
		String export() {
			return "export";
		}

		@Sheddable
		String report() {
			return "report";
		}

		String critical() {
			return "critical";
		}

	}

}
