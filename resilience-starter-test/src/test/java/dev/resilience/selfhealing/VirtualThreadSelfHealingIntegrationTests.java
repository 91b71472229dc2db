package dev.resilience.selfhealing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.resilience.test.selfhealing.AutoConfigureSelfHealingTester;
import dev.resilience.test.selfhealing.SelfHealingTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With virtual threads on, Tomcat runs each request on a virtual thread, which {@code ThreadMXBean} does not see: the
 * thread dump of a fatal state must still show the request that is parked in its handler.
 */
@Tag("virtual-threads")
@EnabledForJreRange(min = JRE.JAVA_21)
@SpringBootTest(classes = VirtualThreadSelfHealingIntegrationTests.ParkingApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT, properties = "spring.threads.virtual.enabled=true")
@AutoConfigureSelfHealingTester
class VirtualThreadSelfHealingIntegrationTests {

	static final CountDownLatch entered = new CountDownLatch(1);

	static final CountDownLatch release = new CountDownLatch(1);

	@LocalServerPort
	int port;

	@Autowired
	SelfHealingTester selfHealing;

	@AfterEach
	void heal() {
		release.countDown();
		this.selfHealing.reset();
	}

	@Test
	void fatalStateWritesAThreadDumpThatListsVirtualThreads() throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		CompletableFuture<HttpResponse<String>> parked = http.sendAsync(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/park")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
		// Thread.isVirtual() is JDK 21 API; these sources compile for JDK 17
		assertThat(Thread.class.getMethod("isVirtual").invoke(ParkingController.handlerThread)).isEqualTo(true);

		Fatality fatality = this.selfHealing.simulate(FatalCause.DEADLOCK);

		assertThat(fatality.threadDump()).isNotNull();
		String dump = Files.readString(fatality.threadDump());
		assertThat(dump).contains("Full thread dump").contains(ThreadDumpWriter.ALL_THREADS_HEADING);
		String allThreads = dump.substring(dump.indexOf(ThreadDumpWriter.ALL_THREADS_HEADING));
		@SuppressWarnings("deprecation") // threadId() is JDK 19+
		long id = ParkingController.handlerThread.getId();
		assertThat(allThreads).contains("#" + id)
			.contains("virtual")
			.contains(ParkingController.class.getName() + ".park");
		release.countDown();
		assertThat(parked.get(30, TimeUnit.SECONDS).body()).isEqualTo("released");
		System.out.println("self-healing virtual-thread dump: " + fatality.threadDump() + ", " + dump.length()
				+ " chars; handler thread " + ParkingController.handlerThread);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(ParkingController.class)
	static class ParkingApplication {

	}

	@RestController
	static class ParkingController {

		static volatile Thread handlerThread;

		@GetMapping("/park")
		String park() throws InterruptedException {
			handlerThread = Thread.currentThread();
			entered.countDown();
			release.await(60, TimeUnit.SECONDS);
			return "released";
		}

	}

}
