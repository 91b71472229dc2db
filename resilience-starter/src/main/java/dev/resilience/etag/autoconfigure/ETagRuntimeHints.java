package dev.resilience.etag.autoconfigure;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import dev.resilience.etag.ChangesResource;
import dev.resilience.etag.ETagged;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Hints for a native image. {@link ETagged} and {@link ChangesResource} are read from handler methods at startup, and
 * their attributes are invoked reflectively by Spring's merged-annotation support. A key expression other than a
 * single variable is evaluated by SpEL, which resolves method calls and properties on the variables' values
 * reflectively; those values are the raw strings or the simple value types Spring MVC converts them to, so the
 * public methods of those types are registered. Values of application types (enums) need the application's own hints.
 */
final class ETagRuntimeHints implements RuntimeHintsRegistrar {

	static final List<Class<?>> KEY_VALUE_TYPES = List.of(String.class, Boolean.class, Character.class, Byte.class,
			Short.class, Integer.class, Long.class, Float.class, Double.class, BigInteger.class, BigDecimal.class,
			UUID.class, LocalDate.class, LocalDateTime.class, LocalTime.class, Instant.class, OffsetDateTime.class,
			ZonedDateTime.class, Locale.class, URI.class);

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.reflection().registerType(ETagged.class, MemberCategory.INVOKE_DECLARED_METHODS);
		hints.reflection().registerType(ChangesResource.class, MemberCategory.INVOKE_DECLARED_METHODS);
		for (Class<?> type : KEY_VALUE_TYPES) {
			hints.reflection().registerType(type, MemberCategory.INVOKE_PUBLIC_METHODS);
		}
	}

}
