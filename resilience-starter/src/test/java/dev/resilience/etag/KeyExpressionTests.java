package dev.resilience.etag;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.util.ReflectionUtils;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class KeyExpressionTests {

	private final MockHttpServletRequest request = new MockHttpServletRequest("GET", "/places/42");

	@Test
	void singleVariableReadsThePathVariableThatBindsTheParameter() {
		this.request.setAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE, Map.of("placeId", "42"));
		assertThat(parse("#id", "renamed").evaluate(this.request)).isEqualTo("42");
	}

	@Test
	void requestParametersHeadersAndUnannotatedSimpleParametersAreBindable() {
		this.request.setAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE, Map.of("id", "42"));
		this.request.setParameter("lang", "de");
		this.request.setParameter("page", "3");
		this.request.addHeader("X-Tenant", "acme");
		assertThat(parse("#id + ':' + #lang + ':' + #tenant + ':' + #page", "mixed").evaluate(this.request))
			.isEqualTo("42:de:acme:3");
	}

	@Test
	void missingValueMakesANullKey() {
		assertThat(parse("#id", "simple").evaluate(this.request)).isNull();
		assertThat(parse("#lang", "mixed").evaluate(this.request)).isNull();
	}

	@Test
	void evaluationErrorOnBadInputMakesANullKey() {
		this.request.setAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE, Map.of("id", "4"));
		assertThat(parse("#id.substring(3)", "simple").evaluate(this.request)).isNull();
		assertThat(parse("#lang.toUpperCase()", "mixed").evaluate(this.request)).isNull();
	}

	@Test
	void invalidSpelIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> parse("#id +", "simple"))
			.withMessageContaining("not a valid SpEL expression");
	}

	@Test
	void unknownVariableIsRejectedNamingTheBindableOnes() {
		assertThatIllegalArgumentException().isThrownBy(() -> parse("#ide", "simple"))
			.withMessageContaining("#ide")
			.withMessageContaining("[id]");
		assertThatIllegalArgumentException().isThrownBy(() -> parse("#id + #body", "withBody"))
			.withMessageContaining("#body");
	}

	@Test
	void emptyKeyIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> parse(" ", "simple"));
	}

	private KeyExpression parse(String expression, String methodName) {
		HandlerMethod handler = new HandlerMethod(new Handlers(),
				ReflectionUtils.findMethod(Handlers.class, methodName, (Class<?>[]) null));
		return KeyExpression.parse(expression, handler);
	}

	static class Handlers {

		String simple(@PathVariable String id) {
			return id;
		}

		String renamed(@PathVariable("placeId") long id) {
			return "";
		}

		String mixed(@PathVariable String id, @RequestParam(name = "lang", required = false) String lang,
				@RequestHeader("X-Tenant") String tenant, int page) {
			return "";
		}

		String withBody(@PathVariable String id, @RequestBody String body) {
			return "";
		}

	}

}
