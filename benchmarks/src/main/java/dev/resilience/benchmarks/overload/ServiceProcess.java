package dev.resilience.benchmarks.overload;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link SpikeService} in a JVM of its own, so that one variant's JIT and GC state does not leak into the next.
 * It listens on 127.0.0.1 only. Closing it, or the scenario's JVM exiting for any reason, kills it.
 */
final class ServiceProcess implements AutoCloseable {

	private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);

	private static final List<String> JVM_OPTIONS = List.of("-Xms512m", "-Xmx512m");

	private final Process process;

	private final Thread killOnExit;

	private final int port;

	private final Path log;

	private ServiceProcess(Process process, int port, Path log) {
		this.process = process;
		this.port = port;
		this.log = log;
		this.killOnExit = new Thread(process::destroyForcibly, "kill " + log.getFileName());
		Runtime.getRuntime().addShutdownHook(this.killOnExit);
	}

	/**
	 * Start a service and wait until it answers.
	 * @param variant the protection it runs with
	 * @param profile the scenario, for the worker pool's size
	 * @param log file that the service's output goes to
	 * @return the running service
	 * @throws IOException if it cannot be started or does not come up in time
	 * @throws InterruptedException if interrupted while waiting for it
	 */
	static ServiceProcess start(Variant variant, SpikeProfile profile, Path log)
			throws IOException, InterruptedException {
		Files.createDirectories(log.getParent());
		int port = freeLoopbackPort();
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(JVM_OPTIONS);
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(SpikeService.class.getName());
		command.add("--server.address=127.0.0.1");
		command.add("--server.port=" + port);
		command.add("--server.tomcat.threads.max=" + profile.workerThreads());
		command.add("--server.tomcat.threads.min-spare=" + profile.workerThreads());
		command.add("--spring.main.banner-mode=off");
		command.add("--logging.level.root=WARN");
		command.add("--logging.level.dev.resilience=INFO");
		command.addAll(variant.arguments(profile));
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		ServiceProcess service = new ServiceProcess(process, port, log);
		try {
			service.awaitReady();
			return service;
		}
		catch (IOException | InterruptedException | RuntimeException ex) {
			service.close();
			throw ex;
		}
	}

	/**
	 * CPU time the service's JVM has used so far, for the cost of each variant's rejections.
	 * @return the CPU time, or zero where the platform does not tell
	 */
	Duration cpuTime() {
		return this.process.info().totalCpuDuration().orElse(Duration.ZERO);
	}

	URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private void awaitReady() throws IOException, InterruptedException {
		HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		HttpRequest probe = HttpRequest.newBuilder(uri(SpikeController.CRITICAL_PATH))
			.timeout(Duration.ofSeconds(2))
			.build();
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		while (System.nanoTime() - deadline < 0) {
			if (!this.process.isAlive()) {
				throw new IOException("Service exited with " + this.process.exitValue() + ", see " + this.log);
			}
			try {
				if (client.send(probe, BodyHandlers.discarding()).statusCode() == 200) {
					return;
				}
			}
			catch (IOException notYet) {
				// not listening yet
			}
			Thread.sleep(200);
		}
		throw new IOException("Service did not answer within " + STARTUP_TIMEOUT + ", see " + this.log);
	}

	private static int freeLoopbackPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		try {
			Runtime.getRuntime().removeShutdownHook(this.killOnExit);
		}
		catch (IllegalStateException shuttingDown) {
			// the hook is running or about to: it kills an exited process, which is harmless
		}
	}

}
