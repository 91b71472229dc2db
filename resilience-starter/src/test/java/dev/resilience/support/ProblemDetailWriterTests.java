package dev.resilience.support;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemDetailWriterTests {

	@Test
	void writesAProblemDocumentWithTheRequestPathAsInstance() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		ProblemDetailWriter.write(new MockHttpServletRequest("GET", "/reports/lyon"), response, 429,
				"Too Many Requests", "retry after 1 second.");
		assertThat(response.getStatus()).isEqualTo(429);
		assertThat(response.getContentType()).isEqualTo("application/problem+json");
		assertThat(response.getContentAsString()).isEqualTo("{\"type\":\"about:blank\",\"title\":\"Too Many Requests\","
				+ "\"status\":429,\"detail\":\"retry after 1 second.\",\"instance\":\"/reports/lyon\"}");
		assertThat(response.getHeader("Connection")).isNull();
	}

	@Test
	void escapesWhatJsonStringsCannotHoldAsIs() {
		assertThat(ProblemDetailWriter.toJson(412, "T", "a \"quoted\" \\ path\n\u0001", null))
			.isEqualTo("{\"type\":\"about:blank\",\"title\":\"T\",\"status\":412,"
					+ "\"detail\":\"a \\\"quoted\\\" \\\\ path\\n\\u0001\"}");
	}

	@Test
	void aRequestWhoseBodyGoesUnreadGetsConnectionClose() throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("PUT", "/places/1");
		request.setContent("{\"name\":\"x\"}".getBytes());
		MockHttpServletResponse response = new MockHttpServletResponse();
		ProblemDetailWriter.write(request, response, 412, "Precondition Failed", "stale");
		assertThat(response.getHeader("Connection")).isEqualTo("close");
	}

	@Test
	void aCommittedResponseIsLeftAlone() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		response.setCommitted(true);
		ProblemDetailWriter.write(new MockHttpServletRequest("GET", "/x"), response, 429, "Too Many Requests", "d");
		assertThat(response.getStatus()).isEqualTo(200);
	}

}
