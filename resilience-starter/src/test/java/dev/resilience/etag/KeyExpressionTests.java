package dev.resilience.etag;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

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
	void keyIsTheConvertedArgumentSoEqualArgumentsShareIt() {
		this.request.setAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE,
				Map.of("placeId", "0042", "id", "6F1C2B3A-0D4E-4F5A-9B8C-7D6E5F4A3B2C"));
		assertThat(parse("#id", "renamed").evaluate(this.request)).isEqualTo("42");
		assertThat(parse("#id", "uuid").evaluate(this.request)).isEqualTo("6f1c2b3a-0d4e-4f5a-9b8c-7d6e5f4a3b2c");
		this.request.setParameter("page", "007");
		this.request.setParameter("lang", "de");
		this.request.addHeader("X-Tenant", "acme");
		this.request.setAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE, Map.of("id", "42"));
		assertThat(parse("#id + ':' + #page", "mixed").evaluate(this.request)).isEqualTo("42:7");
		assertThat(parse("#n", "optional").evaluate(this.request)).isNull();
		this.request.setParameter("n", "+5");
		assertThat(parse("#n", "optional").evaluate(this.request)).isEqualTo("5");
	}

	@Test
	void argumentThatDoesNotConvertMakesANullKey() {
		this.request.setAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE,
				Map.of("placeId", "forty-two", "id", "not-a-uuid"));
		assertThat(parse("#id", "renamed").evaluate(this.request)).isNull();
		assertThat(parse("#id", "uuid").evaluate(this.request)).isNull();
		assertThat(parse("'p' + #id", "renamed").evaluate(this.request)).isNull();
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

		String uuid(@PathVariable UUID id) {
			return "";
		}

		String optional(@RequestParam Optional<Integer> n) {
			return "";
		}

	}

}
