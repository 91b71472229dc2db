package dev.resilience.test.timeouts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local HTTP origin that accepts every connection and never answers: the dependency that is up but stuck. A client
 * calling it fails by its read timeout, or hangs if it has none.
 *
 * <pre class="code">
 * try (UnresponsiveOrigin origin = UnresponsiveOrigin.start()) {
 *     assertThatExceptionOfType(ResourceAccessException.class)
 *         .isThrownBy(() -&gt; restClient.get().uri(origin.uri()).retrieve().toBodilessEntity());
 * }
 * </pre>
 */
public final class UnresponsiveOrigin implements AutoCloseable {

	private final ServerSocket serverSocket;

	private final List<Socket> accepted = new CopyOnWriteArrayList<>();

	private final Thread acceptor;

	private UnresponsiveOrigin(ServerSocket serverSocket) {
		this.serverSocket = serverSocket;
		this.acceptor = new Thread(this::acceptForever, "unresponsive-origin-" + serverSocket.getLocalPort());
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	/**
	 * Start an origin on a free loopback port.
	 * @return the running origin
	 */
	public static UnresponsiveOrigin start() {
		try {
			return new UnresponsiveOrigin(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not open a loopback server socket", ex);
		}
	}

	/**
	 * Base URI of the origin, for example {@code http://127.0.0.1:41234}.
	 * @return the URI
	 */
	public URI uri() {
		return URI.create("http://" + this.serverSocket.getInetAddress().getHostAddress() + ":"
				+ this.serverSocket.getLocalPort());
	}

	/**
	 * Number of connections accepted so far.
	 * @return the count
	 */
	public int acceptedConnections() {
		return this.accepted.size();
	}

	private void acceptForever() {
		while (!this.serverSocket.isClosed()) {
			try {
				this.accepted.add(this.serverSocket.accept());
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	@Override
	public void close() {
		closeQuietly(this.serverSocket);
		this.accepted.forEach(UnresponsiveOrigin::closeQuietly);
		try {
			this.acceptor.join(5000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// already closed or reset by the peer: nothing left to release
		}
	}

}
