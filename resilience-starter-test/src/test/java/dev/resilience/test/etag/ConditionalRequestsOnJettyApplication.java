package dev.resilience.test.etag;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * {@link ConditionalRequestsTestApplication} on Jetty (the test selects it with spring.autoconfigure.exclude).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(ConditionalRequestsTestApplication.Things.class)
public class ConditionalRequestsOnJettyApplication {

}
