package dev.resilience.test.httpclient;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServlet;
import org.apache.commons.logging.LogFactory;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 9111 conformance of the shared caching client, measured by the public HTTP cache test suite
 * (<a href="https://github.com/http-tests/cache-tests">http-tests/cache-tests</a>, vendored in
 * {@code src/test/cache-tests}) as it measures reverse proxies: the suite's Node server is the origin, a small reverse
 * proxy (a servlet on embedded Tomcat) forwards every request through a {@link RestClient} built from the
 * application's {@code RestClient.Builder}, that is through the starter's shared client and cache, and the suite's
 * CLI runs against the proxy. Needs {@code node} on the PATH ({@code .ci/run} installs Debian's {@code nodejs}).
 * <p>
 * {@code -Dcache-tests.id=<test id>} runs one test of the suite and prints its requests and responses.
 */
@Tag("cache-tests")
@SpringBootTest(classes = CacheTestsConformanceTests.ProxyApp.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.http.clients.connect-timeout=2s", "spring.http.clients.read-timeout=15s" })
class CacheTestsConformanceTests {

	/**
	 * Tests the suite passes ({@code pass} verdicts of required and optimal tests that apply, see {@code count.mjs});
	 * raw httpclient5-cache 5.6.3 passes 208.
	 */
	static final int MIN_PASSES = 215;

	static final Path SUITE = Path.of("src/test/cache-tests").toAbsolutePath();

	static final Path OUT = Path.of("target/cache-tests").toAbsolutePath();

	static final Duration SUITE_BOUND = Duration.ofMinutes(4);

	static final String NODE = findNode();

	static Process origin;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void startOrigin(DynamicPropertyRegistry registry) throws IOException {
		if (NODE == null) {
			return;
		}
		Files.createDirectories(OUT);
		ProcessBuilder server = node("test-engine/server/server.mjs").redirectErrorStream(true);
		server.environment().put("npm_config_protocol", "http");
		server.environment().put("npm_config_port", "0");
		server.environment().put("npm_config_pidfile", OUT.resolve("server.pid").toString());
		origin = server.start();
		BufferedReader lines = new BufferedReader(
				new InputStreamReader(origin.getInputStream(), StandardCharsets.UTF_8));
		Pattern listening = Pattern.compile("Listening on http://.*:(\\d+)/");
		String line;
		int originPort = -1;
		while (originPort < 0 && (line = lines.readLine()) != null) {
			Matcher matcher = listening.matcher(line);
			if (matcher.find()) {
				originPort = Integer.parseInt(matcher.group(1));
			}
		}
		assertThat(originPort).as("port of the cache-tests server").isPositive();
		// keep draining the server's output so that it never blocks on a full pipe
		Path log = OUT.resolve("server.log");
		CompletableFuture.runAsync(() -> {
			try (OutputStream out = Files.newOutputStream(log)) {
				origin.getInputStream().transferTo(out);
			}
			catch (IOException ex) {
				// the server is gone
			}
		});
		String base = "http://127.0.0.1:" + originPort;
		registry.add("cache-tests.origin", () -> base);
	}

	@AfterAll
	static void stopOrigin() throws InterruptedException {
		if (origin != null) {
			origin.destroy();
			if (!origin.waitFor(10, TimeUnit.SECONDS)) {
				origin.destroyForcibly();
			}
		}
	}

	@Test
	void suiteShowsNoRequiredFailureAndAtLeast215Passes() throws Exception {
		Assumptions.assumeTrue(NODE != null, () -> {
			String message = "SKIPPED LOUDLY: `node` is not on the PATH, so the RFC 9111 cache-tests conformance "
					+ "suite did NOT run. Install Node.js (Debian: apt-get install nodejs; .ci/run does it).";
			System.err.println(message);
			return message;
		});
		String only = System.getProperty("cache-tests.id", "");
		Path results = OUT.resolve(only.isEmpty() ? "results.json" : "result-" + only + ".txt");
		ProcessBuilder cli = node("--no-warnings", "test-engine/cli.mjs").redirectOutput(results.toFile())
			.redirectError(OUT.resolve("cli.err").toFile());
		cli.environment().put("npm_config_base", "http://127.0.0.1:" + this.port);
		cli.environment().put("npm_config_id", only);
		cli.environment().put("npm_package_config_id", only);
		Process run = cli.start();
		if (!run.waitFor(SUITE_BOUND.toSeconds(), TimeUnit.SECONDS)) {
			run.destroyForcibly();
			throw new AssertionError("cache-tests did not finish within " + SUITE_BOUND);
		}
		assertThat(run.exitValue()).as("cache-tests CLI exit code, see %s", OUT.resolve("cli.err")).isZero();
		if (!only.isEmpty()) {
			System.out.println(Files.readString(results));
			return;
		}
		// a "retry" verdict (the origin saw a request twice) can come from a keep-alive race on a loaded machine: such
		// tests run once more on their own, and a cache that always sends twice keeps the verdict
		Process rerun = node("--no-warnings", "rerun-retries.mjs", results.toString(), "http://127.0.0.1:" + this.port)
			.redirectError(ProcessBuilder.Redirect.INHERIT)
			.start();
		String rerunSummary = new String(rerun.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
		assertThat(rerun.waitFor(SUITE_BOUND.toSeconds(), TimeUnit.SECONDS)).as("rerun within " + SUITE_BOUND).isTrue();
		assertThat(rerun.exitValue()).as("rerun-retries.mjs exit code").isZero();
		System.out.println("cache-tests: tests with a retry verdict, run once more: " + rerunSummary);
		Process count = node("count.mjs", results.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
		String summary = new String(count.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(count.waitFor(1, TimeUnit.MINUTES)).isTrue();
		assertThat(count.exitValue()).as("count.mjs exit code").isZero();
		Files.writeString(OUT.resolve("summary.json"), summary);
		JsonNode counts = JsonMapper.builder().build().readTree(summary);
		System.out.println("cache-tests: " + counts.get("passed").asInt() + " of " + counts.get("total").asInt()
				+ " applicable tests passed; verdicts " + counts.get("verdicts") + "; required failures "
				+ counts.get("required_failures") + "; optional failures " + counts.get("optional_failures")
				+ "; not applicable (CDN-Cache-Control, interim responses) " + counts.get("not_applicable").get("verdicts")
				+ "; full results in " + results + ", counts in " + OUT.resolve("summary.json"));
		assertThat(counts.get("required_failures")).as("required failures").isEmpty();
		assertThat(counts.get("passed").asInt()).as("passes").isGreaterThanOrEqualTo(MIN_PASSES);
	}

	static ProcessBuilder node(String... args) {
		List<String> command = new ArrayList<>();
		command.add(NODE);
		Collections.addAll(command, args);
		return new ProcessBuilder(command).directory(SUITE.toFile());
	}

	private static String findNode() {
		String path = System.getenv("PATH");
		if (path == null) {
			return null;
		}
		for (String dir : path.split(File.pathSeparator)) {
			for (String name : List.of("node", "nodejs")) {
				File candidate = new File(dir, name);
				if (candidate.canExecute()) {
					return candidate.getAbsolutePath();
				}
			}
		}
		return null;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ProxyApp {

		@Bean
		ServletRegistrationBean<ReverseProxy> reverseProxy(RestClient.Builder builder,
				@Value("${cache-tests.origin:http://127.0.0.1:9}") String origin) {
			return new ServletRegistrationBean<>(new ReverseProxy(builder.build(), origin), "/*");
		}

	}

	/**
	 * Forwards each request to the origin through the application's {@link RestClient}, as a reverse proxy (a CDN)
	 * would: hop-by-hop fields are not forwarded in either direction, everything else is.
	 */
	static final class ReverseProxy extends HttpServlet {

		private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-authenticate",
				"proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
				"content-length");

		private final transient RestClient client;

		private final String origin;

		ReverseProxy(RestClient client, String origin) {
			this.client = client;
			this.origin = origin;
		}

		@Override
		protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
			String query = request.getQueryString();
			URI uri = URI.create(this.origin + request.getRequestURI() + ((query != null) ? "?" + query : ""));
			byte[] body = request.getInputStream().readAllBytes();
			RestClient.RequestBodySpec spec = this.client.method(HttpMethod.valueOf(request.getMethod()))
				.uri(uri)
				.headers((headers) -> {
					for (String name : Collections.list(request.getHeaderNames())) {
						if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
							headers.addAll(name, Collections.list(request.getHeaders(name)));
						}
					}
				});
			if (body.length > 0) {
				spec.body(body);
			}
			try {
				spec.exchange((clientRequest, upstream) -> {
					response.setStatus(upstream.getStatusCode().value());
					for (Map.Entry<String, List<String>> header : upstream.getHeaders().headerSet()) {
						if (!NOT_FORWARDED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
							for (String value : header.getValue()) {
								response.addHeader(header.getKey(), value);
							}
						}
					}
					try (InputStream in = upstream.getBody()) {
						in.transferTo(response.getOutputStream());
					}
					return null;
				});
			}
			catch (RuntimeException ex) {
				LogFactory.getLog(ReverseProxy.class)
					.warn("502 for " + request.getMethod() + " " + uri + ": " + ex, ex);
				// not sendError: the container's error page would be forwarded to the origin as /error
				if (!response.isCommitted()) {
					response.reset();
					response.setStatus(HttpServletResponse.SC_BAD_GATEWAY);
					response.setContentType("text/plain");
					response.getWriter().print(ex);
				}
			}
		}

	}

}
