package dev.resilience.timeouts.autoconfigure;

import java.time.Duration;
import java.util.Map;

import dev.resilience.timeouts.JdbcTemplateTimeouts;
import dev.resilience.timeouts.TimeoutWarnings;
import dev.resilience.timeouts.TimeoutsSection;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Boot's {@link JdbcTemplate} against a real H2 database: the statement timeout the starter's defaults give it.
 */
class JdbcTemplateTimeoutsTests {

	/** A statement that runs for minutes unless cancelled: a scan of ten billion generated rows. */
	private static final String RUNAWAY = "SELECT SUM(X) FROM SYSTEM_RANGE(1, 10000000000) WHERE MOD(X, 7) = 3";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withInitializer((context) -> new TimeoutDefaultsEnvironmentPostProcessor()
			.postProcessEnvironment(context.getEnvironment(), new SpringApplication()))
		.withConfiguration(AutoConfigurations.of(TimeoutsAutoConfiguration.class, DataSourceAutoConfiguration.class,
				JdbcTemplateAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:h2:mem:jdbc-template;DB_CLOSE_DELAY=-1");

	@Test
	void runawayStatementIsCancelledByTheDefault() {
		this.runner.withPropertyValues("resilience.timeouts.read=1s").run((context) -> {
			JdbcTemplate jdbcTemplate = context.getBean(JdbcTemplate.class);
			assertThat(jdbcTemplate.getQueryTimeout()).isEqualTo(1);
			assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThatExceptionOfType(
					QueryTimeoutException.class)
				.isThrownBy(() -> jdbcTemplate.queryForObject(RUNAWAY, Long.class)));
		});
	}

	@Test
	void defaultFollowsTheReadTimeoutRoundedUpToWholeSeconds() {
		this.runner.run((context) -> assertThat(context.getBean(JdbcTemplate.class).getQueryTimeout()).isEqualTo(2));
		this.runner.withPropertyValues("resilience.timeouts.read=500ms")
			.run((context) -> assertThat(context.getBean(JdbcTemplate.class).getQueryTimeout()).isEqualTo(1));
		this.runner.withPropertyValues("resilience.timeouts.read=2001ms")
			.run((context) -> assertThat(context.getBean(JdbcTemplate.class).getQueryTimeout()).isEqualTo(3));
	}

	@Test
	void endpointReportsTheStartersDefault() {
		this.runner.run((context) -> {
			assertThat(entry(context.getBean(TimeoutsSection.class).describe())).containsEntry("value", "2s")
				.containsEntry("origin", "starter-default")
				.containsEntry("property", "spring.jdbc.template.query-timeout");
			assertThat(context.getBean(TimeoutWarnings.class).warnings()).noneMatch((warning) -> warning.contains("jdbc"));
		});
	}

	@Test
	void userTimeoutInSecondsWinsAndIsReportedAsTheUsers() {
		this.runner.withPropertyValues("spring.jdbc.template.query-timeout=45").run((context) -> {
			assertThat(context.getBean(JdbcTemplate.class).getQueryTimeout()).isEqualTo(45);
			assertThat(entry(context.getBean(TimeoutsSection.class).describe())).containsEntry("value", "45s")
				.containsEntry("origin", "user");
		});
	}

	@Test
	void disabledLeavesTheDriversDefaultAndWarnsAboutIt() {
		this.runner.withPropertyValues("resilience.timeouts.enabled=false").run((context) -> {
			assertThat(context.getBean(JdbcTemplate.class).getQueryTimeout()).isEqualTo(-1);
			assertThat(entry(context.getBean(TimeoutsSection.class).describe())).containsEntry("value", "infinite")
				.containsEntry("origin", "framework-default");
			assertThat(context.getBean(TimeoutWarnings.class).warnings())
				.contains("Timeout 'query' of jdbc-template.jdbcTemplate is infinite (framework-default): set "
						+ "spring.jdbc.template.query-timeout to at most 10s (see resilience.timeouts.warn-above)");
		});
	}

	@Test
	void withoutSpringJdbcThereIsNoJdbcTemplateContributor() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TimeoutsAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(JdbcTemplate.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(JdbcTemplateTimeouts.class));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> entry(Map<String, Object> section) {
		Map<String, Map<String, Object>> clients = (Map<String, Map<String, Object>>) section.get("clients");
		assertThat(clients).containsKey("jdbc-template.jdbcTemplate");
		return (Map<String, Object>) clients.get("jdbc-template.jdbcTemplate").get("query");
	}

}
