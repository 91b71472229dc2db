package dev.resilience.sample.weather;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.springframework.beans.factory.DisposableBean;

/**
 * The upstream the sample calls: a small weather feed on its own loopback port, started with the application. Every
 * forecast carries {@code Cache-Control: max-age} and an {@code ETag}; a forecast changes once per
 * {@code revision-period}, and a request whose {@code If-None-Match} names the current tag gets {@code 304}. Counts
 * what it serves, so the sample can show what the shared cache saved.
 */
public class WeatherFeed implements DisposableBean {

	private final Duration maxAge;

	private final Duration revisionPeriod;

	private final AtomicLong fullResponses = new AtomicLong();

	private final AtomicLong notModified = new AtomicLong();

	private final HttpServer server;

	private final ExecutorService executor = Executors.newFixedThreadPool(4);

	/**
	 * Bind the feed's port and start serving. The feed lives as long as the bean, not as the context's lifecycle:
	 * a JDK {@code HttpServer} cannot start again once stopped, and a stopped and restarted context (as the test
	 * framework's context cache does) must find its upstream where the {@code RestClient} was told it is.
	 * @param maxAge {@code Cache-Control} max-age of every forecast
	 * @param revisionPeriod how often a forecast and its entity tag change
	 * @throws IOException if no loopback port can be bound
	 */
	public WeatherFeed(Duration maxAge, Duration revisionPeriod) throws IOException {
		this.maxAge = maxAge;
		this.revisionPeriod = revisionPeriod;
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		this.server.setExecutor(this.executor);
		this.server.createContext("/forecast/", this::forecast);
		this.server.start();
	}

	@Override
	public void destroy() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}


	/**
	 * Base URL of the feed, {@code http://127.0.0.1:port}.
	 * @return the base URL
	 */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	/**
	 * Forecasts sent in full ({@code 200}).
	 * @return the count
	 */
	public long fullResponses() {
		return this.fullResponses.get();
	}

	/**
	 * Revalidations answered with {@code 304}.
	 * @return the count
	 */
	public long notModifiedResponses() {
		return this.notModified.get();
	}

	private void forecast(HttpExchange exchange) throws IOException {
		String city = exchange.getRequestURI().getPath().substring("/forecast/".length());
		long revision = Instant.now().getEpochSecond() / Math.max(1, this.revisionPeriod.toSeconds());
		String etag = "\"" + city.hashCode() + "-" + revision + "\"";
		exchange.getResponseHeaders().add("Cache-Control", "max-age=" + this.maxAge.toSeconds());
		exchange.getResponseHeaders().add("ETag", etag);
		String ifNoneMatch = exchange.getRequestHeaders().getFirst("If-None-Match");
		if (etag.equals(ifNoneMatch)) {
			this.notModified.incrementAndGet();
			exchange.sendResponseHeaders(304, -1);
			exchange.close();
			return;
		}
		this.fullResponses.incrementAndGet();
		int temperature = Math.floorMod(city.hashCode() + (int) revision, 30) - 5;
		byte[] body = ("{\"city\":\"" + city.replace("\"", "") + "\",\"temperatureCelsius\":" + temperature
				+ ",\"revision\":" + revision + "}")
			.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().add("Content-Type", "application/json");
		exchange.sendResponseHeaders(200, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

}
