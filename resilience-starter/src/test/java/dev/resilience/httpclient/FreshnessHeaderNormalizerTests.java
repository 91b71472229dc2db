package dev.resilience.httpclient;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class FreshnessHeaderNormalizerTests {

	@ParameterizedTest
	@ValueSource(strings = { "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
			"Sun Nov  6 08:49:37 1994", "Thu, 01 Jan 2099 23:59:59 GMT", "THU, 01 JAN 2099 23:59:59 gmt",
			"sunday, 06-nov-94 08:49:37 GMT", "SUN NOV  6 08:49:37 1994" })
	void theThreeHttpDateFormsAreValid(String date) {
		assertThat(FreshnessHeaderNormalizer.isValid(date)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "Thu, 01 Jan 2099 00:00:00 CET", "Thu, 01-Jan-2099 00:00:00 GMT",
			"Thu, 01 Jan 2099 0:00:00 GMT", "Thu, 01 Jan 2099 24:00:00 GMT", "Thu, 1 Jan 2099 00:00:00 GMT",
			"2099-01-01T00:00:00Z", "0", "-1", "", "Thu, 31 Feb 2099 00:00:00 GMT" })
	void anythingElseIsInvalid(String date) {
		assertThat(FreshnessHeaderNormalizer.isValid(date)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "2147483649", "99999999999999999999", "9223372036854775808" })
	void overflowingAgeIsRecognised(String age) {
		assertThat(FreshnessHeaderNormalizer.overflows(age)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "0", "60", "2147483648", "-1", "abc", "" })
	void representableOrUnparseableAgeIsLeftAlone(String age) {
		assertThat(FreshnessHeaderNormalizer.overflows(age)).isFalse();
	}

}
