package dev.resilience.test.redis;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * {@link RedisServerExtension} run through the JUnit Platform on example test classes.
 */
class RedisServerExtensionTests {

	static final List<RedisServer> seen = new CopyOnWriteArrayList<>();

	@Test
	void staticFieldSharesOneServerAcrossTheClassHealsItBetweenTestsAndClosesItAfterwards() {
		seen.clear();
		run(ClassLevel.class, 3);
		assertThat(seen).hasSize(3);
		assertThat(seen).allSatisfy((server) -> assertThat(server).isSameAs(seen.get(0)));
		assertThat(seen.get(0).state()).isEqualTo(RedisServer.State.CLOSED);
	}

	@Test
	void instanceFieldGivesEachTestItsOwnServer() {
		seen.clear();
		run(MethodLevel.class, 2);
		assertThat(seen).hasSize(2);
		assertThat(seen.get(0)).isNotSameAs(seen.get(1));
		assertThat(seen).allSatisfy((server) -> assertThat(server.state()).isEqualTo(RedisServer.State.CLOSED));
	}

	private static void run(Class<?> testClass, int tests) {
		EngineTestKit.engine("junit-jupiter")
			.selectors(selectClass(testClass))
			.execute()
			.testEvents()
			.assertStatistics((stats) -> stats.started(tests).succeeded(tests));
	}

	@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
	static class ClassLevel {

		@RegisterExtension
		static final RedisServerExtension redis = new RedisServerExtension();

		@Test
		@Order(1)
		void paused(RedisServer server) {
			assertThat(server).isSameAs(redis.server());
			assertThat(server.ping()).isTrue();
			seen.add(server);
			server.pause();
		}

		@Test
		@Order(2)
		void resumedThenKilled(RedisServer server) {
			assertThat(server.ping()).isTrue();
			seen.add(server);
			server.kill();
		}

		@Test
		@Order(3)
		void restarted(RedisServer server) {
			assertThat(server.ping()).isTrue();
			assertThat(server.port()).isEqualTo(redis.port());
			seen.add(server);
		}

	}

	static class MethodLevel {

		@RegisterExtension
		final RedisServerExtension redis = new RedisServerExtension();

		@Test
		void first() {
			assertThat(this.redis.server().ping()).isTrue();
			seen.add(this.redis.server());
		}

		@Test
		void second(RedisServer server) {
			assertThat(server.ping()).isTrue();
			seen.add(server);
		}

	}

}
