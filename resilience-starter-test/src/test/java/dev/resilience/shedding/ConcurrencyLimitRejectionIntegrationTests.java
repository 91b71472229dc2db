package dev.resilience.shedding;

import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.resilience.annotation.ConcurrencyLimit;
import org.springframework.resilience.annotation.EnableResilientMethods;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import static dev.resilience.test.shedding.ShedResponseAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Framework's {@code @ConcurrencyLimit(policy = REJECT)} on a real Tomcat: the rejected call is answered like
 * a shed request, not with a 500.
 */
@SpringBootTest(classes = ConcurrencyLimitRejectionIntegrationTests.LimitedApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT)
class ConcurrencyLimitRejectionIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	LoadShedder shedder;

	@Autowired
	MeterRegistry meterRegistry;

	@Test
	void callBeyondTheLimitIsAnsweredLikeAShedRequestAndCounted() throws Exception {
		long rejectedBefore = this.shedder.rejected();
		CompletableFuture<HttpResponse<String>> first = CompletableFuture
			.supplyAsync(() -> Http.get(this.port, "/limited/first"));
		try {
			assertThat(LimitedController.arrived.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
			HttpResponse<String> rejected = Http.get(this.port, "/limited/second");
			assertThat(rejected).isShed().hasRetryAfterSecondsBetween(1, 3);
			assertThat(rejected.body()).contains("\"status\":429", "\"instance\":\"/limited/second\"");
		}
		finally {
			LimitedController.release.countDown();
		}
		assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		assertThat(this.shedder.rejected()).isEqualTo(rejectedBefore + 1);
		Counter counter = this.meterRegistry.get("resilience.shedding.rejected")
			.tag("uri", "/limited/{id}")
			.tag("dry.run", "false")
			.counter();
		assertThat(counter.count()).isEqualTo(1);
		assertThat(Http.get(this.port, "/limited/third").statusCode()).isEqualTo(200);
	}

	@Test
	void otherExceptionsAreLeftToTheApplication() {
		assertThat(Http.get(this.port, "/boom").statusCode()).isEqualTo(500);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableResilientMethods
	@Import(LimitedController.class)
	static class LimitedApplication {

	}

	@RestController
	static class LimitedController {

		// static: the controller bean is a proxy
		static final Semaphore arrived = new Semaphore(0);

		static final CountDownLatch release = new CountDownLatch(1);

		@ConcurrencyLimit(limit = 1, policy = ConcurrencyLimit.ThrottlePolicy.REJECT)
		@GetMapping("/limited/{id}")
		String limited(@PathVariable String id) throws InterruptedException {
			arrived.release();
			release.await(30, TimeUnit.SECONDS);
			return id;
		}

		@GetMapping("/boom")
		String boom() {
			throw new IllegalStateException("boom");
		}

	}

}
