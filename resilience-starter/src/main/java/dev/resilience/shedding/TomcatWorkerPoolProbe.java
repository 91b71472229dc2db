package dev.resilience.shedding;

import java.util.concurrent.Executor;

import org.apache.catalina.connector.Connector;

import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.WebServer;

/**
 * Reads the worker pools of Tomcat's connectors: the sum of their maximum sizes, or unbounded if any connector runs
 * requests on an executor without a maximum (Tomcat's {@code VirtualThreadExecutor}).
 */
public class TomcatWorkerPoolProbe implements WorkerPoolProbe {

	@Override
	public WorkerPool probe(WebServer webServer) {
		if (!(webServer instanceof TomcatWebServer tomcat)) {
			return null;
		}
		int maxThreads = 0;
		for (Connector connector : tomcat.getTomcat().getService().findConnectors()) {
			int connectorMax = maxThreads(connector.getProtocolHandler().getExecutor());
			if (connectorMax <= 0) {
				return new WorkerPool("Tomcat", 0);
			}
			maxThreads += connectorMax;
		}
		return new WorkerPool("Tomcat", maxThreads);
	}

	private static int maxThreads(Executor executor) {
		if (executor instanceof org.apache.tomcat.util.threads.ThreadPoolExecutor pool) {
			return pool.getMaximumPoolSize();
		}
		if (executor instanceof java.util.concurrent.ThreadPoolExecutor pool) {
			return pool.getMaximumPoolSize();
		}
		return 0;
	}

}
