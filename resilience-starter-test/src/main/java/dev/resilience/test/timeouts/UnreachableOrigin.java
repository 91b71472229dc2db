package dev.resilience.test.timeouts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback address whose TCP connects hang: a listening socket that never accepts, with its accept backlog filled,
 * so that the kernel drops every further SYN. A client connecting to it fails by its connect timeout, or hangs for
 * the operating system's SYN retries if it has none: the loopback stand-in for a non-routable address.
 */
public final class UnreachableOrigin implements AutoCloseable {

	private static final int MAX_FILLERS = 64;

	private static final int FILLER_CONNECT_TIMEOUT_MILLIS = 200;

	private final ServerSocket serverSocket;

	private final List<Socket> fillers;

	private UnreachableOrigin(ServerSocket serverSocket, List<Socket> fillers) {
		this.serverSocket = serverSocket;
		this.fillers = fillers;
	}

	/**
	 * Open a listening socket on a free loopback port and fill its backlog.
	 * @return the origin, whose connects now hang
	 * @throws IllegalStateException if the backlog could not be filled (the kernel kept accepting connections)
	 */
	public static UnreachableOrigin start() {
		ServerSocket serverSocket;
		try {
			serverSocket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not open a loopback server socket", ex);
		}
		InetSocketAddress address = new InetSocketAddress(serverSocket.getInetAddress(), serverSocket.getLocalPort());
		List<Socket> fillers = new ArrayList<>();
		for (int i = 0; i < MAX_FILLERS; i++) {
			Socket socket = new Socket();
			try {
				socket.connect(address, FILLER_CONNECT_TIMEOUT_MILLIS);
				fillers.add(socket);
			}
			catch (SocketTimeoutException ex) {
				UnresponsiveOrigin.closeQuietly(socket);
				return new UnreachableOrigin(serverSocket, fillers);
			}
			catch (IOException ex) {
				UnresponsiveOrigin.closeQuietly(socket);
				break;
			}
		}
		fillers.forEach(UnresponsiveOrigin::closeQuietly);
		UnresponsiveOrigin.closeQuietly(serverSocket);
		throw new IllegalStateException("The accept backlog of a loopback socket did not fill after " + MAX_FILLERS
				+ " connections: this kernel does not drop SYNs on a full backlog");
	}

	/**
	 * Base URI of the origin, for example {@code http://127.0.0.1:41234}.
	 * @return the URI
	 */
	public URI uri() {
		return URI.create("http://" + this.serverSocket.getInetAddress().getHostAddress() + ":"
				+ this.serverSocket.getLocalPort());
	}

	@Override
	public void close() {
		this.fillers.forEach(UnresponsiveOrigin::closeQuietly);
		UnresponsiveOrigin.closeQuietly(this.serverSocket);
	}

}
