package dev.resilience.test.selfhealing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;

/**
 * Put on a {@code @SpringBootTest} class to get a {@link SelfHealingTester} bean and to make
 * {@code resilience.self-healing.on-fatal=exit} record its exit in a {@link RecordingFatalExit} instead of ending the
 * test JVM.
 *
 * <pre class="code">
 * &#64;SpringBootTest(webEnvironment = RANDOM_PORT)
 * &#64;AutoConfigureSelfHealingTester
 * class ProbeTests {
 *
 *     &#64;Autowired SelfHealingTester selfHealing;
 *
 *     &#64;AfterEach void heal() { selfHealing.reset(); }
 *
 *     &#64;Test void livenessGoesDownOnOutOfMemory() {
 *         selfHealing.throwOutOfMemoryErrorInThread();
 *         // GET /actuator/health/liveness answers 503 DOWN
 *     }
 * }
 * </pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Import(SelfHealingTesterConfiguration.class)
public @interface AutoConfigureSelfHealingTester {

}
