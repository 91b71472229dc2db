package dev.resilience.test.redis;

import java.io.File;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@link RedisServer} against a real Lettuce client: what a test of a Redis-backed feature relies on.
 */
class RedisServerTests {

	private static final Duration HANG_BOUND = Duration.ofSeconds(30);

	private RedisClient client;

	@AfterEach
	void shutDownClient() {
		if (this.client != null) {
			this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}
	}

	@Test
	void startsFromThePathWhenItHasOneElseFromTheEmbeddedBinary() {
		try (RedisServer redis = RedisServer.start()) {
			RedisExecutable.Source expected = RedisExecutable.onPath().isPresent() ? RedisExecutable.Source.PATH
					: RedisExecutable.Source.EMBEDDED;
			assertThat(redis.executable().source()).isEqualTo(expected);
			assertThat(redis.ping()).isTrue();
			assertThat(redis.version()).matches("\\d+\\.\\d+\\.\\d+");
			assertThat(redis.state()).isEqualTo(RedisServer.State.RUNNING);
			RedisCommands<String, String> commands = connect(redis, Duration.ofSeconds(5)).sync();
			assertThat(commands.set("city", "Lyon")).isEqualTo("OK");
			assertThat(commands.get("city")).isEqualTo("Lyon");
			assertThat(commands.info("server")).contains("redis_version:" + redis.version());
		}
	}

	@Test
	void redisServerOnThePathIsPreferredToTheEmbeddedOne(@TempDir Path directory) throws Exception {
		Path onPath = Files.createDirectory(directory.resolve("bin")).resolve("redis-server");
		Files.copy(RedisExecutable.embedded().path(), onPath);
		assertThat(onPath.toFile().setExecutable(true)).isTrue();
		String searchPath = directory.resolve("missing") + File.pathSeparator + onPath.getParent();
		RedisExecutable found = RedisExecutable.find(searchPath);
		assertThat(found.source()).isEqualTo(RedisExecutable.Source.PATH);
		assertThat(found.path()).isEqualTo(onPath.toAbsolutePath());
		try (RedisServer redis = RedisServer.start(found)) {
			assertThat(redis.ping()).isTrue();
		}
		assertThat(RedisExecutable.find(directory.resolve("missing").toString()).source())
			.isEqualTo(RedisExecutable.Source.EMBEDDED);
	}

	@Test
	void embeddedBinaryRunsAndPersistsNothing() {
		try (RedisServer redis = RedisServer.start(RedisExecutable.embedded())) {
			assertThat(redis.executable().source()).isEqualTo(RedisExecutable.Source.EMBEDDED);
			assertThat(redis.version()).startsWith("6.2.");
			RedisCommands<String, String> commands = connect(redis, Duration.ofSeconds(5)).sync();
			assertThat(commands.configGet("save")).containsEntry("save", "");
			assertThat(commands.configGet("appendonly")).containsEntry("appendonly", "no");
			assertThat(commands.configGet("bind")).containsEntry("bind", "127.0.0.1");
		}
	}

	@Test
	void pauseMakesAClientTimeOutAndResumeRecovers() {
		try (RedisServer redis = RedisServer.start()) {
			RedisCommands<String, String> commands = connect(redis, Duration.ofMillis(500)).sync();
			commands.set("city", "Lyon");
			redis.pause();
			assertThat(redis.state()).isEqualTo(RedisServer.State.PAUSED);
			assertThat(redis.ping()).isFalse();
			assertTimeoutPreemptively(HANG_BOUND, () -> assertThatExceptionOfType(RedisCommandTimeoutException.class)
				.isThrownBy(() -> commands.get("city")));
			redis.resume();
			assertThat(redis.state()).isEqualTo(RedisServer.State.RUNNING);
			assertThat(commands.get("city")).isEqualTo("Lyon");
		}
	}

	@Test
	void killRefusesConnectionsAndRestartGivesAnEmptyServerOnTheSamePort() throws Exception {
		try (RedisServer redis = RedisServer.start()) {
			int port = redis.port();
			long pid = redis.pid();
			connect(redis, Duration.ofSeconds(5)).sync().set("city", "Lyon");
			redis.kill();
			assertThat(redis.state()).isEqualTo(RedisServer.State.KILLED);
			assertReaped(pid);
			assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> {
				try (Socket socket = new Socket()) {
					socket.connect(new InetSocketAddress(redis.host(), port), 5000);
				}
			});
			redis.restart();
			assertThat(redis.port()).isEqualTo(port);
			assertThat(redis.pid()).isNotEqualTo(pid);
			RedisCommands<String, String> commands = connect(redis, Duration.ofSeconds(5)).sync();
			assertThat(commands.dbsize()).isZero();
			assertThat(commands.get("city")).isNull();
		}
	}

	@Test
	void restartOfAPausedServerReplacesIt() {
		try (RedisServer redis = RedisServer.start()) {
			long pid = redis.pid();
			redis.pause();
			redis.restart();
			assertReaped(pid);
			assertThat(redis.ping()).isTrue();
		}
	}

	@Test
	void closeReapsTheProcess() {
		RedisServer redis = RedisServer.start();
		long pid = redis.pid();
		redis.close();
		assertThat(redis.state()).isEqualTo(RedisServer.State.CLOSED);
		assertReaped(pid);
		redis.close();
	}

	@Test
	void closeReapsAPausedProcess() {
		RedisServer redis = RedisServer.start();
		long pid = redis.pid();
		redis.pause();
		assertTimeoutPreemptively(HANG_BOUND, redis::close);
		assertReaped(pid);
	}

	@Test
	void closedServerCannotBeRestarted() {
		RedisServer redis = RedisServer.start();
		redis.close();
		assertThatIllegalStateException().isThrownBy(redis::restart);
		assertThatIllegalStateException().isThrownBy(redis::pause);
	}

	@Test
	void embeddedResourceNamesTheBinaryForEachPlatform() {
		assertThat(RedisExecutable.embeddedResource("Linux", "amd64")).isEqualTo("redis-server-6.2.6-v5-linux-amd64");
		assertThat(RedisExecutable.embeddedResource("Linux", "aarch64")).isEqualTo("redis-server-6.2.7-linux-arm64");
		assertThat(RedisExecutable.embeddedResource("Mac OS X", "aarch64"))
			.isEqualTo("redis-server-6.2.6-v5-darwin-arm64");
		assertThat(RedisExecutable.embeddedResource("Mac OS X", "x86_64"))
			.isEqualTo("redis-server-6.2.6-v5-darwin-amd64");
		assertThatIllegalStateException().isThrownBy(() -> RedisExecutable.embeddedResource("Windows 11", "amd64"))
			.withMessageContaining("PATH");
		for (String resource : new String[] { "redis-server-6.2.6-v5-linux-amd64", "redis-server-6.2.7-linux-arm64",
				"redis-server-6.2.7-linux-386", "redis-server-6.2.6-v5-darwin-amd64",
				"redis-server-6.2.6-v5-darwin-arm64" }) {
			assertThat(getClass().getClassLoader().getResource(resource)).as(resource).isNotNull();
		}
	}

	private StatefulRedisConnection<String, String> connect(RedisServer redis, Duration timeout) {
		if (this.client != null) {
			this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}
		RedisURI uri = RedisURI.create(redis.url());
		uri.setTimeout(timeout);
		this.client = RedisClient.create(uri);
		return this.client.connect();
	}

	/**
	 * The process is gone, not a zombie: nobody else reaps a child of this JVM.
	 */
	private static void assertReaped(long pid) {
		assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("process %d", pid).isEmpty();
		Path proc = Path.of("/proc");
		if (Files.isDirectory(proc)) {
			assertThat(proc.resolve(String.valueOf(pid))).as("/proc entry of %d", pid).doesNotExist();
		}
	}

}
