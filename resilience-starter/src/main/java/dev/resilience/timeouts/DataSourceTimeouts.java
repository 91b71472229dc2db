package dev.resilience.timeouts;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Timeouts of every Hikari {@link DataSource} bean, read from the pool itself.
 */
public final class DataSourceTimeouts implements TimeoutsContributor {

	private static final Duration HIKARI_CONNECTION_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration HIKARI_VALIDATION_TIMEOUT = Duration.ofSeconds(5);

	private final ConfigurableEnvironment environment;

	private final ListableBeanFactory beanFactory;

	public DataSourceTimeouts(ConfigurableEnvironment environment, ListableBeanFactory beanFactory) {
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
		List<EffectiveTimeout> timeouts = new ArrayList<>();
		Map<String, DataSource> dataSources = this.beanFactory.getBeansOfType(DataSource.class, false, false);
		dataSources.forEach((name, dataSource) -> {
			HikariDataSource hikari = unwrap(dataSource);
			if (hikari != null) {
				String client = "datasource." + name;
				timeouts.add(origins.describe(client, "connection", "spring.datasource.hikari.connection-timeout",
						millis(hikari.getConnectionTimeout()), HIKARI_CONNECTION_TIMEOUT, true));
				timeouts.add(origins.describe(client, "validation", "spring.datasource.hikari.validation-timeout",
						millis(hikari.getValidationTimeout()), HIKARI_VALIDATION_TIMEOUT, true));
			}
		});
		return timeouts;
	}

	private static @Nullable HikariDataSource unwrap(DataSource dataSource) {
		if (dataSource instanceof HikariDataSource hikari) {
			return hikari;
		}
		try {
			return dataSource.isWrapperFor(HikariDataSource.class) ? dataSource.unwrap(HikariDataSource.class) : null;
		}
		catch (SQLException ex) {
			return null;
		}
	}

	/** Hikari stores "wait forever" (0) as {@code Integer.MAX_VALUE} milliseconds. */
	private static @Nullable Duration millis(long millis) {
		return (millis <= 0 || millis >= Integer.MAX_VALUE) ? null : Duration.ofMillis(millis);
	}

}
