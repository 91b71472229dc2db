package dev.resilience.sample.observability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.boot.json.JsonParserFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/grafana/resilience-dashboard.json} is a dashboard Grafana imports as is: the classic JSON model, every
 * query on the {@code $datasource} variable, no panel on top of another. Needs no Prometheus (see
 * {@link DashboardAndAlertsOnPrometheusTests} for the queries themselves).
 */
class DashboardModelTests {

	private static final Map<String, Object> DS = Map.of("type", "prometheus", "uid", "${datasource}");

	@Test
	@SuppressWarnings("unchecked")
	void importableAsIs() throws IOException {
		Map<String, Object> dashboard = JsonParserFactory.getJsonParser()
			.parseMap(Files.readString(Path.of("").toAbsolutePath().getParent()
				.resolve("docs/grafana/resilience-dashboard.json")));
		assertThat(dashboard).containsEntry("uid", "resilience-starter")
			.containsEntry("id", null)
			.containsKeys("title", "time", "templating", "panels")
			.doesNotContainKey("__inputs");
		assertThat(((Number) dashboard.get("schemaVersion")).intValue()).isBetween(36, 41);
		List<Map<String, Object>> panels = (List<Map<String, Object>>) dashboard.get("panels");
		Set<Object> ids = new HashSet<>();
		List<int[]> cells = new ArrayList<>();
		List<String> rows = new ArrayList<>();
		for (Map<String, Object> panel : panels) {
			assertThat(ids.add(panel.get("id"))).as("unique id %s", panel.get("id")).isTrue();
			assertThat(panel).containsKeys("type", "title", "gridPos");
			Map<String, Object> grid = (Map<String, Object>) panel.get("gridPos");
			int x = ((Number) grid.get("x")).intValue();
			int y = ((Number) grid.get("y")).intValue();
			int w = ((Number) grid.get("w")).intValue();
			int h = ((Number) grid.get("h")).intValue();
			assertThat(x + w).as("%s fits the 24 columns", panel.get("title")).isBetween(1, 24);
			for (int[] cell : cells) {
				boolean overlaps = x < cell[0] + cell[2] && cell[0] < x + w && y < cell[1] + cell[3] && cell[1] < y + h;
				assertThat(overlaps).as("%s overlaps another panel", panel.get("title")).isFalse();
			}
			cells.add(new int[] { x, y, w, h });
			if ("row".equals(panel.get("type"))) {
				rows.add((String) panel.get("title"));
				continue;
			}
			assertThat(panel.get("datasource")).as("%s data source", panel.get("title")).isEqualTo(DS);
			List<Map<String, Object>> targets = (List<Map<String, Object>>) panel.get("targets");
			assertThat(targets).as("%s targets", panel.get("title")).isNotEmpty();
			for (Map<String, Object> target : targets) {
				assertThat(target.get("datasource")).isEqualTo(DS);
				assertThat((String) target.get("expr")).contains("application=\"$application\"")
					.contains("instance=~\"$instance\"");
				assertThat(target).containsKeys("refId", "legendFormat");
			}
		}
		assertThat(rows).containsExactly("Load shedding", "Conditional requests (ETag)", "Shared HTTP client",
				"Self-healing", "Timeouts");
		List<Map<String, Object>> variables = (List<Map<String, Object>>) ((Map<String, Object>) dashboard
			.get("templating")).get("list");
		assertThat(variables).extracting((variable) -> variable.get("name"))
			.containsExactly("datasource", "application", "instance");
		assertThat(variables.get(0)).containsEntry("type", "datasource").containsEntry("query", "prometheus");
		assertThat(variables.subList(1, 3)).allSatisfy((variable) -> assertThat(variable).containsEntry("type", "query")
			.containsEntry("datasource", DS));
	}

}
