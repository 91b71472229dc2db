package dev.resilience.benchmarks.overload;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
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

	private static final Duration IDLE_WAIT = Duration.ofSeconds(60);

	private static final Duration PROMPT = Duration.ofMillis(20);

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
	 * Warm the service and the generator up: both streams below the pool's capacity, then, unless the spike is to
	 * meet a cold service, a short rush at the spike's rate, so that whatever the variant does under overload (its
	 * rejections, and the generator's handling of them) is compiled before anything is measured.
	 * @param rush whether to end the warm-up with the rush
	 * @throws InterruptedException if interrupted while waiting for responses
	 */
	void warmUp(boolean rush) throws InterruptedException {
		Recording critical = criticalStream().start(this.profile.warmUp());
		Recording expensive = expensiveStream(this.profile.expensiveWarmUpRate()).start(this.profile.warmUp());
		drain(this.profile.warmUp(), critical, expensive);
		if (rush) {
			critical = criticalStream().start(this.profile.rush());
			expensive = expensiveStream(this.profile.expensiveSpikeRate()).start(this.profile.rush());
			drain(this.profile.rush(), critical, expensive);
			awaitIdle();
		}
	}

	/**
	 * Wait until the critical endpoint answers promptly five times in a row. After the rush an unprotected service is
	 * still working through the requests whose clients gave up, a pool's worth at a time, and the no-spike baseline must not
	 * measure that.
	 */
	private void awaitIdle() throws InterruptedException {
		HttpRequest probe = HttpRequest.newBuilder(this.critical).timeout(this.profile.timeout()).GET().build();
		long deadline = System.nanoTime() + IDLE_WAIT.toNanos();
		int prompt = 0;
		while (prompt < 5 && System.nanoTime() < deadline) {
			long start = System.nanoTime();
			try {
				int status = this.users.send(probe, BodyHandlers.discarding()).statusCode();
				prompt = (status == 200 && System.nanoTime() - start < PROMPT.toNanos()) ? prompt + 1 : 0;
			}
			catch (IOException ex) {
				prompt = 0;
			}
			Thread.sleep(100);
		}
		if (prompt < 5) {
			System.out.printf("warning: the service was still slow %d s after the rush%n", IDLE_WAIT.toSeconds());
		}
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
	 */
	record SpikeOutcome(StreamSummary critical, StreamSummary expensive, double generatorCores) {
	}

}
