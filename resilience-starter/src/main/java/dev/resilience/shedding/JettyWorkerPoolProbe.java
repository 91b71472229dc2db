package dev.resilience.shedding;

import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ThreadPool;

import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.web.server.WebServer;

/**
 * Reads Jetty's thread pool. Jetty's acceptor and selector threads come out of the same pool and are busy for the
 * server's whole life, so they are subtracted: what is left is what requests can use.
 */
public class JettyWorkerPoolProbe implements WorkerPoolProbe {

	@Override
	public WorkerPool probe(WebServer webServer) {
		if (!(webServer instanceof JettyWebServer jetty)) {
			return null;
		}
		ThreadPool pool = jetty.getServer().getThreadPool();
		if (pool instanceof QueuedThreadPool queued) {
			if (queued.getVirtualThreadsExecutor() != null) {
				return new WorkerPool("Jetty", 0);
			}
			return new WorkerPool("Jetty", Math.max(1, queued.getMaxThreads() - queued.getLeasedThreads()));
		}
		if (pool instanceof ThreadPool.SizedThreadPool sized) {
			return new WorkerPool("Jetty", sized.getMaxThreads());
		}
		return new WorkerPool("Jetty", 0);
	}

}
