package dev.resilience.selfhealing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.resilience.selfhealing.forked.ForkedSelfHealingService;

/**
 * A {@link ForkedSelfHealingService} in a JVM of its own, on the test classpath, with a small heap and a random port.
 * Always {@link #close() closed} by the test, which destroys the process if it still runs.
 */
final class ForkedService implements AutoCloseable {

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

	private static final Pattern PORT = Pattern.compile("forked-port=(\\d+)");

	private final Process process;

	private final Path output;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private int port;

	private ForkedService(Process process, Path output) {
		this.process = process;
		this.output = output;
	}

	static ForkedService start(Path workDirectory, String maxHeap, String... properties)
			throws IOException, InterruptedException {
		return start(workDirectory, List.of(), maxHeap, properties);
	}

	static ForkedService start(Path workDirectory, List<String> jvmOptions, String maxHeap, String... properties)
			throws IOException, InterruptedException {
		Files.createDirectories(workDirectory);
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Xmx" + maxHeap);
		command.addAll(jvmOptions);
		command.add("-XX:TieredStopAtLevel=1");
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(ForkedSelfHealingService.class.getName());
		command.add("--server.port=0");
		command.add("--server.address=127.0.0.1");
		command.add("--management.endpoints.web.exposure.include=health,resilience");
		command.add("--management.endpoint.health.show-details=always");
		command.add("--resilience.self-healing.dump-directory=" + workDirectory.resolve("dumps"));
		for (String property : properties) {
			command.add("--" + property);
		}
		Path output = workDirectory.resolve("forked-output.txt");
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.start();
		ForkedService service = new ForkedService(process, output);
		try {
			service.awaitPort();
		}
		catch (RuntimeException | Error | InterruptedException ex) {
			service.close();
			throw ex;
		}
		return service;
	}

	private void awaitPort() throws IOException, InterruptedException {
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			Matcher matcher = PORT.matcher(output());
			if (matcher.find()) {
				this.port = Integer.parseInt(matcher.group(1));
				return;
			}
			if (!this.process.isAlive()) {
				throw new AssertionError("Forked service exited with " + this.process.exitValue() + ":\n" + output());
			}
			Thread.sleep(100);
		}
		throw new AssertionError("Forked service did not start within " + STARTUP_TIMEOUT + ":\n" + output());
	}

	/**
	 * Everything the forked JVM printed so far.
	 */
	String output() throws IOException {
		return Files.readString(this.output, StandardCharsets.UTF_8);
	}

	Process process() {
		return this.process;
	}

	HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(uri(path)).GET());
	}

	HttpResponse<String> post(String path) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
		return this.http.send(request.timeout(Duration.ofSeconds(30)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	/**
	 * Wait for the process to exit.
	 * @return the exit status
	 */
	int awaitExit(Duration timeout) throws InterruptedException, IOException {
		if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			throw new AssertionError("Forked service still running after " + timeout + ":\n" + output());
		}
		return this.process.exitValue();
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			this.process.destroyForcibly();
			this.process.waitFor(30, TimeUnit.SECONDS);
		}
	}

}
