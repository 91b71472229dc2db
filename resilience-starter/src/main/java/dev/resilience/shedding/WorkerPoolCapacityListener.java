package dev.resilience.shedding;

import java.util.List;

import dev.resilience.shedding.PressureGauge.Capacity;
import dev.resilience.shedding.PressureGauge.Mode;
import dev.resilience.shedding.WorkerPoolProbe.WorkerPool;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;

/**
 * Sets the {@link PressureGauge}'s capacity once the application's embedded server has started, and logs which mode
 * load shedding runs in. With virtual threads there is no bounded pool, so the capacity is
 * {@code resilience.shedding.max-concurrent-requests}; the same holds when no probe can read the server's pool.
 */
public class WorkerPoolCapacityListener implements ApplicationListener<WebServerInitializedEvent> {

	private static final Log logger = LogFactory.getLog(WorkerPoolCapacityListener.class);

	private final PressureGauge gauge;

	private final List<WorkerPoolProbe> probes;

	private final boolean virtualThreads;

	private final int maxConcurrentRequests;

	private final double threshold;

	/**
	 * Create the listener.
	 * @param gauge the gauge whose capacity to set
	 * @param probes probes for the embedded servers on the classpath
	 * @param virtualThreads whether the application runs requests on virtual threads
	 * @param maxConcurrentRequests capacity when there is no bounded pool
	 * @param threshold global threshold, for the startup log line
	 */
	public WorkerPoolCapacityListener(PressureGauge gauge, List<WorkerPoolProbe> probes, boolean virtualThreads,
			int maxConcurrentRequests, double threshold) {
		this.gauge = gauge;
		this.probes = probes;
		this.virtualThreads = virtualThreads;
		this.maxConcurrentRequests = maxConcurrentRequests;
		this.threshold = threshold;
	}

	/**
	 * Capacity to use before the server has started, or when it cannot be read.
	 * @param virtualThreads whether requests run on virtual threads
	 * @param maxConcurrentRequests value of {@code resilience.shedding.max-concurrent-requests}
	 * @return the provisional capacity
	 */
	public static Capacity provisional(boolean virtualThreads, int maxConcurrentRequests) {
		return new Capacity(Mode.CONCURRENCY_LIMIT, maxConcurrentRequests, virtualThreads
				? "resilience.shedding.max-concurrent-requests (virtual threads)"
				: "resilience.shedding.max-concurrent-requests (until the server's worker pool is read)");
	}

	@Override
	public void onApplicationEvent(WebServerInitializedEvent event) {
		if (event.getApplicationContext().getServerNamespace() != null) {
			return; // a separate management server: its requests do not pass through this context's filter
		}
		Capacity capacity = capacityOf(event);
		this.gauge.setCapacity(capacity);
		logger.info(String.format("Load shedding in %s mode: capacity %d from %s; @Sheddable endpoints are rejected "
				+ "at %.0f%% of it by default", capacity.mode(), capacity.size(), capacity.source(),
				this.threshold * 100));
	}

	private Capacity capacityOf(WebServerInitializedEvent event) {
		if (this.virtualThreads) {
			return provisional(true, this.maxConcurrentRequests);
		}
		for (WorkerPoolProbe probe : this.probes) {
			WorkerPool pool = probe.probe(event.getWebServer());
			if (pool == null) {
				continue;
			}
			if (pool.isBounded()) {
				return new Capacity(Mode.WORKER_POOL, pool.maxThreads(), pool.server() + "'s worker pool");
			}
			return new Capacity(Mode.CONCURRENCY_LIMIT, this.maxConcurrentRequests,
					"resilience.shedding.max-concurrent-requests (" + pool.server() + " has no bounded worker pool)");
		}
		return new Capacity(Mode.CONCURRENCY_LIMIT, this.maxConcurrentRequests,
				"resilience.shedding.max-concurrent-requests (worker pool of "
						+ event.getWebServer().getClass().getSimpleName() + " cannot be read)");
	}

}
