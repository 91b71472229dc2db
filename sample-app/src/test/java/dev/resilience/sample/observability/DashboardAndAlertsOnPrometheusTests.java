package dev.resilience.sample.observability;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.resilience.sample.SampleApplication;
import dev.resilience.test.etag.ConditionalRequests;
import dev.resilience.test.instances.ApplicationInstances;
import dev.resilience.test.instances.ApplicationInstances.Instance;
import dev.resilience.test.redis.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.yaml.snakeyaml.Yaml;

import org.springframework.boot.json.JsonParserFactory;

import static dev.resilience.test.etag.ConditionalRequests.assertNotModified;
import static dev.resilience.test.etag.ConditionalRequests.assertPreconditionFailed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard ({@code docs/grafana/resilience-dashboard.json}) and the alert rules
 * ({@code docs/prometheus/resilience-alerts.yml}) against live data: the sample with the Redis ETag store, scraped
 * every second by a real Prometheus that also evaluates the rules, under traffic that exercises every capability
 * (a shedding storm included). Every dashboard query and every alert expression is evaluated through Prometheus' HTTP
 * API. Skipped, loudly, where no {@code prometheus} binary is on the {@code PATH} ({@code .ci/run} installs Debian's).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DashboardAndAlertsOnPrometheusTests {

	private static final String APPLICATION = "congestion-service";

	private static final String RATE_INTERVAL = "10s";

	/**
	 * Dashboard queries ("panel [refId]") that may return no series, and why. Every other query must return at least
	 * one series.
	 */
	private static final Map<String, String> EMPTY_PANELS = Map.of();

	private static final String CASTLE = "{\"id\":\"castle\",\"name\":\"Castle\",\"district\":\"Hradcany\","
			+ "\"category\":\"landmark\",\"capacity\":%d}";

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final Path docs = Path.of("").toAbsolutePath().getParent().resolve("docs");

	private RedisServer redis;

	private ApplicationInstances instances;

	private PrometheusServer prometheus;

	private Instance app;

	@BeforeEach
	void start() throws Exception {
		Optional<Path> binary = PrometheusServer.binary();
		if (binary.isEmpty()) {
			System.err.println("""

					*****************************************************************************************
					* SKIPPED DashboardAndAlertsOnPrometheusTests: no 'prometheus' on the PATH, so the Grafana *
					* dashboard and the alert rules were NOT checked against live data. Install it            *
					* (Debian: apt-get install prometheus, as .ci/run does) and run the tests again.          *
					*****************************************************************************************
					""");
		}
		Assumptions.assumeTrue(binary.isPresent(), "no prometheus binary on the PATH: dashboard and alerts NOT checked");
		assertThat(this.docs.resolve("grafana/resilience-dashboard.json")).isRegularFile();
		this.redis = RedisServer.start();
		this.instances = ApplicationInstances.of(SampleApplication.class)
			.properties(this.redis.springDataRedisProperties())
			.properties("spring.profiles.active=redis", "management.metrics.tags.application=" + APPLICATION,
					"server.tomcat.threads.max=20", "sample.report-query-time=200ms",
					"resilience.http-client.cache.store=redis", "resilience.http-client.cache.redis.heap-tier.enabled=true");
		this.app = this.instances.start();
		this.prometheus = PrometheusServer.start(binary.get(), this.app.port(),
				this.docs.resolve("prometheus/resilience-alerts.yml"));
	}

	@AfterEach
	void stop() {
		if (this.prometheus != null) {
			this.prometheus.close();
		}
		if (this.instances != null) {
			this.instances.close();
		}
		if (this.redis != null) {
			this.redis.close();
		}
	}

	@Test
	void everyDashboardQueryAndAlertExpressionEvaluatesOnLiveData() throws Exception {
		String instance = "127.0.0.1:" + this.app.port();
		awaitTrue("Prometheus scrapes the sample", () -> !this.prometheus.vector("up{job=\"sample\"} == 1").isEmpty());
		driveEveryCapability();
		String target = "{application=\"" + APPLICATION + "\", instance=\"" + instance + "\"}";
		awaitTrue("the storm's rejections are scraped", () -> !this.prometheus
			.vector("resilience_shedding_rejected_total{uri=\"/reports/congestion\", dry_run=\"false\"} > 0")
			.isEmpty());
		awaitTrue("the 304s and 412s are scraped",
				() -> !this.prometheus.vector("resilience_etag_not_modified_total{resource=\"place\"} > 0").isEmpty()
						&& !this.prometheus.vector("resilience_etag_precondition_failed_total{resource=\"place\"} > 0")
							.isEmpty());
		assertThat(this.prometheus.vector("max_over_time(resilience_shedding_pressure" + target + "[2m]) >= 0.85"))
			.as("pressure reached the sample's threshold during the storm")
			.isNotEmpty();

		Map<String, Object> dashboard = JsonParserFactory.getJsonParser()
			.parseMap(Files.readString(this.docs.resolve("grafana/resilience-dashboard.json")));
		assertVariablesFindTheSample(dashboard, instance);
		Map<String, String> queries = dashboardQueries(dashboard, instance);
		assertThat(queries).hasSizeGreaterThan(EMPTY_PANELS.size());
		// a series appears once it has been scraped twice inside the rate window: allow a few scrapes
		Map<String, Integer> series = awaitStable(() -> evaluate(queries),
				(result) -> emptyOf(result).keySet().equals(EMPTY_PANELS.keySet()));
		series.forEach((panel, count) -> System.out.printf("dashboard query %-60s %3d series%s%n", panel, count,
				(count == 0) ? " (" + EMPTY_PANELS.get(panel) + ")" : ""));
		assertThat(emptyOf(series).keySet()).as("dashboard queries without a series")
			.containsExactlyInAnyOrderElementsOf(EMPTY_PANELS.keySet());
		for (String shedding : List.of("Pressure against thresholds [A]", "In flight against capacity [A]",
				"Rejections by URI and dry run [A]")) {
			assertThat(series.get(shedding)).as(shedding).isPositive();
		}

		Map<String, String> alerts = alertExpressions();
		assertThat(alerts).hasSizeGreaterThanOrEqualTo(6);
		alerts.forEach((alert, expr) -> {
			Map<String, Object> response = this.prometheus.query(expr);
			assertThat(response.get("status")).as("%s: %s -> %s", alert, expr, response).isEqualTo("success");
		});
		Map<String, Map<String, Object>> rules = awaitStable(this::loadedRules, (loaded) -> loaded.keySet()
			.equals(alerts.keySet()) && loaded.values().stream().noneMatch((rule) -> "unknown".equals(rule.get("health"))));
		assertThat(rules.keySet()).as("rules Prometheus loaded").isEqualTo(alerts.keySet());
		rules.forEach((alert, rule) -> assertThat(rule.get("health")).as("%s: %s", alert, rule).isEqualTo("ok"));
		assertThat(rules.get("ResilienceSheddingSustained").get("state")).as("the storm makes the shedding alert pend")
			.isIn("pending", "firing");
		assertThat(rules.get("ResilienceFatal").get("state")).isEqualTo("inactive");
	}

	private void driveEveryCapability() throws Exception {
		ConditionalRequests places = ConditionalRequests.onLocalPort(this.app.port());
		String tag = places.assertRevalidates("/places/castle");
		for (int i = 0; i < 5; i++) {
			assertNotModified(places.get("/places/castle", "If-None-Match", tag), tag);
		}
		assertThat(places.send("PUT", "/places/castle", CASTLE.formatted(3500), "If-Match", tag).statusCode())
			.isEqualTo(200);
		assertPreconditionFailed(places.send("PUT", "/places/castle", CASTLE.formatted(1), "If-Match", tag));
		for (int i = 0; i < 5; i++) {
			assertThat(get("/weather/prague").statusCode()).isEqualTo(200);
		}
		Map<Integer, Integer> statuses = storm(40, Duration.ofSeconds(5));
		assertThat(statuses).as("the storm's responses").containsKey(429);
		assertThat(get("/congestion/central-station").statusCode()).isEqualTo(200);
	}

	/**
	 * Many clients calling the {@code @Sheddable} report at once, while the critical lookup keeps being called.
	 */
	private Map<Integer, Integer> storm(int clients, Duration length) throws InterruptedException {
		Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
		long end = System.nanoTime() + length.toNanos();
		ExecutorService pool = Executors.newFixedThreadPool(clients + 1);
		for (int i = 0; i < clients; i++) {
			pool.execute(() -> {
				while (System.nanoTime() < end) {
					int status = statusOf("/reports/congestion?hours=1");
					statuses.computeIfAbsent(status, (s) -> new AtomicInteger()).incrementAndGet();
				}
			});
		}
		pool.execute(() -> {
			while (System.nanoTime() < end) {
				statusOf("/congestion/central-station");
			}
		});
		pool.shutdown();
		assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).as("storm clients finished").isTrue();
		Map<Integer, Integer> counts = new TreeMap<>();
		statuses.forEach((status, count) -> counts.put(status, count.get()));
		System.out.println("storm responses by status: " + counts);
		return counts;
	}

	private int statusOf(String path) {
		try {
			return get(path).statusCode();
		}
		catch (IOException ex) {
			return -1;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return -1;
		}
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return this.client.send(HttpRequest.newBuilder(this.app.uri(path)).timeout(Duration.ofSeconds(30)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * Every target's {@code expr}, keyed "panel [refId]", with the variables substituted as Grafana would for this
	 * application and instance.
	 */
	@SuppressWarnings("unchecked")
	private Map<String, String> dashboardQueries(Map<String, Object> dashboard, String instance) {
		Map<String, String> queries = new LinkedHashMap<>();
		List<Map<String, Object>> panels = new ArrayList<>((List<Map<String, Object>>) dashboard.get("panels"));
		for (int i = 0; i < panels.size(); i++) {
			Map<String, Object> panel = panels.get(i);
			// a collapsed row carries its panels inside it
			panels.addAll((List<Map<String, Object>>) panel.getOrDefault("panels", List.of()));
			for (Map<String, Object> target : (List<Map<String, Object>>) panel.getOrDefault("targets", List.of())) {
				String key = panel.get("title") + " [" + target.get("refId") + "]";
				assertThat(queries).as("panel titles and refIds are unique").doesNotContainKey(key);
				queries.put(key, substitute((String) target.get("expr"), instance));
			}
		}
		return queries;
	}

	private String substitute(String expr, String instance) {
		String substituted = expr.replace("$__rate_interval", RATE_INTERVAL)
			.replace("$application", APPLICATION)
			// a multi-value variable: Grafana escapes regular expression characters
			.replace("$instance", instance.replace(".", "\\\\."));
		assertThat(substituted).as("variables left in %s", expr).doesNotContain("$");
		return substituted;
	}

	@SuppressWarnings("unchecked")
	private void assertVariablesFindTheSample(Map<String, Object> dashboard, String instance) {
		List<Map<String, Object>> variables = (List<Map<String, Object>>) ((Map<String, Object>) dashboard
			.get("templating")).get("list");
		Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
		variables.forEach((variable) -> byName.put((String) variable.get("name"), variable));
		assertThat(byName).containsOnlyKeys("datasource", "application", "instance");
		assertThat(byName.get("datasource")).containsEntry("type", "datasource").containsEntry("query", "prometheus");
		Pattern labelValues = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\)");
		Map<String, String> expected = Map.of("application", APPLICATION, "instance", instance);
		expected.forEach((name, value) -> {
			Map<String, Object> variable = byName.get(name);
			Object query = variable.get("query");
			String definition = (query instanceof Map<?, ?> map) ? (String) map.get("query") : (String) query;
			Matcher matcher = labelValues.matcher(definition);
			assertThat(matcher.matches()).as("%s is label_values(selector, label): %s", name, definition).isTrue();
			String selector = matcher.group(1).replace("$application", APPLICATION);
			Map<String, Object> response = this.prometheus.labelValues(matcher.group(2), selector);
			assertThat(response).as("$%s: %s", name, definition).containsEntry("status", "success");
			assertThat((List<String>) response.get("data")).as("$%s: %s", name, definition).contains(value);
		});
	}

	@SuppressWarnings("unchecked")
	private Map<String, Integer> evaluate(Map<String, String> queries) {
		Map<String, Integer> series = new LinkedHashMap<>();
		queries.forEach((panel, expr) -> {
			Map<String, Object> response = this.prometheus.query(expr);
			assertThat(response.get("status")).as("%s: %s -> %s", panel, expr, response).isEqualTo("success");
			series.put(panel, ((List<Object>) ((Map<String, Object>) response.get("data")).get("result")).size());
		});
		return series;
	}

	private static Map<String, Integer> emptyOf(Map<String, Integer> series) {
		Map<String, Integer> empty = new TreeMap<>();
		series.forEach((panel, count) -> {
			if (count == 0) {
				empty.put(panel, count);
			}
		});
		return empty;
	}

	/** Every alerting rule's expression, by alert name. */
	@SuppressWarnings("unchecked")
	private Map<String, String> alertExpressions() throws IOException {
		Map<String, String> alerts = new LinkedHashMap<>();
		try (InputStream in = Files.newInputStream(this.docs.resolve("prometheus/resilience-alerts.yml"))) {
			Map<String, Object> file = new Yaml().load(in);
			for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
				for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
					assertThat(alerts).doesNotContainKey((String) rule.get("alert"));
					alerts.put((String) rule.get("alert"), (String) rule.get("expr"));
				}
			}
		}
		return alerts;
	}

	/** The alerting rules Prometheus loaded, by name, with their health and state. */
	@SuppressWarnings("unchecked")
	private Map<String, Map<String, Object>> loadedRules() {
		Map<String, Object> response = this.prometheus.rules();
		assertThat(response).containsEntry("status", "success");
		Map<String, Map<String, Object>> rules = new LinkedHashMap<>();
		for (Map<String, Object> group : (List<Map<String, Object>>) ((Map<String, Object>) response.get("data"))
			.get("groups")) {
			for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
				rules.put((String) rule.get("name"), rule);
			}
		}
		return rules;
	}

	private static void awaitTrue(String what, Supplier<Boolean> condition) throws InterruptedException {
		assertThat(awaitStable(condition, Boolean::booleanValue)).as(what).isTrue();
	}

	/**
	 * The first value that passes the check within 30 seconds, else the last one (for the caller's assertion to
	 * describe).
	 */
	private static <T> T awaitStable(Supplier<T> value, Predicate<T> done)
			throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		T last = value.get();
		while (!done.test(last) && System.nanoTime() < deadline) {
			Thread.sleep(500);
			last = value.get();
		}
		return last;
	}

}
