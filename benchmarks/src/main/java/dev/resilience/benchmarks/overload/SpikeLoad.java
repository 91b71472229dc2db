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
 */
final class SpikeLoad implements AutoCloseable {

	private static final Duration SETTLE = Duration.ofSeconds(1);

	private final SpikeProfile profile;

	private final ExecutorService responses;

	private final HttpClient client;

	private final URI critical;

	private final URI expensive;

	SpikeLoad(SpikeProfile profile, URI critical, URI expensive) {
		this.profile = profile;
		this.responses = Executors.newFixedThreadPool(2, (task) -> {
			Thread thread = new Thread(task, "spike-responses");
			thread.setDaemon(true);
			return thread;
		});
		this.client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(profile.timeout())
			.executor(this.responses)
			.build();
		this.critical = critical;
		this.expensive = expensive;
	}

	void warmUp() throws InterruptedException {
		Recording critical = criticalStream().start(this.profile.warmUp());
		Recording expensive = expensiveStream(this.profile.expensiveWarmUpRate()).start(this.profile.warmUp());
		drain(this.profile.warmUp(), critical, expensive);
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
		return new SpikeOutcome(critical.summarize(), expensive.summarize(), generatorCores);
	}

	private OpenLoopStream criticalStream() {
		return new OpenLoopStream(this.client, this.critical, this.profile.criticalRate(), this.profile.timeout());
	}

	private OpenLoopStream expensiveStream(double rate) {
		return new OpenLoopStream(this.client, this.expensive, rate, this.profile.timeout());
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
		this.responses.shutdownNow();
	}

	/**
	 * What the spike phase measured.
	 *
	 * @param critical the critical stream during the spike
	 * @param expensive the spike itself
	 * @param generatorCores CPU the generator's own process used during the phase, in cores
	 */
	record SpikeOutcome(StreamSummary critical, StreamSummary expensive, double generatorCores) {
	}

}
