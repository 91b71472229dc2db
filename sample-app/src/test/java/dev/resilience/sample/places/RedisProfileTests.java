package dev.resilience.sample.places;

import java.net.http.HttpResponse;

import dev.resilience.sample.SampleApplication;
import dev.resilience.test.etag.ConditionalRequests;
import dev.resilience.test.instances.ApplicationInstances;
import dev.resilience.test.instances.ApplicationInstances.Instance;
import dev.resilience.test.redis.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.resilience.test.etag.ConditionalRequests.assertETag;
import static dev.resilience.test.etag.ConditionalRequests.assertFullResponse;
import static dev.resilience.test.etag.ConditionalRequests.assertNotModified;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances of the sample with the {@code redis} profile against one real {@code redis-server}: what the README
 * shows with two terminals.
 */
class RedisProfileTests {

	private static final String CASTLE = "{\"id\":\"castle\",\"name\":\"Castle\",\"district\":\"Hradcany\","
			+ "\"category\":\"landmark\",\"capacity\":%d}";

	private RedisServer redis;

	private ApplicationInstances instances;

	@BeforeEach
	void start() {
		this.redis = RedisServer.start();
		this.instances = ApplicationInstances.of(SampleApplication.class)
			.properties(this.redis.springDataRedisProperties())
			.properties("spring.profiles.active=redis", "server.port=0");
	}

	@AfterEach
	void stop() {
		this.instances.close();
		this.redis.close();
	}

	@Test
	void aTagFromOneInstanceIs304OnTheOtherAndAPutOnOneIsSeenByTheOther() {
		Instance a = this.instances.start();
		Instance b = this.instances.start();
		ConditionalRequests onA = ConditionalRequests.onLocalPort(a.port());
		ConditionalRequests onB = ConditionalRequests.onLocalPort(b.port());
		String tagFromA = onA.assertRevalidates("/places/castle");
		assertNotModified(onB.get("/places/castle", "If-None-Match", tagFromA), tagFromA);
		HttpResponse<String> changed = onA.send("PUT", "/places/castle", CASTLE.formatted(3500), "If-Match", tagFromA);
		assertThat(changed.statusCode()).isEqualTo(200);
		HttpResponse<String> onBAfterThePut = onB.get("/places/castle", "If-None-Match", tagFromA);
		assertFullResponse(onBAfterThePut);
		assertThat(onBAfterThePut.body()).contains("3500");
		assertThat(assertETag(onBAfterThePut)).isNotEqualTo(tagFromA);
		assertThat(onB.send("PUT", "/places/castle", CASTLE.formatted(1), "If-Match", tagFromA).statusCode())
			.isEqualTo(412);
		assertThat(onA.get("/places/castle").body()).contains("3500");
		assertThat(onA.get("/places/atlantis").statusCode()).isEqualTo(404);
	}

}
