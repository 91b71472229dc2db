package dev.resilience.timeouts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/**
 * Logs one WARN line at startup for each client left with an infinite timeout or one longer than the limit, naming the
 * property to set.
 */
public final class TimeoutWarnings implements ApplicationListener<ApplicationReadyEvent> {

	private static final Log logger = LogFactory.getLog(TimeoutWarnings.class);

	private final List<TimeoutsContributor> contributors;

	private final Duration limit;

	public TimeoutWarnings(List<TimeoutsContributor> contributors, Duration limit) {
		this.contributors = contributors;
		this.limit = limit;
	}

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		warnings().forEach(logger::warn);
	}

	/**
	 * The warning lines for the timeouts in force now.
	 * @return one line per client and timeout that is infinite or over the limit
	 */
	public List<String> warnings() {
		List<String> warnings = new ArrayList<>();
		for (TimeoutsContributor contributor : this.contributors) {
			for (EffectiveTimeout timeout : contributor.effectiveTimeouts()) {
				if (timeout.isTooLong(this.limit)) {
					String value = timeout.infinite() ? "infinite" : EffectiveTimeout.format(timeout.value());
					warnings.add("Timeout '" + timeout.timeout() + "' of " + timeout.client() + " is " + value + " ("
							+ timeout.origin().label() + "): set " + timeout.property() + " to at most "
							+ EffectiveTimeout.format(this.limit) + " (see resilience.timeouts.warn-above)");
				}
			}
		}
		return warnings;
	}

}
