package dev.resilience.shedding;

import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.resilience.test.shedding.AutoConfigureWorkerPoolPressure;
import dev.resilience.test.shedding.WorkerPoolPressure;
import dev.resilience.test.shedding.WorkerPoolPressure.Hold;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shedding meters as Prometheus scrapes them from a real Tomcat: present from the first scrape, rejection counters
 * at 0 for every URI template known at startup, thresholds and dry run as in force now, tags bounded whatever clients
 * send, and nothing at all when shedding is off.
 */
class SheddingMetersIntegrationTests {

	private static final Pattern REJECTED_URI = Pattern
		.compile("^resilience_shedding_rejected_total\\{dry_run=\"(true|false)\",uri=\"([^\"]*)\"}", Pattern.MULTILINE);

	static String scrape(int port) {
		var response = Http.get(port, "/actuator/prometheus");
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body();
	}

	static Set<String> rejectedSeries(String scrape) {
		Set<String> series = new TreeSet<>();
		Matcher matcher = REJECTED_URI.matcher(scrape);
		while (matcher.find()) {
			series.add(matcher.group(2) + " dry_run=" + matcher.group(1));
		}
		return series;
	}

	@Nested
	@SpringBootTest(classes = TierTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "server.tomcat.threads.max=10", "resilience.shedding.tiers.batch.threshold=0.5",
					"resilience.shedding.tiers.batch.paths=GET /library/**",
					"resilience.shedding.tiers.feeds.threshold=0.3", "resilience.shedding.tiers.feeds.paths=/fn/**",
					"test.own-threshold=0.9", "management.endpoints.web.exposure.include=prometheus,resilience",
					"management.endpoint.resilience.access=unrestricted" })
	@AutoConfigureWorkerPoolPressure
	class TiersAndPathRules {

		@LocalServerPort
		int port;

		@Autowired
		WorkerPoolPressure pressure;

		@Test
		void firstScrapeHasEveryMeterWithItsValueInForceAndEveryRejectionCounterAtZero() {
			String scrape = scrape(this.port);
			assertThat(scrape).contains("resilience_shedding_capacity 10.0", "resilience_shedding_dry_run 0.0",
					"resilience_shedding_threshold{tier=\"default\"} 0.85",
					"resilience_shedding_threshold{tier=\"batch\"} 0.5",
					"resilience_shedding_threshold{tier=\"feeds\"} 0.3", "resilience_shedding_pressure ",
					"resilience_shedding_in_flight ");
			assertThat(rejectedSeries(scrape)).containsExactlyInAnyOrder("/annotated dry_run=false",
					"/annotated dry_run=true", "/global dry_run=false", "/global dry_run=true",
					"/library/own dry_run=false", "/library/own dry_run=true", "/library/** dry_run=false",
					"/library/** dry_run=true", "/fn/** dry_run=false", "/fn/** dry_run=true");
			assertThat(scrape).contains("resilience_shedding_rejected_total{dry_run=\"false\",uri=\"/global\"} 0.0",
					"resilience_shedding_rejected_total{dry_run=\"true\",uri=\"/library/**\"} 0.0");
		}

		@Test
		void runtimeChangesShowInTheGauges() {
			try {
				assertThat(adjust("tiers.batch.threshold", "0.7")).isEqualTo(200);
				assertThat(adjust("threshold", "0.6")).isEqualTo(200);
				assertThat(adjust("dry-run", "true")).isEqualTo(200);
				assertThat(scrape(this.port)).contains("resilience_shedding_threshold{tier=\"batch\"} 0.7",
						"resilience_shedding_threshold{tier=\"default\"} 0.6", "resilience_shedding_dry_run 1.0");
			}
			finally {
				adjust("tiers.batch.threshold", "0.5");
				adjust("threshold", "0.85");
				adjust("dry-run", "false");
			}
		}

		@Test
		void hostileUrisNeverBecomeTags() {
			Set<String> atStartup = rejectedSeries(scrape(this.port));
			try (Hold hold = this.pressure.reach(0.5)) {
				for (int i = 0; i < 40; i++) {
					String random = UUID.randomUUID().toString();
					Http.get(this.port, "/library/reports/" + random);
					Http.get(this.port, "/library/" + random + "/%2e%2e/x?y=" + random);
					Http.get(this.port, "/fn/" + random);
					Http.get(this.port, "/annotated;" + random);
					Http.get(this.port, "/" + random);
				}
			}
			String scrape = scrape(this.port);
			assertThat(rejectedSeries(scrape)).isEqualTo(atStartup);
			assertThat(scrape).as("the path rule's requests were shed")
				.containsPattern("resilience_shedding_rejected_total\\{dry_run=\"false\",uri=\"/library/\\*\\*\"} [1-9]");
			assertThat(scrape).doesNotContain("/library/reports/", "/fn/feed");
		}

		private int adjust(String setting, String value) {
			return Http.send(this.port, "POST", "/actuator/resilience/shedding",
					"{\"setting\":\"" + setting + "\",\"value\":\"" + value + "\"}").statusCode();
		}

	}

	@Nested
	@SpringBootTest(classes = ConcurrencyLimitRejectionIntegrationTests.LimitedApplication.class,
			webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = "management.endpoints.web.exposure.include=prometheus")
	class ConcurrencyLimitHandlers {

		@LocalServerPort
		int port;

		@Test
		void rejectionCounterOfAnAnnotatedHandlerIsThereFromTheStart() {
			assertThat(rejectedSeries(scrape(this.port))).containsExactlyInAnyOrder("/limited/{id} dry_run=false",
					"/limited/{id} dry_run=true");
		}

	}

	@Nested
	@SpringBootTest(classes = TierTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "resilience.shedding.enabled=false", "resilience.shedding.tiers.batch.threshold=0.5",
					"test.own-threshold=0.9", "management.endpoints.web.exposure.include=prometheus" })
	class SheddingOff {

		@LocalServerPort
		int port;

		@Test
		void noSheddingMeterIsScraped() {
			String scrape = scrape(this.port);
			assertThat(scrape).contains("jvm_memory_used_bytes").doesNotContain("resilience_shedding");
		}

	}

}
