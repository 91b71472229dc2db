package dev.resilience.benchmarks.overload;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends GET requests to one URI at a fixed rate: request {@code i} is due at {@code start + i / rate} whatever
 * happened to the requests before it (an open-loop arrival model, like users who do not wait for each other). A
 * generator that falls behind sends what is overdue at once, and the delay still counts in the latency.
 */
final class OpenLoopStream {

	private final HttpClient client;

	private final HttpRequest request;

	private final double ratePerSecond;

	private final long timeoutMillis;

	OpenLoopStream(HttpClient client, URI uri, double ratePerSecond, Duration timeout) {
		this.client = client;
		this.request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
		this.ratePerSecond = ratePerSecond;
		this.timeoutMillis = timeout.toMillis();
	}

	/**
	 * Start sending, on a thread of its own.
	 * @param duration how long to send for
	 * @return the recording that the responses are written to
	 */
	Recording start(Duration duration) {
		int requests = (int) Math.round(this.ratePerSecond * duration.toNanos() / 1e9);
		Recording recording = new Recording(requests, duration);
		Thread sender = new Thread(() -> send(recording), "open-loop " + this.request.uri().getPath());
		sender.setDaemon(true);
		sender.start();
		return recording;
	}

	private void send(Recording recording) {
		double intervalNanos = 1e9 / this.ratePerSecond;
		long start = System.nanoTime();
		for (int i = 0; i < recording.requests(); i++) {
			long intended = start + Math.round(i * intervalNanos);
			long wait;
			while ((wait = intended - System.nanoTime()) > 0) {
				LockSupport.parkNanos(wait);
			}
			recording.sent(i, System.nanoTime() - intended);
			int request = i;
			try {
				// the client's own timeout is checked by its busy selector thread and can fire seconds late
				this.client.sendAsync(this.request, BodyHandlers.discarding())
					.orTimeout(this.timeoutMillis, TimeUnit.MILLISECONDS)
					.whenComplete((response, failure) -> recording.completed(request, System.nanoTime() - intended,
							Outcome.of(response, failure)));
			}
			catch (RuntimeException ex) {
				recording.completed(request, System.nanoTime() - intended, Outcome.IO_ERROR);
			}
		}
	}

}
