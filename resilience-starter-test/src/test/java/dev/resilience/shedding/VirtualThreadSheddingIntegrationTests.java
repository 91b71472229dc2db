package dev.resilience.shedding;

import dev.resilience.test.shedding.AutoConfigureWorkerPoolPressure;
import dev.resilience.test.shedding.WorkerPoolPressure;
import dev.resilience.test.shedding.WorkerPoolPressure.Hold;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static dev.resilience.test.shedding.ShedResponseAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

@Tag("virtual-threads")
@EnabledForJreRange(min = JRE.JAVA_21)
@SpringBootTest(classes = SheddingTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.threads.virtual.enabled=true", "resilience.shedding.max-concurrent-requests=20" })
@AutoConfigureWorkerPoolPressure
class VirtualThreadSheddingIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WorkerPoolPressure pressure;

	@Autowired
	PressureGauge gauge;

	@Test
	void withoutABoundedPoolPressureIsMeasuredAgainstMaxConcurrentRequests() {
		assertThat(this.gauge.capacity().mode()).isEqualTo(PressureGauge.Mode.CONCURRENCY_LIMIT);
		assertThat(this.gauge.capacity().size()).isEqualTo(20);
		assertThat(this.gauge.capacity().source()).contains("virtual threads");
	}

	@Test
	void shedsOnVirtualThreads() {
		try (Hold hold = this.pressure.reach(0.85)) {
			assertThat(hold.workers()).isEqualTo(16);
			assertThat(Http.get(this.port, "/reports/lyon")).isShed();
			assertThat(Http.get(this.port, "/critical").statusCode()).isEqualTo(200);
		}
		assertThat(Http.get(this.port, "/reports/lyon").statusCode()).isEqualTo(200);
	}

}
