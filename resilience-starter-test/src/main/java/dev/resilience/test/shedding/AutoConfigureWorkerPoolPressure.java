package dev.resilience.test.shedding;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;

/**
 * Adds a {@link WorkerPoolPressure} bean to a {@code @SpringBootTest(webEnvironment = RANDOM_PORT)} (or
 * {@code DEFINED_PORT}) test, so that it can hold real worker threads of the embedded server busy and watch
 * {@code @Sheddable} endpoints answer 429 while the others keep answering.
 *
 * <pre class="code">
 * &#64;SpringBootTest(webEnvironment = RANDOM_PORT, properties = "server.tomcat.threads.max=20")
 * &#64;AutoConfigureWorkerPoolPressure
 * class ReportSheddingTests {
 *
 *     &#64;Autowired WorkerPoolPressure pressure;
 *
 *     &#64;Test
 *     void reportIsShedWhileSearchKeepsAnswering() {
 *         try (WorkerPoolPressure.Hold hold = pressure.reach(0.85)) {
 *             assertThat(get("/reports/daily")).isShed();
 *             assertThat(get("/search?q=x")).isNotShed();
 *         }
 *     }
 * }
 * </pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration(WorkerPoolPressureAutoConfiguration.class)
public @interface AutoConfigureWorkerPoolPressure {

}
