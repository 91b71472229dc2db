package dev.resilience.test.shedding;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.resilience.shedding.PressureGauge;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;

/**
 * Puts the real embedded server under worker-pool pressure: each {@link Hold} sends requests over loopback that
 * occupy a worker thread each until the hold is closed. The requests go through the whole servlet stack, so the
 * starter sees exactly the pressure production traffic would cause.
 *
 * <p>Obtain it with {@link AutoConfigureWorkerPoolPressure}.
 */
public class WorkerPoolPressure implements ApplicationListener<WebServerInitializedEvent> {

	static final String HOLD_PATH = "/resilience-test/hold";

	private static final Duration ARRIVAL_TIMEOUT = Duration.ofSeconds(30);

	private final PressureGauge gauge;

	private final Map<String, Hold> holds = new ConcurrentHashMap<>();

	private final AtomicLong ids = new AtomicLong();

	private volatile int port = -1;

	WorkerPoolPressure(PressureGauge gauge) {
		this.gauge = gauge;
	}

	@Override
	public void onApplicationEvent(WebServerInitializedEvent event) {
		if (event.getApplicationContext().getServerNamespace() == null) {
			this.port = event.getWebServer().getPort();
		}
	}

	/**
	 * Occupy a number of worker threads until the returned hold is closed. Returns once every request is on a
	 * worker thread.
	 * @param workers how many worker threads to occupy; must be below the server's pool size
	 * @return the hold, to close when done
	 * @throws IllegalStateException if the requests do not all reach a worker thread within 30 seconds
	 */
	public Hold hold(int workers) {
		if (this.port <= 0) {
			throw new IllegalStateException("No embedded server has started: use @SpringBootTest(webEnvironment = "
					+ "RANDOM_PORT) or DEFINED_PORT with @AutoConfigureWorkerPoolPressure");
		}
		Hold hold = new Hold(Long.toString(this.ids.incrementAndGet()), workers);
		this.holds.put(hold.id, hold);
		hold.start(this.port);
		return hold;
	}

	/**
	 * Occupy just enough worker threads that the next request sees pressure at or above a threshold, so that a
	 * {@code @Sheddable} endpoint with that threshold is shed.
	 * @param threshold the threshold in {@code (0, 1]}
	 * @return the hold, to close when done
	 */
	public Hold reach(double threshold) {
		return hold(Math.max(0, (int) Math.ceil(threshold * capacity()) - 1));
	}

	/**
	 * Occupy as many worker threads as possible while the next request still sees pressure below a threshold, so
	 * that a {@code @Sheddable} endpoint with that threshold is just not shed.
	 * @param threshold the threshold in {@code (0, 1]}
	 * @return the hold, to close when done
	 */
	public Hold justBelow(double threshold) {
		return hold(Math.max(0, (int) Math.ceil(threshold * capacity()) - 2));
	}

	/**
	 * Worker capacity that the starter measures pressure against.
	 * @return the capacity
	 */
	public int capacity() {
		if (this.gauge == null) {
			throw new IllegalStateException("Load shedding is not active in this application context "
					+ "(resilience.shedding.enabled=false, or not a servlet web application)");
		}
		return this.gauge.capacity().size();
	}

	Hold find(String id) {
		return (id != null) ? this.holds.get(id) : null;
	}

	/**
	 * Worker threads held busy; closing it lets them finish and waits until they have.
	 */
	public final class Hold implements AutoCloseable {

		private final String id;

		private final int workers;

		private final Semaphore arrived = new Semaphore(0);

		private final CountDownLatch released = new CountDownLatch(1);

		private final List<CompletableFuture<HttpResponse<Void>>> responses = new ArrayList<>();

		private ExecutorService executor;

		private Hold(String id, int workers) {
			if (workers < 0) {
				throw new IllegalArgumentException("workers must not be negative, was " + workers);
			}
			this.id = id;
			this.workers = workers;
		}

		/**
		 * Number of worker threads this hold occupies.
		 * @return the count
		 */
		public int workers() {
			return this.workers;
		}

		private void start(int port) {
			if (this.workers == 0) {
				return;
			}
			this.executor = Executors.newCachedThreadPool((runnable) -> {
				Thread thread = new Thread(runnable, "worker-pool-pressure-" + this.id);
				thread.setDaemon(true);
				return thread;
			});
			HttpClient client = HttpClient.newBuilder()
				.version(HttpClient.Version.HTTP_1_1)
				.executor(this.executor)
				.build();
			HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + HOLD_PATH
					+ "?hold=" + this.id)).timeout(Duration.ofMinutes(5)).build();
			for (int i = 0; i < this.workers; i++) {
				this.responses.add(client.sendAsync(request, HttpResponse.BodyHandlers.discarding()));
			}
			try {
				if (!this.arrived.tryAcquire(this.workers, ARRIVAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
					int reached = this.arrived.availablePermits();
					close();
					throw new IllegalStateException("Only " + reached + " of " + this.workers
							+ " requests reached a worker thread within " + ARRIVAL_TIMEOUT.toSeconds()
							+ "s: is the worker pool smaller than that?");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				close();
				throw new IllegalStateException("Interrupted while occupying worker threads", ex);
			}
		}

		void occupy() {
			this.arrived.release();
			try {
				this.released.await(5, TimeUnit.MINUTES);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		/**
		 * Let the held requests finish and wait until their responses have arrived.
		 */
		@Override
		public void close() {
			this.released.countDown();
			try {
				CompletableFuture.allOf(this.responses.toArray(CompletableFuture[]::new))
					.get(30, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				// a response that failed still released its worker thread
			}
			finally {
				WorkerPoolPressure.this.holds.remove(this.id);
				if (this.executor != null) {
					this.executor.shutdownNow();
				}
			}
		}

	}

}
