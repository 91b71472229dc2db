package dev.resilience.test.httpclient;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real HTTP/1.1 origin on {@code 127.0.0.1} for tests of HTTP clients and caches. Scripted per path (status,
 * headers written verbatim, body, delay); records every request and counts accepted TCP connections, so a test can
 * tell whether a response came from a cache and whether connections were kept alive.
 *
 * <pre class="code">
 * try (RecordingOrigin origin = RecordingOrigin.start()) {
 *     origin.respond("/weather", (request) -&gt; OriginResponse.ok("sunny").cacheControl("max-age=60"));
 *     restClient.get().uri(origin.uri("/weather")).retrieve().body(String.class);
 *     assertThat(origin.requestCount("/weather")).isEqualTo(1);
 * }
 * </pre>
 *
 * Unscripted paths answer {@code 404}. Built on a plain {@link ServerSocket} rather than the JDK's HTTP server so that
 * accepted connections can be counted and malformed header values reach the client unchanged.
 */
public final class RecordingOrigin implements AutoCloseable {

	private final ServerSocket serverSocket;

	private final ExecutorService workers = Executors.newCachedThreadPool((runnable) -> {
		Thread thread = new Thread(runnable, "recording-origin");
		thread.setDaemon(true);
		return thread;
	});

	private final Map<String, Function<RecordedRequest, OriginResponse>> scripts = new ConcurrentHashMap<>();

	private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

	private final List<Socket> open = new CopyOnWriteArrayList<>();

	private final AtomicInteger accepted = new AtomicInteger();

	private volatile boolean running = true;

	private RecordingOrigin(ServerSocket serverSocket) {
		this.serverSocket = serverSocket;
		this.workers.execute(this::acceptLoop);
	}

	/**
	 * Start an origin on a free port of the loopback interface.
	 * @return the running origin
	 * @throws IOException if no socket can be bound
	 */
	public static RecordingOrigin start() throws IOException {
		ServerSocket socket = new ServerSocket();
		socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
		return new RecordingOrigin(socket);
	}

	/**
	 * Script the answers to requests for a path.
	 * @param path the request path, without query
	 * @param script computes the response for each request
	 * @return this origin
	 */
	public RecordingOrigin respond(String path, Function<RecordedRequest, OriginResponse> script) {
		this.scripts.put(path, script);
		return this;
	}

	/**
	 * Serve a body with an entity tag: {@code 304} when the request's {@code If-None-Match} names the tag, else
	 * {@code 200} with the body; both carry {@code ETag} and the given {@code Cache-Control}.
	 * @param path the request path
	 * @param etag the entity tag, quotes included
	 * @param cacheControl the {@code Cache-Control} value
	 * @param body the body
	 * @return this origin
	 */
	public RecordingOrigin respondWithETag(String path, String etag, String cacheControl, String body) {
		return respond(path, (request) -> {
			String ifNoneMatch = request.header("If-None-Match");
			OriginResponse response = (ifNoneMatch != null && ifNoneMatch.contains(etag))
					? OriginResponse.notModified() : OriginResponse.ok(body);
			return response.etag(etag).cacheControl(cacheControl);
		});
	}

	/**
	 * Address of a path on this origin.
	 * @param path the path, starting with {@code /}
	 * @return the URI
	 */
	public URI uri(String path) {
		return URI.create(baseUrl() + path);
	}

	/**
	 * Base URL, {@code http://127.0.0.1:port}.
	 * @return the base URL
	 */
	public String baseUrl() {
		return "http://127.0.0.1:" + port();
	}

	/**
	 * Port the origin listens on.
	 * @return the port
	 */
	public int port() {
		return this.serverSocket.getLocalPort();
	}

	/**
	 * Every request received so far, in arrival order.
	 * @return the requests
	 */
	public List<RecordedRequest> requests() {
		return Collections.unmodifiableList(new ArrayList<>(this.requests));
	}

	/**
	 * Requests received for a path.
	 * @param path the path, without query
	 * @return the requests, in arrival order
	 */
	public List<RecordedRequest> requests(String path) {
		return this.requests.stream().filter((request) -> request.path().equals(path)).toList();
	}

	/**
	 * Number of requests received for a path.
	 * @param path the path, without query
	 * @return the count
	 */
	public int requestCount(String path) {
		return requests(path).size();
	}

	/**
	 * Number of TCP connections accepted since start.
	 * @return the count
	 */
	public int acceptedConnections() {
		return this.accepted.get();
	}

	/**
	 * Close every open connection (the origin keeps listening), so clients must reconnect.
	 */
	public void dropConnections() {
		for (Socket socket : this.open) {
			closeQuietly(socket);
		}
	}

	@Override
	public void close() {
		this.running = false;
		closeQuietly(this.serverSocket);
		dropConnections();
		this.workers.shutdownNow();
	}

	private void acceptLoop() {
		while (this.running) {
			try {
				Socket socket = this.serverSocket.accept();
				int connection = this.accepted.incrementAndGet();
				this.open.add(socket);
				this.workers.execute(() -> serve(socket, connection));
			}
			catch (IOException ex) {
				if (!this.running) {
					return;
				}
			}
		}
	}

	private void serve(Socket socket, int connection) {
		try (socket) {
			InputStream in = new BufferedInputStream(socket.getInputStream());
			OutputStream out = new BufferedOutputStream(socket.getOutputStream());
			while (this.running) {
				RecordedRequest request = read(in, connection);
				if (request == null) {
					return;
				}
				this.requests.add(request);
				OriginResponse response = this.scripts.getOrDefault(request.path(),
						(r) -> OriginResponse.status(404).body("no script for " + r.path())).apply(request);
				if (!response.delay().isZero()) {
					Thread.sleep(response.delay().toMillis());
				}
				write(out, request, response);
				if (response.closesConnection() || "close".equalsIgnoreCase(request.header("Connection"))) {
					return;
				}
			}
		}
		catch (IOException ex) {
			// client went away
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.open.remove(socket);
		}
	}

	private static RecordedRequest read(InputStream in, int connection) throws IOException {
		String requestLine = readLine(in);
		if (requestLine == null || requestLine.isEmpty()) {
			return null;
		}
		String[] parts = requestLine.split(" ");
		Map<String, List<String>> headers = new LinkedHashMap<>();
		for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
			int colon = line.indexOf(':');
			if (colon > 0) {
				headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), (k) -> new ArrayList<>())
					.add(line.substring(colon + 1).trim());
			}
		}
		byte[] body = readBody(in, headers);
		return new RecordedRequest(parts[0], (parts.length > 1) ? parts[1] : "/", headers, body, connection);
	}

	private static byte[] readBody(InputStream in, Map<String, List<String>> headers) throws IOException {
		List<String> length = headers.get("content-length");
		if (length != null) {
			return in.readNBytes(Integer.parseInt(length.get(0)));
		}
		List<String> encoding = headers.get("transfer-encoding");
		if (encoding != null && encoding.get(0).toLowerCase(Locale.ROOT).contains("chunked")) {
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			for (int size = chunkSize(readLine(in)); size > 0; size = chunkSize(readLine(in))) {
				body.write(in.readNBytes(size));
				readLine(in);
			}
			for (String trailer = readLine(in); trailer != null && !trailer.isEmpty(); trailer = readLine(in)) {
				// trailers are not recorded
			}
			return body.toByteArray();
		}
		return new byte[0];
	}

	private static int chunkSize(String line) {
		if (line == null) {
			return 0;
		}
		int extension = line.indexOf(';');
		return Integer.parseInt((extension >= 0) ? line.substring(0, extension).trim() : line.trim(), 16);
	}

	private static String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream(64);
		int b;
		while ((b = in.read()) != -1) {
			if (b == '\n') {
				byte[] bytes = line.toByteArray();
				int end = (bytes.length > 0 && bytes[bytes.length - 1] == '\r') ? bytes.length - 1 : bytes.length;
				return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
			}
			line.write(b);
		}
		return (line.size() > 0) ? line.toString(StandardCharsets.ISO_8859_1) : null;
	}

	private static void write(OutputStream out, RecordedRequest request, OriginResponse response) throws IOException {
		StringBuilder head = new StringBuilder(256);
		head.append("HTTP/1.1 ").append(response.statusCode()).append(' ').append(reason(response.statusCode()))
			.append("\r\n");
		boolean hasDate = false;
		for (Map.Entry<String, String> header : response.headers()) {
			head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
			hasDate |= header.getKey().equalsIgnoreCase("Date");
		}
		if (!hasDate) {
			head.append("Date: ").append(OriginResponse.httpDate(Instant.now())).append("\r\n");
		}
		boolean bodyAllowed = response.statusCode() != 304 && response.statusCode() != 204
				&& response.statusCode() >= 200;
		if (bodyAllowed) {
			head.append("Content-Length: ").append(response.contentLength()).append("\r\n");
		}
		head.append("\r\n");
		out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
		if (bodyAllowed && !"HEAD".equals(request.method())) {
			response.bodyWriter().write(out);
		}
		out.flush();
	}

	private static String reason(int status) {
		return switch (status) {
			case 200 -> "OK";
			case 304 -> "Not Modified";
			case 404 -> "Not Found";
			case 429 -> "Too Many Requests";
			case 500 -> "Internal Server Error";
			case 503 -> "Service Unavailable";
			default -> "Status";
		};
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// closing anyway
		}
	}

}
