package dev.resilience.test.instances;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Several instances of one Spring Boot application in this JVM, each on its own random port on the loopback
 * interface, as replicas behind a load balancer would run: for tests of state the instances share (a Redis they all
 * use). Closing closes every instance that was started.
 *
 * <pre class="code">
 * try (RedisServer redis = RedisServer.start();
 *         ApplicationInstances instances = ApplicationInstances.of(MyApplication.class)
 *             .properties(redis.springDataRedisProperties())
 *             .properties("resilience.etag.store=redis", "resilience.etag.secret=test")) {
 *     ApplicationInstances.Instance a = instances.start();
 *     ApplicationInstances.Instance b = instances.start();
 *     // requests to a.uri("/things/1") and b.uri("/things/1")
 * }
 * </pre>
 *
 * Every instance gets {@code server.port=0}, {@code server.address=127.0.0.1}, {@code server.shutdown=immediate} and
 * no banner, then the common properties, then its own (a later value of a property replaces an earlier one). They are passed as command-line arguments, so they take
 * precedence over the application's configuration files (a test can undo a {@code spring.autoconfigure.exclude}).
 */
public final class ApplicationInstances implements AutoCloseable {

	private final Class<?>[] sources;

	private final List<String> properties = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
			"server.shutdown=immediate", "spring.main.banner-mode=off"));

	private final List<Instance> started = new ArrayList<>();

	private ApplicationInstances(Class<?>[] sources) {
		this.sources = sources;
	}

	/**
	 * Instances of an application.
	 * @param sources the application's sources, as for {@link SpringApplicationBuilder}
	 * @return the instances, none started yet
	 */
	public static ApplicationInstances of(Class<?>... sources) {
		if (sources.length == 0) {
			throw new IllegalArgumentException("sources must not be empty");
		}
		return new ApplicationInstances(sources.clone());
	}

	/**
	 * Add properties that every instance started from now on gets.
	 * @param properties {@code key=value} pairs
	 * @return this
	 */
	public ApplicationInstances properties(String... properties) {
		this.properties.addAll(Arrays.asList(properties));
		return this;
	}

	/**
	 * Start one more instance.
	 * @param properties {@code key=value} pairs for this instance only, applied after the common ones
	 * @return the running instance
	 */
	public synchronized Instance start(String... properties) {
		// a later value of the same property replaces an earlier one
		Map<String, String> all = new LinkedHashMap<>();
		for (List<String> list : List.of(this.properties, Arrays.asList(properties))) {
			for (String property : list) {
				int equals = property.indexOf('=');
				if (equals < 1) {
					throw new IllegalArgumentException("property '" + property + "' is not of the form key=value");
				}
				all.put(property.substring(0, equals), property);
			}
		}
		ConfigurableApplicationContext context = new SpringApplicationBuilder(this.sources)
			.run(all.values().stream().map((property) -> "--" + property).toArray(String[]::new));
		Instance instance = new Instance(context);
		this.started.add(instance);
		return instance;
	}

	/**
	 * Start several instances with the common properties.
	 * @param count how many
	 * @return the running instances, in the order they started
	 */
	public List<Instance> start(int count) {
		List<Instance> instances = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			instances.add(start());
		}
		return instances;
	}

	/**
	 * Instances started so far, in the order they started, closed ones included.
	 * @return the instances
	 */
	public synchronized List<Instance> started() {
		return List.copyOf(this.started);
	}

	/**
	 * Close every instance, last started first.
	 */
	@Override
	public synchronized void close() {
		RuntimeException failure = null;
		for (int i = this.started.size() - 1; i >= 0; i--) {
			try {
				this.started.get(i).close();
			}
			catch (RuntimeException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	/**
	 * One running instance.
	 */
	public static final class Instance implements AutoCloseable {

		private final ConfigurableApplicationContext context;

		private final int port;

		Instance(ConfigurableApplicationContext context) {
			this.context = context;
			this.port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		}

		/**
		 * Port the instance's web server listens on.
		 * @return the port
		 */
		public int port() {
			return this.port;
		}

		/**
		 * Address of a path on this instance.
		 * @param path the path, starting with {@code /}
		 * @return the address
		 */
		public URI uri(String path) {
			return URI.create("http://127.0.0.1:" + this.port + path);
		}

		/**
		 * The instance's application context.
		 * @return the context
		 */
		public ConfigurableApplicationContext context() {
			return this.context;
		}

		/**
		 * A bean of the instance.
		 * @param <T> the bean type
		 * @param type the bean type
		 * @return the bean
		 */
		public <T> T bean(Class<T> type) {
			return this.context.getBean(type);
		}

		/**
		 * Close the instance (idempotent).
		 */
		@Override
		public void close() {
			this.context.close();
		}

	}

}
