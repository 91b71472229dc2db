package dev.resilience.sample.observability;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.springframework.boot.json.JsonParser;
import org.springframework.boot.json.JsonParserFactory;

/**
 * A real {@code prometheus} process (the one on the {@code PATH}) on a free loopback port, with its storage in a
 * temporary directory, scraping one target every second and evaluating a rule file every second. {@link #close()}
 * stops it and deletes its storage.
 */
final class PrometheusServer implements AutoCloseable {

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

	private static final int PORT_ATTEMPTS = 3;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final JsonParser json = JsonParserFactory.getJsonParser();

	private final Path directory;

	private Process process;

	private int port;

	private PrometheusServer(Path directory) {
		this.directory = directory;
	}

	/**
	 * The {@code prometheus} binary on the {@code PATH}, if there is one.
	 * @return the binary
	 */
	static Optional<Path> binary() {
		String path = System.getenv("PATH");
		if (path == null) {
			return Optional.empty();
		}
		return Stream.of(path.split(File.pathSeparator))
			.map((dir) -> Path.of(dir, "prometheus"))
			.filter(Files::isExecutable)
			.findFirst();
	}

	/**
	 * Start Prometheus scraping {@code /actuator/prometheus} of {@code 127.0.0.1:targetPort} (job {@code sample})
	 * every second and evaluating the rules of {@code ruleFile} every second.
	 * @param binary the {@code prometheus} binary
	 * @param targetPort port of the application to scrape
	 * @param ruleFile the rule file to load
	 * @return the running server, ready to answer queries
	 */
	static PrometheusServer start(Path binary, int targetPort, Path ruleFile) throws IOException, InterruptedException {
		PrometheusServer server = new PrometheusServer(Files.createTempDirectory("prometheus-"));
		try {
			Path config = server.directory.resolve("prometheus.yml");
			Files.writeString(config, """
					global:
					  scrape_interval: 1s
					  scrape_timeout: 1s
					  evaluation_interval: 1s
					rule_files:
					  - '%s'
					scrape_configs:
					  - job_name: sample
					    metrics_path: /actuator/prometheus
					    static_configs:
					      - targets: ['127.0.0.1:%d']
					""".formatted(ruleFile.toAbsolutePath(), targetPort));
			server.startOnFreePort(binary, config);
			return server;
		}
		catch (IOException | InterruptedException | RuntimeException ex) {
			server.close();
			throw ex;
		}
	}

	private void startOnFreePort(Path binary, Path config) throws IOException, InterruptedException {
		Path log = this.directory.resolve("prometheus.log");
		for (int attempt = 1;; attempt++) {
			this.port = freePort();
			this.process = new ProcessBuilder(binary.toString(), "--config.file=" + config,
					"--storage.tsdb.path=" + this.directory.resolve("data"),
					"--web.listen-address=127.0.0.1:" + this.port, "--log.level=warn")
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			if (awaitReady()) {
				return;
			}
			stopProcess();
			if (attempt == PORT_ATTEMPTS) {
				throw new IllegalStateException("prometheus did not become ready; its log:\n" + Files.readString(log));
			}
		}
	}

	private boolean awaitReady() throws InterruptedException {
		long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline && this.process.isAlive()) {
			try {
				HttpResponse<String> ready = this.http.send(
						HttpRequest.newBuilder(uri("/-/ready")).timeout(Duration.ofSeconds(2)).build(),
						HttpResponse.BodyHandlers.ofString());
				if (ready.statusCode() == 200) {
					return true;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(100);
		}
		return false;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	/**
	 * Evaluate an instant query now.
	 * @param query the PromQL expression
	 * @return the API's response: {@code status}, {@code data} or {@code error}
	 */
	Map<String, Object> query(String query) {
		return get("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
	}

	/**
	 * Values of a label among the series that match a selector, as Grafana's {@code label_values(selector, label)}
	 * asks for them.
	 * @param label the label
	 * @param selector the series selector
	 * @return the API's response
	 */
	Map<String, Object> labelValues(String label, String selector) {
		return get("/api/v1/label/" + label + "/values?match[]=" + URLEncoder.encode(selector, StandardCharsets.UTF_8));
	}

	/**
	 * The loaded rule groups with each rule's health and state.
	 * @return the API's response
	 */
	Map<String, Object> rules() {
		return get("/api/v1/rules");
	}

	/**
	 * The instant vector a query returns.
	 * @param query the PromQL expression
	 * @return the result's samples ({@code metric}, {@code value})
	 * @throws IllegalStateException if the query fails or does not return a vector
	 */
	@SuppressWarnings("unchecked")
	List<Map<String, Object>> vector(String query) {
		Map<String, Object> response = query(query);
		if (!"success".equals(response.get("status"))) {
			throw new IllegalStateException("query " + query + " failed: " + response);
		}
		Map<String, Object> data = (Map<String, Object>) response.get("data");
		if (!"vector".equals(data.get("resultType"))) {
			throw new IllegalStateException("query " + query + " returned a " + data.get("resultType"));
		}
		return (List<Map<String, Object>>) data.get("result");
	}

	private Map<String, Object> get(String pathAndQuery) {
		try {
			HttpResponse<String> response = this.http.send(
					HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(10)).build(),
					HttpResponse.BodyHandlers.ofString());
			// errors (400 bad_data, 422 execution) come back as JSON with status "error" too
			return this.json.parseMap(response.body());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private URI uri(String pathAndQuery) {
		return URI.create("http://127.0.0.1:" + this.port + pathAndQuery);
	}

	private void stopProcess() throws InterruptedException {
		if (this.process == null) {
			return;
		}
		this.process.destroy();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		this.process = null;
	}

	@Override
	public void close() {
		try {
			stopProcess();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			if (this.process != null) {
				this.process.destroyForcibly();
			}
		}
		try (Stream<Path> files = Files.walk(this.directory)) {
			files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
		catch (IOException ex) {
			// a temporary directory left behind is not worth failing the test for
		}
	}

}
