package dev.resilience.timeouts;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Statement timeout ({@code Statement.setQueryTimeout}) of every {@link JdbcTemplate} bean, read from the template
 * itself. Spring Boot builds its {@code JdbcTemplate} (and the {@code NamedParameterJdbcTemplate} and
 * {@code JdbcClient} on top of it) with {@code spring.jdbc.template.query-timeout} truncated to whole seconds, the unit
 * of JDBC statement timeouts.
 */
public final class JdbcTemplateTimeouts implements TimeoutsContributor {

	static final String PROPERTY = "spring.jdbc.template.query-timeout";

	private final ConfigurableEnvironment environment;

	private final ListableBeanFactory beanFactory;

	public JdbcTemplateTimeouts(ConfigurableEnvironment environment, ListableBeanFactory beanFactory) {
		this.environment = environment;
		this.beanFactory = beanFactory;
	}

	@Override
	public String kind() {
		return "jdbc";
	}

	@Override
	public List<EffectiveTimeout> effectiveTimeouts() {
		TimeoutOrigins origins = new TimeoutOrigins(this.environment);
		String configured = this.environment.getProperty(PROPERTY);
		Duration fromProperty = (configured != null && !configured.isBlank())
				? seconds((int) DurationStyle.detectAndParse(configured.strip(), ChronoUnit.SECONDS).getSeconds())
				: null;
		List<EffectiveTimeout> timeouts = new ArrayList<>();
		this.beanFactory.getBeansOfType(JdbcTemplate.class, false, false)
			.forEach((name, template) -> timeouts.add(origins.describe("jdbc-template." + name, "query", PROPERTY,
					seconds(template.getQueryTimeout()), null, true, fromProperty)));
		return timeouts;
	}

	/** Zero and negative mean "the driver's default", which is no timeout (JDBC). */
	private static @Nullable Duration seconds(int seconds) {
		return (seconds > 0) ? Duration.ofSeconds(seconds) : null;
	}

}
