package dev.resilience.test.etag;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * {@link ConditionalRequestsTestApplication} on Jetty (both containers are on this module's test class path).
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = ConditionalRequestsTestApplication.TOMCAT)
@Import(ConditionalRequestsTestApplication.Things.class)
public class ConditionalRequestsOnJettyApplication {

}
