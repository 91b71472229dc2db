package dev.resilience.shedding;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(classes = { SheddingTestApplication.class, InFlightAccountingIntegrationTests.Recorder.class },
		webEnvironment = WebEnvironment.RANDOM_PORT, properties = "server.tomcat.threads.max=20")
class InFlightAccountingIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	PressureGauge gauge;

	@Autowired
	InFlightRecorder recorder;

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
	void eachDispatchOfAnAsyncRequestIsCountedWhileItRunsOnAWorkerThread() throws Exception {
		awaitInFlight(0);
		this.recorder.clear();
		assertThat(Http.get(this.port, "/async").body()).isEqualTo("async");
		awaitInFlight(0);
		// alone on the server, each pass through the chain sees exactly itself in flight
		assertThat(this.recorder.seen("/async")).containsExactly("REQUEST:1", "ASYNC:1");
		this.recorder.clear();
		assertThat(Http.get(this.port, "/async-timeout").statusCode()).isEqualTo(503);
		awaitInFlight(0);
		assertThat(this.recorder.seen("/async-timeout")).first().isEqualTo("REQUEST:1");
		assertThat(this.recorder.seen("/async-timeout")).hasSizeGreaterThan(1).allMatch((pass) -> pass.endsWith(":1"));
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

	@Configuration(proxyBeanMethods = false)
	static class Recorder {

		@Bean
		InFlightRecorder inFlightRecorder(PressureGauge gauge) {
			return new InFlightRecorder(gauge);
		}

		@Bean
		FilterRegistrationBean<InFlightRecorder> inFlightRecorderRegistration(InFlightRecorder recorder) {
			FilterRegistrationBean<InFlightRecorder> registration = new FilterRegistrationBean<>(recorder);
			registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);
			registration.setAsyncSupported(true);
			registration.setOrder(0);
			return registration;
		}

	}

	/**
	 * A filter after the shedding filter, for every dispatch type: records the in-flight count each pass sees.
	 */
	static class InFlightRecorder implements Filter {

		private final PressureGauge gauge;

		private final Map<String, List<String>> passes = new ConcurrentHashMap<>();

		InFlightRecorder(PressureGauge gauge) {
			this.gauge = gauge;
		}

		List<String> seen(String path) {
			return this.passes.getOrDefault(path, List.of());
		}

		void clear() {
			this.passes.clear();
		}

		@Override
		public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
				throws IOException, ServletException {
			String path = ((HttpServletRequest) request).getRequestURI();
			this.passes.computeIfAbsent(path, (key) -> new CopyOnWriteArrayList<>())
				.add(request.getDispatcherType() + ":" + this.gauge.inFlight());
			chain.doFilter(request, response);
		}

	}

	private void awaitInFlight(long expected) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (this.gauge.inFlight() != expected && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
	}

}
