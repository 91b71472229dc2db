package dev.resilience.support;

import java.time.Duration;

import org.springframework.validation.Errors;

/**
 * Startup checks shared by the starter's {@code @ConfigurationProperties} classes. Each properties class implements
 * {@link org.springframework.validation.Validator} and calls these; Spring Boot then fails startup with the property's
 * full name, the rejected value and the reason.
 */
public final class PropertyChecks {

	private PropertyChecks() {
	}

	/**
	 * Reject a duration that is {@code null}, zero or negative.
	 * @param errors where to record the rejection
	 * @param field the property's field name, relative to the properties class
	 * @param value the bound value
	 */
	public static void positive(Errors errors, String field, Duration value) {
		if (value == null || value.isZero() || value.isNegative()) {
			errors.rejectValue(field, "positive", "must be a positive duration, for example 1s or 500ms");
		}
	}

	/**
	 * Reject a duration that is {@code null} or negative; zero is allowed.
	 * @param errors where to record the rejection
	 * @param field the property's field name, relative to the properties class
	 * @param value the bound value
	 */
	public static void notNegative(Errors errors, String field, Duration value) {
		if (value == null || value.isNegative()) {
			errors.rejectValue(field, "notNegative", "must be zero or a positive duration, for example 0s or 30s");
		}
	}

	/**
	 * Reject a whole number below a minimum.
	 * @param errors where to record the rejection
	 * @param field the property's field name, relative to the properties class
	 * @param value the bound value
	 * @param min the smallest value allowed
	 */
	public static void atLeast(Errors errors, String field, long value, long min) {
		if (value < min) {
			errors.rejectValue(field, "range", "must be at least " + min);
		}
	}

	/**
	 * Reject a fraction outside {@code (0, 1]}.
	 * @param errors where to record the rejection
	 * @param field the property's field name, relative to the properties class
	 * @param value the bound value
	 */
	public static void fraction(Errors errors, String field, double value) {
		if (!(value > 0 && value <= 1)) {
			errors.rejectValue(field, "range", "must be greater than 0 and at most 1, for example 0.85");
		}
	}

	/**
	 * Reject a string that is {@code null}, empty or only whitespace.
	 * @param errors where to record the rejection
	 * @param field the property's field name, relative to the properties class
	 * @param value the bound value
	 */
	public static void notBlank(Errors errors, String field, String value) {
		if (value == null || value.isBlank()) {
			errors.rejectValue(field, "blank", "must not be empty");
		}
	}

}
