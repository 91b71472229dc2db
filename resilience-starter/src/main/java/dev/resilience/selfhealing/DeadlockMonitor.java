package dev.resilience.selfhealing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Looks for deadlocked threads with {@link ThreadMXBean#findDeadlockedThreads()} at a fixed interval, on a daemon
 * thread of its own. Logs the deadlocked threads' stacks once per deadlock and reports it to {@link SelfHealing} as
 * fatal.
 */
public class DeadlockMonitor implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(DeadlockMonitor.class);

	private final SelfHealing selfHealing;

	private final Duration interval;

	private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

	private final AtomicLong checks = new AtomicLong();

	private volatile List<String> deadlockedThreads = List.of();

	private volatile long[] loggedDeadlock = new long[0];

	private volatile ScheduledExecutorService executor;

	/**
	 * Create a monitor.
	 * @param selfHealing where a deadlock is reported
	 * @param interval time between two checks
	 */
	public DeadlockMonitor(SelfHealing selfHealing, Duration interval) {
		this.selfHealing = selfHealing;
		this.interval = interval;
	}

	@Override
	public void start() {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "resilience-deadlock-check");
			thread.setDaemon(true);
			return thread;
		});
		long millis = this.interval.toMillis();
		executor.scheduleWithFixedDelay(this::check, millis, millis, TimeUnit.MILLISECONDS);
		this.executor = executor;
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.executor;
		if (executor != null) {
			executor.shutdownNow();
			this.executor = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.executor != null;
	}

	/**
	 * Look for deadlocked threads now. Called at every interval; public so that a check can be forced.
	 * @return names of the deadlocked threads, empty if there are none
	 */
	public List<String> check() {
		try {
			long[] ids = this.threads.isSynchronizerUsageSupported() ? this.threads.findDeadlockedThreads()
					: this.threads.findMonitorDeadlockedThreads();
			if (ids == null) {
				this.deadlockedThreads = List.of();
				return List.of();
			}
			Arrays.sort(ids);
			ThreadInfo[] infos = this.threads.getThreadInfo(ids, this.threads.isObjectMonitorUsageSupported(),
					this.threads.isSynchronizerUsageSupported());
			List<String> names = Arrays.stream(infos).filter(Objects::nonNull).map(ThreadInfo::getThreadName).toList();
			this.deadlockedThreads = names;
			if (!Arrays.equals(ids, this.loggedDeadlock)) {
				this.loggedDeadlock = ids;
				StringBuilder message = new StringBuilder("Deadlock among threads " + names + ":\n");
				for (ThreadInfo info : infos) {
					if (info != null) {
						message.append(ThreadDumpWriter.format(info)).append('\n');
					}
				}
				logger.error(message);
			}
			this.selfHealing.reportFatal(FatalCause.DEADLOCK, "deadlocked threads " + names);
			return names;
		}
		catch (RuntimeException ex) {
			logger.warn("Deadlock check failed", ex);
			return List.of();
		}
		finally {
			this.checks.incrementAndGet();
		}
	}

	/**
	 * Names of the threads found deadlocked by the latest check.
	 * @return thread names, empty if none
	 */
	public List<String> getDeadlockedThreads() {
		return this.deadlockedThreads;
	}

	/**
	 * Number of checks made so far.
	 * @return the count
	 */
	public long getChecks() {
		return this.checks.get();
	}

	/**
	 * Time between two checks.
	 * @return the interval
	 */
	public Duration getInterval() {
		return this.interval;
	}

}
