package dev.resilience.diagnostics;

import java.util.Locale;

import dev.resilience.support.ResilienceConfigurationException;

import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.origin.Origin;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * Shows the starter's configuration and annotation errors as Spring Boot shows its own: what is wrong, naming the
 * property or handler method, and what to do.
 *
 * <ul>
 * <li>{@link ResilienceConfigurationException}, which every capability throws for its configuration and annotation
 * errors: {@code @Sheddable} errors, unknown or conflicting tiers, {@code @ETagged} and {@code @ChangesResource}
 * errors (key expressions, resource names, mappings); recognised by type, whatever the message says;
 * <li>invalid {@code resilience.*} properties: each property, its value, where it came from and the allowed values.
 * </ul>
 * Ordered first, so that it answers for {@code resilience.*} properties before Boot's generic bind analyzers.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ResilienceFailureAnalyzer implements FailureAnalyzer {

	@Override
	public FailureAnalysis analyze(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof ResilienceConfigurationException configuration) {
				return new FailureAnalysis(configuration.getMessage(), configuration.getAction(), configuration);
			}
			if (cause instanceof BindValidationException validation) {
				FailureAnalysis analysis = analyze(validation);
				if (analysis != null) {
					return analysis;
				}
			}
		}
		return null;
	}

	private FailureAnalysis analyze(BindValidationException validation) {
		String prefix = validation.getValidationErrors().getName().toString();
		if (!prefix.equals("resilience") && !prefix.startsWith("resilience.")) {
			return null;
		}
		StringBuilder description = new StringBuilder("Invalid configuration of the resilience starter:\n");
		for (ObjectError error : validation.getValidationErrors().getAllErrors()) {
			description.append('\n');
			if (error instanceof FieldError field) {
				description.append("    Property: ").append(propertyName(prefix, field.getField())).append('\n');
				description.append("    Value: \"").append(field.getRejectedValue()).append("\"\n");
				Origin origin = Origin.from(field);
				if (origin != null) {
					description.append("    Origin: ").append(origin).append('\n');
				}
			}
			description.append("    Reason: ").append(error.getDefaultMessage()).append('\n');
		}
		String capability = prefix.contains(".") ? prefix.substring(prefix.indexOf('.') + 1) : "";
		return new FailureAnalysis(description.toString(),
				"Update the properties above in your application's configuration: each reason gives the allowed "
						+ "values. The page of " + (capability.isEmpty() ? "each capability" : "'" + capability + "'")
						+ " in the starter's docs lists every property with its default.",
				validation);
	}

	// retryAfterJitter -> retry-after-jitter, tiers[batch].threshold -> tiers.batch.threshold
	private static String propertyName(String prefix, String field) {
		String dashed = field.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
		return prefix + "." + dashed.replaceAll("\\[([^\\]0-9][^\\]]*)\\]", ".$1");
	}

}
