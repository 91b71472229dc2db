package dev.resilience.test.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} process on a free loopback port, with nothing persisted, for tests that need Redis and
 * for tests of what happens when it fails: {@linkplain #pause() hangs} ({@code SIGSTOP}), {@linkplain #kill() dies}
 * ({@code SIGKILL}) or {@linkplain #restart() comes back empty}.
 *
 * <p>The binary is the one on the {@code PATH} when there is one, else the one {@code embedded-redis} ships (see
 * {@link RedisExecutable}). The process is started by this class, so {@link #pid()} is the server itself, and
 * {@link #close()} always ends and reaps it, paused or not; a JVM shutdown hook kills it if a test forgets to.
 *
 * <pre class="code">
 * try (RedisServer redis = RedisServer.start()) {
 *     // spring.data.redis.host=redis.host(), spring.data.redis.port=redis.port()
 *     redis.pause();    // every command now waits for its client's timeout
 *     redis.resume();
 *     redis.restart();  // same port, no data
 * }
 * </pre>
 *
 * In JUnit 5 tests, {@link RedisServerExtension} starts and closes one. Methods are thread-safe.
 */
public final class RedisServer implements AutoCloseable {

	/** State of the server process. */
	public enum State {

		/** Running and answering commands. */
		RUNNING,

		/** Stopped with {@code SIGSTOP}: connections are accepted by the kernel, nothing is answered. */
		PAUSED,

		/** Killed with {@code SIGKILL}: the port refuses connections until {@link RedisServer#restart()}. */
		KILLED,

		/** Closed for good. */
		CLOSED

	}

	private static final String HOST = "127.0.0.1";

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);

	private static final int PORT_ATTEMPTS = 5;

	private final RedisExecutable executable;

	private final Path log;

	private final Thread shutdownHook = new Thread(this::destroyOnExit, "redis-server-shutdown");

	private int port;

	private Process process;

	private State state;

	private RedisServer(RedisExecutable executable) {
		this.executable = executable;
		try {
			this.log = Files.createTempFile("redis-server-", ".log");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create the redis-server log file", ex);
		}
	}

	/**
	 * Start a server from {@link RedisExecutable#find()}: the {@code PATH}'s, else the embedded one.
	 * @return the running server, answering {@code PING}
	 */
	public static RedisServer start() {
		return start(RedisExecutable.find());
	}

	/**
	 * Start a server from a given binary on a free loopback port.
	 * @param executable the binary
	 * @return the running server, answering {@code PING}
	 */
	public static RedisServer start(RedisExecutable executable) {
		RedisServer server = new RedisServer(executable);
		Runtime.getRuntime().addShutdownHook(server.shutdownHook);
		try {
			server.startOnFreePort();
			return server;
		}
		catch (RuntimeException ex) {
			server.close();
			throw ex;
		}
	}

	/**
	 * Host to connect to: the IPv4 loopback address the server binds.
	 * @return {@code 127.0.0.1}
	 */
	public String host() {
		return HOST;
	}

	/**
	 * Port the server listens on; the same after {@link #restart()}.
	 * @return the port
	 */
	public synchronized int port() {
		return this.port;
	}

	/**
	 * URL for clients that take one, for example {@code spring.data.redis.url}.
	 * @return {@code redis://127.0.0.1:<port>}
	 */
	public String url() {
		return "redis://" + HOST + ":" + port();
	}

	/**
	 * Spring Boot properties that point the application's Redis client here, for
	 * {@code ApplicationContextRunner.withPropertyValues(...)} or {@code @SpringBootTest(properties = ...)}.
	 * @return {@code spring.data.redis.host=...} and {@code spring.data.redis.port=...}
	 */
	public String[] springDataRedisProperties() {
		return new String[] { "spring.data.redis.host=" + HOST, "spring.data.redis.port=" + port() };
	}

	/**
	 * Spring Boot properties that point the application's Redis client here, for
	 * {@code SpringApplicationBuilder.properties(...)} or a {@code DynamicPropertyRegistry}.
	 * @return {@code spring.data.redis.host} and {@code spring.data.redis.port}
	 */
	public Map<String, Object> springDataRedisPropertyMap() {
		return Map.of("spring.data.redis.host", HOST, "spring.data.redis.port", port());
	}

	/**
	 * Process id of the current server process (a new one after {@link #restart()}).
	 * @return the pid
	 */
	public synchronized long pid() {
		return this.process.pid();
	}

	/**
	 * Binary the server runs.
	 * @return the executable, with its path and source
	 */
	public RedisExecutable executable() {
		return this.executable;
	}

	/**
	 * Version of the server, as its binary reports it.
	 * @return for example {@code 7.0.15}
	 */
	public String version() {
		return this.executable.version();
	}

	/**
	 * Current state of the process.
	 * @return the state
	 */
	public synchronized State state() {
		return this.state;
	}

	/**
	 * Whether the server answers {@code PING} within one second now.
	 * @return whether it answered {@code +PONG}
	 */
	public boolean ping() {
		return ping(port(), Duration.ofSeconds(1));
	}

	/**
	 * Stop the process with {@code SIGSTOP}: the kernel still accepts connections and buffers commands, the server
	 * answers nothing, so every client waits for its own timeout. Returns once the process is stopped.
	 * @throws IllegalStateException unless the server is {@link State#RUNNING}
	 */
	public synchronized void pause() {
		requireState(State.RUNNING, "pause");
		signal("STOP");
		awaitStopped();
		this.state = State.PAUSED;
	}

	/**
	 * Continue a paused process with {@code SIGCONT}. Returns once it answers {@code PING} again.
	 * @throws IllegalStateException unless the server is {@link State#PAUSED}
	 */
	public synchronized void resume() {
		requireState(State.PAUSED, "resume");
		signal("CONT");
		this.state = State.RUNNING;
		awaitResponsive();
	}

	/**
	 * Kill the process with {@code SIGKILL} and reap it: open connections are closed by the kernel and new ones are
	 * refused until {@link #restart()}. Everything it held is lost.
	 * @throws IllegalStateException if the server is closed
	 */
	public synchronized void kill() {
		if (this.state == State.CLOSED) {
			throw new IllegalStateException("Cannot kill a closed redis-server");
		}
		destroy(this.process);
		this.state = State.KILLED;
	}

	/**
	 * Kill the process if it still runs (paused or not), then start a new, empty one on the same port. Returns once it
	 * answers {@code PING}.
	 * @throws IllegalStateException if the server is closed
	 */
	public synchronized void restart() {
		if (this.state == State.CLOSED) {
			throw new IllegalStateException("Cannot restart a closed redis-server");
		}
		kill();
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		while (true) {
			try {
				launch(this.port);
				return;
			}
			catch (PortInUseException ex) {
				// the old socket may still be closing; another process may also have taken the port
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("Could not restart redis-server: port " + this.port
							+ " stays in use", ex);
				}
				sleep(100);
			}
		}
	}

	/**
	 * End the server (continuing it first if paused, killing it if it does not exit promptly) and reap the process.
	 * Idempotent.
	 */
	@Override
	public synchronized void close() {
		if (this.state == State.CLOSED) {
			return;
		}
		if (this.process != null && this.process.isAlive()) {
			if (this.state == State.PAUSED) {
				signal("CONT");
			}
			this.process.destroy();
			try {
				if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
					destroy(this.process);
				}
			}
			catch (InterruptedException ex) {
				destroy(this.process);
				Thread.currentThread().interrupt();
			}
		}
		this.state = State.CLOSED;
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// the JVM is shutting down: the hook runs anyway
		}
		try {
			Files.deleteIfExists(this.log);
		}
		catch (IOException ex) {
			// a temporary file: nothing else to release
		}
	}

	@Override
	public String toString() {
		return "RedisServer[" + HOST + ":" + this.port + ", " + this.state + ", " + this.executable + "]";
	}

	private void startOnFreePort() {
		PortInUseException lastFailure = null;
		for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
			try {
				launch(freePort());
				return;
			}
			catch (PortInUseException ex) {
				// another process took the port between the probe and the bind: try another
				lastFailure = ex;
			}
		}
		throw new IllegalStateException("Could not find a free port for redis-server", lastFailure);
	}

	private void launch(int port) {
		List<String> command = List.of(this.executable.path().toString(), "--port", String.valueOf(port), "--bind",
				HOST, "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir",
				this.log.getParent().toString(), "--logfile", "");
		Process started;
		try {
			started = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(this.log.toFile())
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + this.executable, ex);
		}
		this.process = started;
		this.port = port;
		this.state = State.RUNNING;
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			if (!started.isAlive()) {
				this.state = State.KILLED;
				String output = log();
				if (output.contains("Address already in use")) {
					throw new PortInUseException(port);
				}
				throw new IllegalStateException(this.executable + " exited with status " + started.exitValue()
						+ " on port " + port + ":\n" + output);
			}
			if (ping(port, Duration.ofSeconds(1))) {
				return;
			}
			sleep(20);
		}
		destroy(started);
		this.state = State.KILLED;
		throw new IllegalStateException(this.executable + " did not answer PING on port " + port + " within "
				+ STARTUP_TIMEOUT.toSeconds() + "s:\n" + log());
	}

	private void awaitResponsive() {
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			if (ping(this.port, Duration.ofSeconds(1))) {
				return;
			}
			sleep(20);
		}
		throw new IllegalStateException("redis-server on port " + this.port + " did not answer PING after resume");
	}

	/**
	 * Wait until the kernel reports the process stopped, where {@code /proc} says so (Linux); elsewhere the signal is
	 * delivered before {@code kill} returns for all practical purposes.
	 */
	private void awaitStopped() {
		Path stat = Path.of("/proc", String.valueOf(this.process.pid()), "stat");
		if (!Files.isReadable(stat)) {
			return;
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (System.nanoTime() < deadline) {
			try {
				String content = Files.readString(stat);
				String afterName = content.substring(content.lastIndexOf(')') + 1).strip();
				if (afterName.startsWith("T") || afterName.startsWith("t")) {
					return;
				}
			}
			catch (IOException ex) {
				return;
			}
			sleep(5);
		}
		throw new IllegalStateException("redis-server " + this.process.pid() + " did not stop after SIGSTOP");
	}

	private void signal(String signal) {
		long pid = this.process.pid();
		try {
			Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -s " + signal + " " + pid)
				.redirectErrorStream(true)
				.start();
			String output;
			try (InputStream in = kill.getInputStream()) {
				output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
			if (kill.waitFor() != 0) {
				throw new IllegalStateException("kill -s " + signal + " " + pid + " failed: " + output.strip());
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not send SIG" + signal + " to redis-server " + pid, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while sending SIG" + signal + " to redis-server " + pid, ex);
		}
	}

	private void requireState(State required, String action) {
		if (this.state != required) {
			throw new IllegalStateException("Cannot " + action + " a redis-server that is " + this.state);
		}
	}

	private String log() {
		try {
			return Files.readString(this.log, StandardCharsets.UTF_8).strip();
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	private void destroyOnExit() {
		Process current = this.process;
		if (current != null) {
			current.destroyForcibly();
		}
	}

	/** {@code SIGKILL}, which also ends a stopped process, then reap. */
	private static void destroy(Process process) {
		process.destroyForcibly();
		boolean interrupted = false;
		while (true) {
			try {
				process.waitFor();
				break;
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	static boolean ping(int port, Duration timeout) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getByName(HOST), port), (int) timeout.toMillis());
			socket.setSoTimeout((int) timeout.toMillis());
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] expected = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);
			for (byte b : expected) {
				if (in.read() != b) {
					return false;
				}
			}
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static int freePort() {
		try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
			return probe.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not find a free loopback port", ex);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for redis-server", ex);
		}
	}

	private static final class PortInUseException extends RuntimeException {

		PortInUseException(int port) {
			super("Port " + port + " is in use");
		}

	}

}
