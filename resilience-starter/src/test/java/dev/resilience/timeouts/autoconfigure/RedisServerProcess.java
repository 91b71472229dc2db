package dev.resilience.timeouts.autoconfigure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (the Debian package, listed in {@code .ci/packages}) on a free loopback port, with
 * nothing persisted and the {@code DEBUG} command enabled so that a test can make it stall.
 */
final class RedisServerProcess implements AutoCloseable {

	private final Process process;

	private final int port;

	private RedisServerProcess(Process process, int port) {
		this.process = process;
		this.port = port;
	}

	static RedisServerProcess start() throws IOException, InterruptedException {
		int port;
		try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = probe.getLocalPort();
		}
		Process process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
				"--save", "", "--appendonly", "no", "--enable-debug-command", "yes")
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		RedisServerProcess server = new RedisServerProcess(process, port);
		try {
			server.awaitResponsive();
		}
		catch (IllegalStateException ex) {
			server.close();
			throw ex;
		}
		return server;
	}

	/**
	 * Wait until the server answers {@code PING}: after start, or after a stall.
	 */
	void awaitResponsive() throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("redis-server exited with " + this.process.exitValue());
			}
			if ("+PONG".equals(send("PING"))) {
				return;
			}
			Thread.sleep(50);
		}
		throw new IllegalStateException("redis-server did not answer PING on port " + this.port);
	}

	int port() {
		return this.port;
	}

	/**
	 * Make the server stall: {@code DEBUG SLEEP} blocks its single command thread. Returns once the command is sent.
	 * @param seconds how long the server sleeps
	 * @return the connection the command went out on, to close after the stall
	 */
	Socket stall(double seconds) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 5000);
		OutputStream out = socket.getOutputStream();
		out.write(("DEBUG SLEEP " + seconds + "\r\n").getBytes(StandardCharsets.US_ASCII));
		out.flush();
		return socket;
	}

	private String send(String command) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 1000);
			socket.setSoTimeout(5000);
			socket.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
			return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
				.readLine();
		}
		catch (IOException ex) {
			return null;
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

}
