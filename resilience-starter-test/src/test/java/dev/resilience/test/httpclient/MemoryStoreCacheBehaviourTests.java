package dev.resilience.test.httpclient;

import org.springframework.test.context.TestPropertySource;

/**
 * The cache behaviour suite on the {@code memory} store.
 */
@TestPropertySource(properties = { "resilience.http-client.cache.store=memory" })
class MemoryStoreCacheBehaviourTests extends AbstractCacheBehaviourTests {

	@Override
	String expectedStore() {
		return "memory";
	}

}
