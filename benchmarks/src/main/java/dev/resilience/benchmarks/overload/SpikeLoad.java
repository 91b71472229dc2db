package dev.resilience.benchmarks.overload;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.management.OperatingSystemMXBean;

/**
 * The scenario's traffic against one running service, phase after phase: an unmeasured warm-up, the critical stream
 * alone (the no-spike baseline), then the critical stream during the spike. Each phase waits for its last responses
 * (at most the clients' timeout) before the next starts.
 *
 * <p>The users of the critical endpoint and the sources of the spike are different clients, each with its own
 * connection pool, selector thread and response thread: with one shared client, the critical responses queued in the
 * generator behind the spike's, which measured the generator rather than the service.
 */
final class SpikeLoad implements AutoCloseable {

	private static final Duration SETTLE = Duration.ofSeconds(1);

	/** Width of the slices of the critical stream's latency over time, for the chart. */
	static final Duration TIMELINE_SLICE = Duration.ofMillis(500);

	private final SpikeProfile profile;

	private final ExecutorService usersResponses = responseThreads("users", 1);

	private final ExecutorService spikeResponses = responseThreads("spike", 2);

	private final HttpClient users;

	private final HttpClient spikeSources;

	private final URI critical;

	private final URI expensive;

	SpikeLoad(SpikeProfile profile, URI critical, URI expensive) {
		this.profile = profile;
		this.users = client(profile, this.usersResponses);
		this.spikeSources = client(profile, this.spikeResponses);
		this.critical = critical;
		this.expensive = expensive;
	}

	private static ExecutorService responseThreads(String name, int threads) {
		return Executors.newFixedThreadPool(threads, (task) -> {
			Thread thread = new Thread(task, name + "-responses");
			thread.setDaemon(true);
			return thread;
		});
	}

	private static HttpClient client(SpikeProfile profile, ExecutorService responses) {
		return HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(profile.timeout())
			.executor(responses)
			.build();
	}

	/**
	 * Warm the service and the generator up: both streams below the pool's capacity.
	 * @throws InterruptedException if interrupted while waiting for responses
	 */
	void warmUp() throws InterruptedException {
		Recording critical = criticalStream().start(this.profile.warmUp());
		Recording expensive = expensiveStream(this.profile.expensiveWarmUpRate()).start(this.profile.warmUp());
		drain(this.profile.warmUp(), critical, expensive);
	}

	/**
	 * A short, unmeasured rush at the spike's rate, so that whatever the variant does under overload (its rejections,
	 * and the generator's handling of them) is compiled before anything is measured.
	 * @throws InterruptedException if interrupted while waiting for responses
	 */
	void rush() throws InterruptedException {
		Recording critical = criticalStream().start(this.profile.rush());
		Recording expensive = expensiveStream(this.profile.expensiveSpikeRate()).start(this.profile.rush());
		drain(this.profile.rush(), critical, expensive);
	}

	StreamSummary baseline() throws InterruptedException {
		Recording critical = criticalStream().start(this.profile.baseline());
		drain(this.profile.baseline(), critical);
		return critical.summarize();
	}

	SpikeOutcome spike() throws InterruptedException {
		long cpuBefore = processCpuNanos();
		long wallBefore = System.nanoTime();
		Recording critical = criticalStream().start(this.profile.spike());
		Recording expensive = expensiveStream(this.profile.expensiveSpikeRate()).start(this.profile.spike());
		drain(this.profile.spike(), critical, expensive);
		double generatorCores = (double) (processCpuNanos() - cpuBefore) / (System.nanoTime() - wallBefore);
		return new SpikeOutcome(critical.summarize(), expensive.summarize(), generatorCores,
				critical.p99Timeline(TIMELINE_SLICE));
	}

	private OpenLoopStream criticalStream() {
		return new OpenLoopStream(this.users, this.critical, this.profile.criticalRate(), this.profile.timeout());
	}

	private OpenLoopStream expensiveStream(double rate) {
		return new OpenLoopStream(this.spikeSources, this.expensive, rate, this.profile.timeout());
	}

	private void drain(Duration phase, Recording... recordings) throws InterruptedException {
		Duration deadline = phase.plus(this.profile.timeout()).plus(SETTLE);
		for (Recording recording : recordings) {
			recording.await(deadline);
		}
		Thread.sleep(SETTLE.toMillis());
	}

	private static long processCpuNanos() {
		return ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class).getProcessCpuTime();
	}

	@Override
	public void close() {
		this.usersResponses.shutdownNow();
		this.spikeResponses.shutdownNow();
	}

	/**
	 * What the spike phase measured.
	 *
	 * @param critical the critical stream during the spike
	 * @param expensive the spike itself
	 * @param generatorCores CPU the generator's own process used during the phase, in cores
	 * @param criticalP99Timeline the critical stream's p99 per {@link #TIMELINE_SLICE}, in nanoseconds
	 */
	record SpikeOutcome(StreamSummary critical, StreamSummary expensive, double generatorCores,
			long[] criticalP99Timeline) {
	}

}
