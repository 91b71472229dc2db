package dev.resilience.shedding;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(classes = SheddingTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "server.tomcat.threads.max=20")
class InFlightAccountingIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	PressureGauge gauge;

	@Test
	void inFlightReturnsToExactlyZeroAfterAStormOfEveryKindOfRequest() throws Exception {
		List<String> paths = List.of("/critical", "/boom", "/async", "/async-timeout", "/reports/lyon", "/missing",
				"/actuator/health");
		ExecutorService callers = Executors.newFixedThreadPool(16);
		try {
			List<Future<?>> calls = new ArrayList<>();
			for (int i = 0; i < 400; i++) {
				String path = paths.get(i % paths.size());
				calls.add(callers.submit(() -> Http.get(this.port, path)));
				if (i % 20 == 0) {
					calls.add(callers.submit(this::disconnectMidRequest));
				}
			}
			for (Future<?> call : calls) {
				call.get();
			}
		}
		finally {
			callers.shutdownNow();
		}
		awaitInFlight(0);
		assertThat(this.gauge.inFlight()).isZero();
	}

	@Test
	void aClientThatDisconnectsMidRequestIsUncountedWhenItsWorkerIsDone() throws Exception {
		disconnectMidRequest();
		awaitInFlight(0);
		assertThat(this.gauge.inFlight()).isZero();
	}

	private Void disconnectMidRequest() throws Exception {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			OutputStream out = socket.getOutputStream();
			out.write("GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			Thread.sleep(50); // the request is on a worker thread when the socket closes
			socket.setSoLinger(true, 0); // reset, like a client that gave up
		}
		return null;
	}

	private void awaitInFlight(long expected) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (this.gauge.inFlight() != expected && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
	}

}
