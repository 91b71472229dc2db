package dev.resilience.selfhealing;

import java.nio.file.Path;

import jakarta.servlet.ServletException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class OutOfMemoryErrorFilterTests {

	@TempDir
	Path dumps;

	private final MockHttpServletRequest request = new MockHttpServletRequest("GET", "/reports/42");

	@Test
	void passesRequestsThroughUntouched() throws Exception {
		SelfHealing selfHealing = selfHealing();
		MockHttpServletResponse response = new MockHttpServletResponse();
		new OutOfMemoryErrorFilter(selfHealing).doFilter(this.request, response,
				(req, res) -> res.getWriter().write("ok"));
		assertThat(response.getContentAsString()).isEqualTo("ok");
		assertThat(selfHealing.isFatal()).isFalse();
	}

	@Test
	void outOfMemoryErrorIsReportedAndRethrownUnchanged() {
		SelfHealing selfHealing = selfHealing();
		OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
		assertThatExceptionOfType(OutOfMemoryError.class)
			.isThrownBy(() -> new OutOfMemoryErrorFilter(selfHealing).doFilter(this.request,
					new MockHttpServletResponse(), (req, res) -> {
						throw oom;
					}))
			.isSameAs(oom);
		assertThat(selfHealing.getFatality().cause()).isEqualTo(FatalCause.OUT_OF_MEMORY);
		assertThat(selfHealing.getFatality().detail())
			.isEqualTo("OutOfMemoryError in request GET /reports/42: Java heap space");
	}

	@Test
	void outOfMemoryErrorWrappedBySpringMvcIsReported() {
		SelfHealing selfHealing = selfHealing();
		ServletException wrapped = new ServletException("Handler dispatch failed",
				new OutOfMemoryError("Java heap space"));
		assertThatExceptionOfType(ServletException.class)
			.isThrownBy(() -> new OutOfMemoryErrorFilter(selfHealing).doFilter(this.request,
					new MockHttpServletResponse(), (req, res) -> {
						throw wrapped;
					}))
			.isSameAs(wrapped);
		assertThat(selfHealing.getFatality().cause()).isEqualTo(FatalCause.OUT_OF_MEMORY);
	}

	@Test
	void otherFailuresAreNotFatal() {
		SelfHealing selfHealing = selfHealing();
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> new OutOfMemoryErrorFilter(selfHealing).doFilter(this.request,
					new MockHttpServletResponse(), (req, res) -> {
						throw new IllegalStateException("boom", new RuntimeException());
					}));
		assertThat(selfHealing.isFatal()).isFalse();
	}

	private SelfHealing selfHealing() {
		return TestSelfHealing.reportOnly(this.dumps);
	}

}
