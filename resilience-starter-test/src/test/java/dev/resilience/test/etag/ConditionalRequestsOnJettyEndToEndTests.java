package dev.resilience.test.etag;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * The end-to-end tests again on Jetty: the response-finishing paths (body advice, postHandle) must not depend on when a
 * particular container commits.
 */
@SpringBootTest(classes = ConditionalRequestsOnJettyApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=resilience",
				// replaces the module's default exclusion of Jetty (src/test/resources/application.properties)
				"spring.autoconfigure.exclude=" + ConditionalRequestsTestApplication.TOMCAT })
class ConditionalRequestsOnJettyEndToEndTests extends ConditionalRequestsEndToEndTests {

	@Override
	String expectedContainer() {
		return "Jetty";
	}

}
