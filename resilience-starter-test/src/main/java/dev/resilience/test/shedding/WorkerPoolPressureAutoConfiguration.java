package dev.resilience.test.shedding;

import dev.resilience.shedding.PressureGauge;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * Test auto-configuration imported by {@link AutoConfigureWorkerPoolPressure}: the {@link WorkerPoolPressure} bean and
 * the servlet its requests wait in.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = Type.SERVLET)
public final class WorkerPoolPressureAutoConfiguration {

	@Bean
	WorkerPoolPressure workerPoolPressure(ObjectProvider<PressureGauge> gauge) {
		return new WorkerPoolPressure(gauge.getIfAvailable());
	}

	@Bean
	ServletRegistrationBean<HoldServlet> workerPoolPressureHoldServlet(WorkerPoolPressure pressure) {
		ServletRegistrationBean<HoldServlet> registration = new ServletRegistrationBean<>(new HoldServlet(pressure),
				WorkerPoolPressure.HOLD_PATH);
		registration.setName("resilienceTestHoldServlet");
		return registration;
	}

}
