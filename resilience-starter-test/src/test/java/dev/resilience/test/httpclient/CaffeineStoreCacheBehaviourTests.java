package dev.resilience.test.httpclient;

import org.springframework.test.context.TestPropertySource;

/**
 * The cache behaviour suite on the {@code caffeine} store.
 */
@TestPropertySource(properties = { "resilience.http-client.cache.store=caffeine" })
class CaffeineStoreCacheBehaviourTests extends AbstractCacheBehaviourTests {

	@Override
	String expectedStore() {
		return "caffeine";
	}

}
