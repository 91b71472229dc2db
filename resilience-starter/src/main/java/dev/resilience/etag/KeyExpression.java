package dev.resilience.etag;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.convert.ConversionException;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.SimpleEvaluationContext;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Key expression of an {@link ETagged} or {@link ChangesResource} handler, parsed once at startup and evaluated before
 * the handler runs, when its arguments are not resolved yet: each variable ({@code #id}) reads the raw value that binds
 * the handler parameter of that name, from the URI template, a request parameter or a header, and converts it to the
 * parameter's type with the conversion service Spring MVC binds with, so that equal arguments give equal keys
 * ({@code 01} and {@code 1} for a {@code long}, upper- and lower-case forms of a {@code UUID}). The common form
 * {@code #name} bypasses SpEL entirely.
 */
final class KeyExpression {

	private static final Pattern SINGLE_VARIABLE = Pattern.compile("#[A-Za-z_$][A-Za-z0-9_$]*");

	private static final SpelExpressionParser PARSER = new SpelExpressionParser();

	private static final ParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();

	private static final TypeDescriptor STRING = TypeDescriptor.valueOf(String.class);

	private final String source;

	private final @Nullable Expression expression;

	private final Variable[] variables;

	private KeyExpression(String source, @Nullable Expression expression, Variable[] variables) {
		this.source = source;
		this.expression = expression;
		this.variables = variables;
	}

	/**
	 * Parse a key expression for a handler method.
	 * @param source the expression
	 * @param handler the handler method whose parameters the variables name
	 * @return the parsed expression
	 * @throws IllegalArgumentException if the expression does not parse or names a variable that no path variable,
	 * request parameter or header binds
	 */
	static KeyExpression parse(String source, HandlerMethod handler) {
		return parse(source, handler, ApplicationConversionService.getSharedInstance());
	}

	/**
	 * Parse a key expression for a handler method.
	 * @param source the expression
	 * @param handler the handler method whose parameters the variables name
	 * @param conversion converts raw values to the types of the parameters they bind
	 * @return the parsed expression
	 * @throws IllegalArgumentException if the expression does not parse or names a variable that no path variable,
	 * request parameter or header binds
	 */
	static KeyExpression parse(String source, HandlerMethod handler, ConversionService conversion) {
		if (!StringUtils.hasText(source)) {
			throw new IllegalArgumentException("key must not be empty; use for example \"#id\"");
		}
		Map<String, Variable> available = bindableParameters(handler.getMethod(), handler.getMethodParameters(),
				conversion);
		String trimmed = source.trim();
		if (SINGLE_VARIABLE.matcher(trimmed).matches()) {
			return new KeyExpression(source, null, new Variable[] { lookup(available, trimmed.substring(1), source) });
		}
		Expression expression;
		try {
			expression = PARSER.parseExpression(trimmed);
		}
		catch (ParseException ex) {
			throw new IllegalArgumentException("key \"" + source + "\" is not a valid SpEL expression: " + ex.getMessage(),
					ex);
		}
		Set<String> names = new LinkedHashSet<>();
		collectVariables(((SpelExpression) expression).getAST(), names);
		List<Variable> variables = new ArrayList<>();
		for (String name : names) {
			if (!name.equals("root") && !name.equals("this")) {
				variables.add(lookup(available, name, source));
			}
		}
		return new KeyExpression(source, expression, variables.toArray(new Variable[0]));
	}

	/**
	 * Evaluate the key for a request.
	 * @param request the request, after handler mapping
	 * @return the key, or {@code null} if it evaluates to {@code null} or cannot be evaluated for this request's input
	 */
	@Nullable String evaluate(HttpServletRequest request) {
		try {
			if (this.expression == null) {
				Object value = this.variables[0].value(request);
				return (value != null) ? value.toString() : null;
			}
			SimpleEvaluationContext context = SimpleEvaluationContext.forReadOnlyDataBinding()
				.withInstanceMethods()
				.build();
			for (Variable variable : this.variables) {
				context.setVariable(variable.name, variable.value(request));
			}
			Object value = this.expression.getValue(context);
			return (value != null) ? value.toString() : null;
		}
		catch (ConversionException | EvaluationException | IllegalArgumentException | IndexOutOfBoundsException ex) {
			// input the handler could not bind either (MVC answers 400) or an expression that fails on it
			return null;
		}
	}

	@Override
	public String toString() {
		return this.source;
	}

	private static Variable lookup(Map<String, Variable> available, String name, String source) {
		Variable variable = available.get(name);
		if (variable == null) {
			throw new IllegalArgumentException("key \"" + source + "\" refers to #" + name + ", but the handler has no "
					+ "parameter of that name bound from a path variable, a request parameter or a header (bindable: "
					+ available.keySet() + ")");
		}
		return variable;
	}

	private static void collectVariables(SpelNode node, Set<String> names) {
		if (node instanceof VariableReference) {
			names.add(node.toStringAST().substring(1));
		}
		for (int i = 0; i < node.getChildCount(); i++) {
			collectVariables(node.getChild(i), names);
		}
	}

	private static Map<String, Variable> bindableParameters(Method method, MethodParameter[] parameters,
			ConversionService conversion) {
		String[] names = NAMES.getParameterNames(method);
		Map<String, Variable> variables = new LinkedHashMap<>();
		for (int i = 0; i < parameters.length; i++) {
			String name = (names != null) ? names[i] : null;
			MethodParameter parameter = parameters[i];
			Variable variable = null;
			PathVariable path = parameter.getParameterAnnotation(PathVariable.class);
			RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
			RequestHeader header = parameter.getParameterAnnotation(RequestHeader.class);
			TypeDescriptor target = conversionTarget(parameter, conversion);
			if (path != null) {
				variable = Variable.of(Source.PATH, firstText(path.name(), path.value(), name), name, target,
						conversion);
			}
			else if (param != null) {
				variable = Variable.of(Source.PARAMETER, firstText(param.name(), param.value(), name), name, target,
						conversion);
			}
			else if (header != null) {
				variable = Variable.of(Source.HEADER, firstText(header.name(), header.value(), name), name, target,
						conversion);
			}
			else if (name != null && parameter.getParameterAnnotations().length == 0
					&& BeanUtils.isSimpleProperty(parameter.getParameterType())) {
				variable = Variable.of(Source.PARAMETER, name, name, target, conversion);
			}
			if (variable != null) {
				variables.put(variable.name, variable);
			}
		}
		return variables;
	}

	/**
	 * Type a raw value is converted to before it becomes (part of) a key, or {@code null} to keep the raw string:
	 * simple value types other than strings, as MVC would bind them (an {@code Optional}'s content type).
	 */
	private static @Nullable TypeDescriptor conversionTarget(MethodParameter parameter, ConversionService conversion) {
		MethodParameter nested = parameter.nestedIfOptional();
		Class<?> type = nested.getNestedParameterType();
		if (CharSequence.class.isAssignableFrom(type) || !BeanUtils.isSimpleValueType(type)) {
			return null;
		}
		TypeDescriptor target = new TypeDescriptor(nested);
		return conversion.canConvert(STRING, target) ? target : null;
	}

	private static @Nullable String firstText(String first, String second, @Nullable String fallback) {
		return StringUtils.hasText(first) ? first : StringUtils.hasText(second) ? second : fallback;
	}

	private enum Source {

		PATH, PARAMETER, HEADER

	}

	private static final class Variable {

		private final Source source;

		private final String bindingName;

		private final String name;

		private final @Nullable TypeDescriptor target;

		private final ConversionService conversion;

		private Variable(Source source, String bindingName, String name, @Nullable TypeDescriptor target,
				ConversionService conversion) {
			this.source = source;
			this.bindingName = bindingName;
			this.name = name;
			this.target = target;
			this.conversion = conversion;
		}

		static @Nullable Variable of(Source source, @Nullable String bindingName, @Nullable String name,
				@Nullable TypeDescriptor target, ConversionService conversion) {
			return (bindingName != null && name != null) ? new Variable(source, bindingName, name, target, conversion)
					: null;
		}

		/**
		 * Value as the handler receives it: the raw string converted to the parameter's type.
		 * @throws ConversionException if the raw value does not convert
		 */
		@Nullable Object value(HttpServletRequest request) {
			String raw = read(request);
			return (raw != null && this.target != null) ? this.conversion.convert(raw, STRING, this.target) : raw;
		}

		@SuppressWarnings("unchecked")
		@Nullable String read(HttpServletRequest request) {
			if (this.source == Source.PARAMETER) {
				return request.getParameter(this.bindingName);
			}
			if (this.source == Source.HEADER) {
				return request.getHeader(this.bindingName);
			}
			Object variables = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
			return (variables instanceof Map<?, ?> map) ? ((Map<String, String>) map).get(this.bindingName) : null;
		}

	}

}
