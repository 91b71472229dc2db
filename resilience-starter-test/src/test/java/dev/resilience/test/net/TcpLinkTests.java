package dev.resilience.test.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.resilience.test.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@link TcpLink} in front of a real loopback echo server, and in front of a real {@code redis-server}.
 */
class TcpLinkTests {

	private static final Duration HANG_BOUND = Duration.ofSeconds(30);

	private EchoServer echo;

	@BeforeEach
	void startEcho() throws IOException {
		this.echo = new EchoServer();
	}

	@AfterEach
	void stopEcho() {
		this.echo.close();
	}

	@Test
	void forwardsBytesBothWaysAndHalfCloses() throws IOException {
		try (TcpLink link = TcpLink.to(HOST, this.echo.port()); Socket socket = connect(link)) {
			assertThat(exchange(socket, "ping")).isEqualTo("ping");
			assertThat(exchange(socket, "pong")).isEqualTo("pong");
			socket.shutdownOutput();
			assertTimeoutPreemptively(HANG_BOUND, () -> assertThat(socket.getInputStream().read()).isEqualTo(-1));
			assertThat(link.acceptedConnections()).isEqualTo(1);
		}
	}

	@Test
	void cutResetsOpenConnectionsOnBothSidesAndRefusesNewOnes() throws IOException {
		try (TcpLink link = TcpLink.to(HOST, this.echo.port()); Socket socket = connect(link)) {
			assertThat(exchange(socket, "before")).isEqualTo("before");
			assertThat(link.openConnections()).isEqualTo(1);
			link.cut();
			assertThat(link.isCut()).isTrue();
			assertThat(link.openConnections()).isZero();
			assertTimeoutPreemptively(HANG_BOUND, () -> assertThatExceptionOfType(SocketException.class)
				.isThrownBy(() -> socket.getInputStream().read())
				.withMessageContaining("reset"));
			assertTimeoutPreemptively(HANG_BOUND, () -> assertThat(this.echo.resets()).hasSize(1));
			assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> connect(link).close());
		}
	}

	@Test
	void healAcceptsNewConnectionsOnTheSamePort() throws IOException {
		try (TcpLink link = TcpLink.to(HOST, this.echo.port())) {
			int port = link.port();
			link.cut();
			link.heal();
			assertThat(link.isCut()).isFalse();
			assertThat(link.port()).isEqualTo(port);
			try (Socket socket = connect(link)) {
				assertThat(exchange(socket, "after")).isEqualTo("after");
			}
			assertThatIllegalStateException().isThrownBy(link::heal);
		}
	}

	@Test
	void delayHoldsEachDirectionAtLeastThatLong() throws IOException {
		Duration upstream = Duration.ofMillis(120);
		Duration downstream = Duration.ofMillis(80);
		try (TcpLink link = TcpLink.to(HOST, this.echo.port()).withDelay(upstream, downstream);
				Socket socket = connect(link)) {
			for (int i = 0; i < 3; i++) {
				long start = System.nanoTime();
				assertThat(exchange(socket, "round trip " + i)).isEqualTo("round trip " + i);
				// a lower bound only: the link may add more on a busy machine, never less
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(upstream.plus(downstream));
			}
		}
	}

	@Test
	void targetThatRefusesResetsTheClient() throws IOException {
		int closedPort;
		try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
			closedPort = probe.getLocalPort();
		}
		try (TcpLink link = TcpLink.to(HOST, closedPort)) {
			// the reset can reach the client while its connect is still completing, or on its first read
			assertTimeoutPreemptively(HANG_BOUND, () -> assertThatExceptionOfType(SocketException.class)
				.isThrownBy(() -> {
					try (Socket socket = connect(link)) {
						socket.getInputStream().read();
					}
				}));
		}
	}

	@Test
	void closeRefusesConnections() throws IOException {
		TcpLink link = TcpLink.to(HOST, this.echo.port());
		Socket socket = connect(link);
		link.close();
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> connect(link).close());
		assertTimeoutPreemptively(HANG_BOUND, () -> assertThatExceptionOfType(SocketException.class)
			.isThrownBy(() -> socket.getInputStream().read()));
		socket.close();
		link.close();
	}

	@Test
	void redisBehindACutLinkFailsTheClientAndAHealedOneServesItAgain() {
		try (RedisServer redis = RedisServer.start(); TcpLink link = TcpLink.to(redis.host(), redis.port())) {
			RedisURI uri = RedisURI.create(HOST, link.port());
			uri.setTimeout(Duration.ofSeconds(1));
			RedisClient client = RedisClient.create(uri);
			try {
				RedisCommands<String, String> commands = client.connect().sync();
				commands.set("city", "Lyon");
				link.cut();
				assertTimeoutPreemptively(HANG_BOUND, () -> assertThatExceptionOfType(RuntimeException.class)
					.isThrownBy(() -> commands.get("city")));
				assertThat(redis.ping()).isTrue();
				link.heal();
				// Lettuce reconnects by itself once the link accepts again
				assertTimeoutPreemptively(HANG_BOUND, () -> {
					while (true) {
						try {
							assertThat(commands.get("city")).isEqualTo("Lyon");
							return;
						}
						catch (RuntimeException ex) {
							Thread.sleep(100);
						}
					}
				});
			}
			finally {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
		}
	}

	private static final String HOST = "127.0.0.1";

	private static Socket connect(TcpLink link) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress(link.host(), link.port()), 5000);
		socket.setSoTimeout((int) HANG_BOUND.toMillis());
		return socket;
	}

	private static String exchange(Socket socket, String message) throws IOException {
		byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
		OutputStream out = socket.getOutputStream();
		out.write(bytes);
		out.flush();
		InputStream in = socket.getInputStream();
		byte[] answer = in.readNBytes(bytes.length);
		return new String(answer, StandardCharsets.UTF_8);
	}

	/** Echoes every byte back; records the connections that a peer reset. */
	private static final class EchoServer implements AutoCloseable {

		private final ServerSocket serverSocket;

		private final List<Socket> accepted = new CopyOnWriteArrayList<>();

		private final List<IOException> resets = new CopyOnWriteArrayList<>();

		EchoServer() throws IOException {
			this.serverSocket = new ServerSocket(0, 50, InetAddress.getByName(HOST));
			Thread acceptor = new Thread(this::acceptForever, "echo-accept");
			acceptor.setDaemon(true);
			acceptor.start();
		}

		int port() {
			return this.serverSocket.getLocalPort();
		}

		List<IOException> resets() {
			return this.resets;
		}

		private void acceptForever() {
			while (!this.serverSocket.isClosed()) {
				try {
					Socket socket = this.serverSocket.accept();
					this.accepted.add(socket);
					Thread echo = new Thread(() -> echo(socket), "echo-" + socket.getPort());
					echo.setDaemon(true);
					echo.start();
				}
				catch (IOException ex) {
					return;
				}
			}
		}

		private void echo(Socket socket) {
			try (socket) {
				InputStream in = socket.getInputStream();
				OutputStream out = socket.getOutputStream();
				byte[] buffer = new byte[8192];
				for (int read = in.read(buffer); read != -1; read = in.read(buffer)) {
					out.write(buffer, 0, read);
					out.flush();
				}
				socket.shutdownOutput();
			}
			catch (IOException ex) {
				if (!this.serverSocket.isClosed()) {
					this.resets.add(ex);
				}
			}
		}

		@Override
		public void close() {
			try {
				this.serverSocket.close();
			}
			catch (IOException ex) {
				// closing anyway
			}
			for (Socket socket : this.accepted) {
				try {
					socket.close();
				}
				catch (IOException ex) {
					// closing anyway
				}
			}
		}

	}

}
