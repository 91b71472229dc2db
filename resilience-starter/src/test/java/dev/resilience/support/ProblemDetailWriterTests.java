package dev.resilience.support;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

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
	void preparedProblemDetailIsWrittenWithEveryMemberAndTheRequestPathAsInstance() throws Exception {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, "busy");
		problem.setType(URI.create("https://errors.example/busy"));
		problem.setInstance(URI.create("/ignored"));
		problem.setProperty("retryable", true);
		problem.setProperty("tier", "batch");
		problem.setProperty("limits", List.of(1, 2.5));
		problem.setProperty("owner", Map.of("team", "reports"));
		ProblemDetailWriter.Prepared prepared = ProblemDetailWriter.prepare(problem);
		MockHttpServletResponse response = new MockHttpServletResponse();
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/reports/\"x\"");
		request.setContent(new byte[] { 1 });
		ProblemDetailWriter.write(request, response, prepared);
		assertThat(response.getStatus()).isEqualTo(503);
		assertThat(response.getContentType()).isEqualTo("application/problem+json");
		assertThat(response.getHeader("Connection")).isEqualTo("close");
		String json = "{\"type\":\"https://errors.example/busy\",\"title\":\"Service Unavailable\",\"status\":503,"
				+ "\"detail\":\"busy\",\"retryable\":true,\"tier\":\"batch\",\"limits\":[1,2.5],"
				+ "\"owner\":{\"team\":\"reports\"},\"instance\":\"/reports/\\\"x\\\"\"}";
		assertThat(response.getContentAsString()).isEqualTo(json);
		assertThat(response.getContentLength()).isEqualTo(json.length());
		assertThat(prepared.toJson("/reports/\"x\"")).isEqualTo(json);
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
