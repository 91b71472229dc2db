package dev.resilience.test.redis;

import java.util.function.Supplier;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit Jupiter extension that runs a {@link RedisServer} for a test class (registered on a {@code static} field) or
 * for each test (on an instance field), and injects it into test and lifecycle methods that declare a
 * {@code RedisServer} parameter.
 *
 * <pre class="code">
 * &#064;SpringBootTest
 * class CacheTests {
 *
 *     &#064;RegisterExtension
 *     static final RedisServerExtension redis = new RedisServerExtension();
 *
 *     &#064;DynamicPropertySource
 *     static void redisProperties(DynamicPropertyRegistry registry) {
 *         registry.add("spring.data.redis.host", redis::host);
 *         registry.add("spring.data.redis.port", redis::port);
 *     }
 *
 * }
 * </pre>
 *
 * Before each test, a server that an earlier test of the class {@linkplain RedisServer#pause() paused} is resumed
 * and one it {@linkplain RedisServer#kill() killed} is restarted (empty, on the same port), so that every test starts
 * with a server that answers; data written by earlier tests of the class is otherwise kept.
 */
public final class RedisServerExtension
		implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback, ParameterResolver {

	private final Supplier<RedisExecutable> executable;

	private volatile RedisServer server;

	private volatile String owner;

	/**
	 * Run the {@code redis-server} of {@link RedisExecutable#find()}.
	 */
	public RedisServerExtension() {
		this(RedisExecutable::find);
	}

	/**
	 * Run a given {@code redis-server} binary.
	 * @param executable the binary
	 */
	public RedisServerExtension(RedisExecutable executable) {
		this(() -> executable);
	}

	private RedisServerExtension(Supplier<RedisExecutable> executable) {
		this.executable = executable;
	}

	/**
	 * Running server.
	 * @return the server
	 * @throws IllegalStateException outside a test's lifecycle
	 */
	public RedisServer server() {
		RedisServer current = this.server;
		if (current == null) {
			throw new IllegalStateException("No redis-server: use it within a test's lifecycle, registered with "
					+ "@RegisterExtension");
		}
		return current;
	}

	/**
	 * Host of the running server.
	 * @return {@code 127.0.0.1}
	 */
	public String host() {
		return server().host();
	}

	/**
	 * Port of the running server.
	 * @return the port
	 */
	public int port() {
		return server().port();
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		startFor(context);
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		if (!startFor(context)) {
			RedisServer current = this.server;
			switch (current.state()) {
				case PAUSED -> current.resume();
				case KILLED -> current.restart();
				default -> {
				}
			}
		}
	}

	@Override
	public void afterEach(ExtensionContext context) {
		stopFor(context);
	}

	@Override
	public void afterAll(ExtensionContext context) {
		stopFor(context);
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == RedisServer.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return server();
	}

	private synchronized boolean startFor(ExtensionContext context) {
		if (this.server != null) {
			return false;
		}
		this.server = RedisServer.start(this.executable.get());
		this.owner = context.getUniqueId();
		return true;
	}

	private synchronized void stopFor(ExtensionContext context) {
		if (this.server != null && context.getUniqueId().equals(this.owner)) {
			RedisServer current = this.server;
			this.server = null;
			this.owner = null;
			current.close();
		}
	}

}
