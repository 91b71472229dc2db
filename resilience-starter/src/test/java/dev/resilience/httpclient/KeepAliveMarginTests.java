package dev.resilience.httpclient;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KeepAliveMarginTests {

	@Test
	void aConnectionIsGivenUpOneSecondBeforeTheOriginsTimeout() {
		assertThat(KeepAliveMargin.shortened(5).toMilliseconds()).isEqualTo(4000);
		assertThat(KeepAliveMargin.shortened(60).toMilliseconds()).isEqualTo(59000);
	}

	@Test
	void aShortTimeoutIsAtMostHalved() {
		assertThat(KeepAliveMargin.shortened(1).toMilliseconds()).isEqualTo(500);
	}

	@Test
	void zeroStaysZero() {
		assertThat(KeepAliveMargin.shortened(0).toMilliseconds()).isZero();
	}

}
