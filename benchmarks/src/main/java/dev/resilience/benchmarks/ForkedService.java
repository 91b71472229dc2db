package dev.resilience.benchmarks;

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
 * A Spring Boot service in a JVM of its own, so that one variant's JIT and GC state does not leak into the next
 * measurement. It listens on 127.0.0.1 only, on a free port. Closing it, or the benchmark's JVM exiting for any
 * reason, kills it.
 */
public final class ForkedService implements AutoCloseable {

	private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);

	private final Process process;

	private final Thread killOnExit;

	private final int port;

	private final Path log;

	private ForkedService(Process process, int port, Path log) {
		this.process = process;
		this.port = port;
		this.log = log;
		this.killOnExit = new Thread(process::destroyForcibly, "kill " + log.getFileName());
		Runtime.getRuntime().addShutdownHook(this.killOnExit);
	}

	/**
	 * Start a service with this JVM's class path and wait until it answers {@code 200} on a path.
	 * @param mainClass the service's main class
	 * @param jvmOptions options for its JVM, for example the heap size
	 * @param arguments its application arguments; {@code --server.address} and {@code --server.port} are added
	 * @param readinessPath a path that answers {@code 200} once the service is up
	 * @param log file that the service's output goes to
	 * @return the running service
	 * @throws IOException if it cannot be started or does not come up in time
	 * @throws InterruptedException if interrupted while waiting for it
	 */
	public static ForkedService start(Class<?> mainClass, List<String> jvmOptions, List<String> arguments,
			String readinessPath, Path log) throws IOException, InterruptedException {
		Files.createDirectories(log.toAbsolutePath().getParent());
		int port = freeLoopbackPort();
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions);
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(mainClass.getName());
		command.add("--server.address=127.0.0.1");
		command.add("--server.port=" + port);
		command.addAll(arguments);
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		ForkedService service = new ForkedService(process, port, log);
		try {
			service.awaitReady(readinessPath);
			return service;
		}
		catch (IOException | InterruptedException | RuntimeException ex) {
			service.close();
			throw ex;
		}
	}

	/**
	 * CPU time the service's JVM has used so far.
	 * @return the CPU time, or zero where the platform does not tell
	 */
	public Duration cpuTime() {
		return this.process.info().totalCpuDuration().orElse(Duration.ZERO);
	}

	/**
	 * Address of a path on the service.
	 * @param path the path, starting with {@code /}
	 * @return the URI
	 */
	public URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private void awaitReady(String readinessPath) throws IOException, InterruptedException {
		if (!awaitPrompt(readinessPath, Duration.ofSeconds(2), 1, STARTUP_TIMEOUT)) {
			throw new IOException("Service did not answer within " + STARTUP_TIMEOUT + ", see " + this.log);
		}
	}

	/**
	 * Wait until the service answers a path with {@code 200} within a given time, several times in a row.
	 * @param path the path to probe
	 * @param prompt how long an answer may take to count
	 * @param times how many prompt answers in a row are needed
	 * @param timeout how long to wait at most
	 * @return whether the service answered promptly often enough before the timeout
	 * @throws IOException if the service's process has exited
	 * @throws InterruptedException if interrupted while waiting
	 */
	public boolean awaitPrompt(String path, Duration prompt, int times, Duration timeout)
			throws IOException, InterruptedException {
		HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		HttpRequest probe = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(2)).build();
		long deadline = System.nanoTime() + timeout.toNanos();
		int prompts = 0;
		while (prompts < times && System.nanoTime() - deadline < 0) {
			if (!this.process.isAlive()) {
				throw new IOException("Service exited with " + this.process.exitValue() + ", see " + this.log);
			}
			long start = System.nanoTime();
			try {
				int status = client.send(probe, BodyHandlers.discarding()).statusCode();
				prompts = (status == 200 && System.nanoTime() - start <= prompt.toNanos()) ? prompts + 1 : 0;
			}
			catch (IOException notYet) {
				prompts = 0;
			}
			if (prompts < times) {
				Thread.sleep(100);
			}
		}
		return prompts >= times;
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
