package dev.resilience.test.httpclient;

import org.springframework.test.context.TestPropertySource;

/**
 * The cache behaviour suite on the {@code ehcache} store, with heap, off-heap and disk tiers.
 */
@TestPropertySource(properties = { "resilience.http-client.cache.store=ehcache",
		"resilience.http-client.cache.ehcache.off-heap-size=16MB", "resilience.http-client.cache.ehcache.disk-size=32MB",
		"resilience.http-client.cache.ehcache.disk-path=target/ehcache-http-cache" })
class EhcacheStoreCacheBehaviourTests extends AbstractCacheBehaviourTests {

	@Override
	String expectedStore() {
		return "ehcache";
	}

}
