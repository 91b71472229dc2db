package dev.resilience.shedding;

import org.springframework.boot.web.server.WebServer;

/**
 * Reads the worker pool of one kind of embedded server once it has started.
 */
@FunctionalInterface
public interface WorkerPoolProbe {

	/**
	 * Read the server's worker pool.
	 * @param webServer the started server
	 * @return the pool, or {@code null} if this probe does not know this kind of server
	 */
	WorkerPool probe(WebServer webServer);

	/**
	 * Worker pool of a running server.
	 *
	 * @param server name of the server, for logs
	 * @param maxThreads maximum number of threads serving requests, or 0 if the pool is unbounded (virtual threads)
	 */
	record WorkerPool(String server, int maxThreads) {

		/**
		 * Whether the pool has a maximum size.
		 * @return {@code true} if {@link #maxThreads()} bounds it
		 */
		public boolean isBounded() {
			return this.maxThreads > 0;
		}

	}

}
