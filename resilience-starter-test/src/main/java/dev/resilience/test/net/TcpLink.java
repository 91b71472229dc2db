package dev.resilience.test.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP link between a client and a target, made of a user-space proxy on a free loopback port: point the client at
 * {@link #host()}:{@link #port()} instead of the target, then {@linkplain #cut() cut} the link (every open connection
 * is reset, new ones are refused) and {@linkplain #heal() heal} it, or give each direction a fixed one-way delay (for
 * machines without {@code netem}).
 *
 * <pre class="code">
 * try (RedisServer redis = RedisServer.start();
 *         TcpLink link = TcpLink.to(redis.host(), redis.port()).withDelay(Duration.ofMillis(1), Duration.ofMillis(1))) {
 *     // spring.data.redis.port=link.port()
 *     link.cut();   // the application is partitioned from Redis; Redis itself runs on
 *     link.heal();
 * }
 * </pre>
 *
 * A delay holds every chunk of bytes for that long before it is written on, so it adds latency without limiting
 * throughput. Each connection costs four threads (a reader and a writer per direction). Methods are thread-safe.
 */
public final class TcpLink implements AutoCloseable {

	private static final String HOST = "127.0.0.1";

	private static final int CONNECT_TIMEOUT_MILLIS = 5000;

	private static final AtomicInteger ids = new AtomicInteger();

	private final InetSocketAddress target;

	private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

	private final AtomicLong accepted = new AtomicLong();

	private final int id = ids.incrementAndGet();

	private volatile Duration upstreamDelay = Duration.ZERO;

	private volatile Duration downstreamDelay = Duration.ZERO;

	private int port;

	private ServerSocket serverSocket;

	private boolean closed;

	private TcpLink(InetSocketAddress target) {
		this.target = target;
	}

	/**
	 * Open a link to a target on a free loopback port, with no delay.
	 * @param host host of the target
	 * @param port port of the target
	 * @return the link, accepting connections
	 */
	public static TcpLink to(String host, int port) {
		TcpLink link = new TcpLink(new InetSocketAddress(host, port));
		link.listen(0);
		return link;
	}

	/**
	 * Hold the bytes of each direction for a fixed time before they are written on: the one-way delay of a network.
	 * Applies to bytes read from now on, on open and new connections.
	 * @param upstream delay from the client to the target
	 * @param downstream delay from the target to the client
	 * @return this link
	 */
	public TcpLink withDelay(Duration upstream, Duration downstream) {
		if (upstream.isNegative() || downstream.isNegative()) {
			throw new IllegalArgumentException("Delays must not be negative: " + upstream + ", " + downstream);
		}
		this.upstreamDelay = upstream;
		this.downstreamDelay = downstream;
		return this;
	}

	/**
	 * Host the clients connect to.
	 * @return {@code 127.0.0.1}
	 */
	public String host() {
		return HOST;
	}

	/**
	 * Port the clients connect to; the same after {@link #heal()}.
	 * @return the port
	 */
	public synchronized int port() {
		return this.port;
	}

	/**
	 * Target the link forwards to.
	 * @return its address
	 */
	public InetSocketAddress target() {
		return this.target;
	}

	/**
	 * Whether the link is cut.
	 * @return {@code true} between {@link #cut()} and {@link #heal()}
	 */
	public synchronized boolean isCut() {
		return this.serverSocket == null && !this.closed;
	}

	/**
	 * Connections open through the link now.
	 * @return the count
	 */
	public int openConnections() {
		return this.connections.size();
	}

	/**
	 * Connections accepted since the link was opened.
	 * @return the count
	 */
	public long acceptedConnections() {
		return this.accepted.get();
	}

	/**
	 * Cut the link: stop listening, so that new connections are refused, and reset every open connection on both
	 * sides (a TCP {@code RST} to the client and to the target). Returns once all are reset.
	 * @throws IllegalStateException if the link is closed or already cut
	 */
	public synchronized void cut() {
		if (this.closed || this.serverSocket == null) {
			throw new IllegalStateException("Cannot cut a link that is " + (this.closed ? "closed" : "cut"));
		}
		closeQuietly(this.serverSocket);
		this.serverSocket = null;
		resetAll();
	}

	/**
	 * Heal a cut link: listen on the same port again. Connections reset by {@link #cut()} stay reset.
	 * @throws IllegalStateException unless the link is cut
	 */
	public synchronized void heal() {
		if (!isCut()) {
			throw new IllegalStateException("Cannot heal a link that is not cut");
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (true) {
			try {
				listen(this.port);
				return;
			}
			catch (UncheckedIOException ex) {
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
			}
		}
	}

	/**
	 * Stop listening and reset every open connection. Idempotent.
	 */
	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		if (this.serverSocket != null) {
			closeQuietly(this.serverSocket);
			this.serverSocket = null;
		}
		resetAll();
	}

	@Override
	public String toString() {
		return "TcpLink[" + HOST + ":" + this.port + " -> " + this.target + "]";
	}

	private void listen(int requestedPort) {
		ServerSocket socket = null;
		try {
			socket = new ServerSocket();
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), requestedPort), 200);
		}
		catch (IOException ex) {
			if (socket != null) {
				closeQuietly(socket);
			}
			throw new UncheckedIOException("Could not listen on " + HOST + ":" + requestedPort, ex);
		}
		this.serverSocket = socket;
		this.port = socket.getLocalPort();
		ServerSocket listening = socket;
		thread("tcp-link-" + this.id + "-accept", () -> acceptUntilClosed(listening));
	}

	private void acceptUntilClosed(ServerSocket listening) {
		while (!listening.isClosed()) {
			Socket client;
			try {
				client = listening.accept();
			}
			catch (IOException ex) {
				return;
			}
			this.accepted.incrementAndGet();
			Socket upstream = new Socket();
			try {
				client.setTcpNoDelay(true);
				upstream.setTcpNoDelay(true);
				upstream.connect(this.target, CONNECT_TIMEOUT_MILLIS);
			}
			catch (IOException ex) {
				// the target refuses or does not answer: the client sees its connection reset
				reset(client);
				closeQuietly(upstream);
				continue;
			}
			Connection connection = new Connection(client, upstream);
			this.connections.add(connection);
			synchronized (this) {
				if (listening != this.serverSocket) {
					// cut or closed while this connection was being set up
					connection.reset();
					continue;
				}
			}
			connection.start();
		}
	}

	private void resetAll() {
		for (Connection connection : this.connections) {
			connection.reset();
		}
	}

	private static void thread(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		thread.start();
	}

	/** Close with {@code SO_LINGER} 0, which sends a {@code RST} instead of a {@code FIN}. */
	private static void reset(Socket socket) {
		try {
			socket.setSoLinger(true, 0);
		}
		catch (SocketException ex) {
			// already closed
		}
		closeQuietly(socket);
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// already closed or reset by the peer: nothing left to release
		}
	}

	/** One client connection and its connection to the target. */
	private final class Connection {

		private final Socket client;

		private final Socket upstream;

		private final AtomicInteger openDirections = new AtomicInteger(2);

		private volatile boolean reset;

		Connection(Socket client, Socket upstream) {
			this.client = client;
			this.upstream = upstream;
		}

		void start() {
			String name = "tcp-link-" + TcpLink.this.id + "-" + this.client.getPort();
			pump(name + "-up", this.client, this.upstream, true);
			pump(name + "-down", this.upstream, this.client, false);
		}

		private void pump(String name, Socket from, Socket to, boolean upstreamDirection) {
			BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
			thread(name + "-read", () -> read(from, queue, upstreamDirection));
			thread(name + "-write", () -> write(queue, to));
		}

		private void read(Socket from, BlockingQueue<Chunk> queue, boolean upstreamDirection) {
			byte[] buffer = new byte[16384];
			try {
				InputStream in = from.getInputStream();
				for (int read = in.read(buffer); read != -1; read = in.read(buffer)) {
					Duration delay = upstreamDirection ? TcpLink.this.upstreamDelay : TcpLink.this.downstreamDelay;
					queue.add(new Chunk(System.nanoTime() + delay.toNanos(), Arrays.copyOf(buffer, read)));
				}
				queue.add(Chunk.END);
			}
			catch (IOException ex) {
				// reset by a peer, or by cut(): reset the other side too
				queue.add(Chunk.RESET);
			}
		}

		private void write(BlockingQueue<Chunk> queue, Socket to) {
			try {
				OutputStream out = to.getOutputStream();
				while (true) {
					Chunk chunk = queue.take();
					if (chunk == Chunk.END) {
						to.shutdownOutput();
						directionDone();
						return;
					}
					if (chunk == Chunk.RESET) {
						reset();
						return;
					}
					for (long wait = chunk.due() - System.nanoTime(); wait > 0; wait = chunk.due() - System.nanoTime()) {
						LockSupport.parkNanos(wait);
					}
					out.write(chunk.bytes());
					out.flush();
				}
			}
			catch (IOException ex) {
				reset();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				reset();
			}
		}

		private void directionDone() {
			if (this.openDirections.decrementAndGet() == 0) {
				closeQuietly(this.client);
				closeQuietly(this.upstream);
				TcpLink.this.connections.remove(this);
			}
		}

		void reset() {
			if (!this.reset) {
				this.reset = true;
				TcpLink.reset(this.client);
				TcpLink.reset(this.upstream);
				TcpLink.this.connections.remove(this);
			}
		}

	}

	private record Chunk(long due, byte[] bytes) {

		static final Chunk END = new Chunk(0, new byte[0]);

		static final Chunk RESET = new Chunk(0, new byte[0]);

	}

}
