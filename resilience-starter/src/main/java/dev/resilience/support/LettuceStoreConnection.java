package dev.resilience.support;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnection;

/**
 * The native asynchronous Lettuce commands of the application's {@link RedisConnectionFactory}, for a store whose
 * every call must be bounded by a {@link RemoteStoreGuard}'s timeout (a blocking Spring Data Redis call would wait for
 * the application's own command timeout). The connection is the factory's shared one unless the factory is configured
 * not to share it, and is obtained on first use, so that a Redis that is down at startup does not fail the
 * application.
 */
public final class LettuceStoreConnection {

	private final RedisConnectionFactory connectionFactory;

	private final String property;

	private volatile @Nullable RedisClusterAsyncCommands<byte[], byte[]> commands;

	/**
	 * Create a connection.
	 * @param connectionFactory the application's connection factory
	 * @param property the property that chose Redis, named when the factory is not a Lettuce one
	 */
	public LettuceStoreConnection(RedisConnectionFactory connectionFactory, String property) {
		this.connectionFactory = connectionFactory;
		this.property = property;
	}

	/**
	 * The asynchronous commands, connecting on first use.
	 * @return the commands
	 * @throws IllegalStateException if the factory's connections are not Lettuce ones
	 */
	public RedisClusterAsyncCommands<byte[], byte[]> commands() {
		RedisClusterAsyncCommands<byte[], byte[]> commands = this.commands;
		if (commands == null) {
			synchronized (this) {
				commands = this.commands;
				if (commands == null) {
					if (!(this.connectionFactory.getConnection() instanceof LettuceConnection connection)) {
						throw new IllegalStateException(this.property + "=redis needs a Lettuce connection");
					}
					commands = connection.getNativeConnection();
					this.commands = commands;
				}
			}
		}
		return commands;
	}

	/**
	 * Run a script by {@code EVALSHA}, and by {@code EVAL} if Redis has lost it, which loads it again.
	 * @param <T> the type of the reply
	 * @param script the script
	 * @param keys its keys
	 * @param args its arguments
	 * @return the pending reply
	 */
	public <T> CompletableFuture<T> evaluate(RedisScript script, byte[][] keys, byte[]... args) {
		RedisClusterAsyncCommands<byte[], byte[]> commands = commands();
		CompletableFuture<T> result = commands.<T>evalsha(script.sha(), script.output(), keys, args)
			.toCompletableFuture();
		return result.exceptionallyCompose((ex) -> (unwrap(ex) instanceof RedisNoScriptException)
				? commands.<T>eval(script.body(), script.output(), keys, args).toCompletableFuture()
				: CompletableFuture.failedFuture(unwrap(ex)));
	}

	private static Throwable unwrap(Throwable ex) {
		return (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
	}

}
