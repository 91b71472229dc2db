package dev.resilience.benchmarks.overload;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import jakarta.servlet.ServletException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Measures, in every variant alike, the CPU time and the bytes allocated on the worker thread for each rejected
 * request ({@code 429} or {@code 503}), from the moment Tomcat's engine hands it over until the filter chain has
 * answered it and the response is finished: every filter that runs, the rejection, and writing it to the connection
 * (the valve finishes a rejected response itself, as Tomcat would right after it). HTTP parsing, which all variants
 * share, is outside. The runner reads the totals from
 * {@value #PATH} before and after the spike.
 *
 * <p>Both figures come from the JVM's own per-thread accounting ({@code ThreadMXBean#getCurrentThreadCpuTime} and
 * {@code #getCurrentThreadAllocatedBytes}), which is exact for allocation and nanosecond-grained for CPU.
 */
@Configuration(proxyBeanMethods = false)
class RejectionCosts {

	static final String PATH = "/rejection-costs";

	@Bean
	CostValve rejectionCostValve() {
		return new CostValve();
	}

	@Bean
	WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> rejectionCostValveCustomizer(CostValve valve) {
		return (factory) -> factory.addEngineValves(valve);
	}

	// registered as a member class of this configuration
	@RestController
	static class Endpoint {

		private final CostValve valve;

		Endpoint(CostValve valve) {
			this.valve = valve;
		}

		@GetMapping(PATH)
		Map<String, Long> costs() {
			return Map.of("rejections", this.valve.rejections.sum(), "cpuNanos", this.valve.cpuNanos.sum(),
					"allocatedBytes", this.valve.allocatedBytes.sum());
		}

	}

	static final class CostValve extends ValveBase {

		private static final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
			.getThreadMXBean();

		final LongAdder rejections = new LongAdder();

		final LongAdder cpuNanos = new LongAdder();

		final LongAdder allocatedBytes = new LongAdder();

		CostValve() {
			super(true);
		}

		@Override
		public void invoke(Request request, Response response) throws IOException, ServletException {
			long cpuBefore = threads.getCurrentThreadCpuTime();
			long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
			try {
				getNext().invoke(request, response);
			}
			finally {
				int status = response.getStatus();
				if (status == 429 || status == 503) {
					// what Tomcat does after the valves anyway (a second call is a no-op): here, so that writing the
					// answer counts alike for a rejection that flushed its body itself and one that left it buffered
					response.finishResponse();
					long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
					long cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
					this.rejections.increment();
					this.cpuNanos.add(cpu);
					this.allocatedBytes.add(allocated);
				}
			}
		}

	}

}
