package dev.resilience.etag;

import org.jspecify.annotations.Nullable;

/**
 * What to do for one annotated handler method, worked out once at startup.
 *
 * @param resource the resource name
 * @param key the parsed key expression
 * @param write whether the handler changes the resource ({@link ChangesResource}) rather than reads it
 * @param cacheControl the Cache-Control value for reads, {@code null} for writes
 * @param vary the Vary value for reads, or {@code null}
 * @param handler the handler's description for messages
 */
record HandlerPlan(String resource, KeyExpression key, boolean write, @Nullable String cacheControl,
		@Nullable String vary, String handler) {

}
