package dev.resilience;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.resilience.httpclient.autoconfigure.SharedHttpClientProperties;
import dev.resilience.shedding.autoconfigure.SheddingProperties;
import dev.resilience.timeouts.autoconfigure.TimeoutDefaultsEnvironmentPostProcessor;
import dev.resilience.timeouts.autoconfigure.TimeoutsProperties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.util.ClassUtils;
import org.springframework.util.StreamUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IDE metadata, as the build generates it: for the shedding, timeouts and HTTP cache Redis store properties,
 * against what is in force at runtime (every default the one a running application gets, every map's nested keys
 * named); for every
 * {@code resilience.*} property, a description, a hint with a description for each value of an enum-typed one, and
 * the optional dependency named where a value needs one.
 */
class ConfigurationMetadataTests {

	private static final Map<String, Class<?>> PREFIXES = Map.of("resilience.shedding", SheddingProperties.class,
			"resilience.timeouts", TimeoutsProperties.class, "resilience.http-client.cache.redis",
			SharedHttpClientProperties.Redis.class);

	private final Map<String, Object> metadata = metadata();

	@ParameterizedTest
	@ValueSource(strings = { "resilience.shedding", "resilience.timeouts", "resilience.http-client.cache.redis" })
	void everyPropertyHasADescriptionAndItsDefaultIsTheOneInForce(String prefix) throws Exception {
		StandardEnvironment environment = new StandardEnvironment();
		new TimeoutDefaultsEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
		Object bound = Binder.get(environment).bindOrCreate(prefix, PREFIXES.get(prefix));
		BeanWrapperImpl inForce = new BeanWrapperImpl(bound);
		List<Map<String, Object>> properties = properties(prefix);
		assertThat(properties).isNotEmpty();
		for (Map<String, Object> property : properties) {
			String name = (String) property.get("name");
			assertThat((String) property.get("description")).as("description of %s", name).isNotBlank();
			String type = (String) property.get("type");
			Object runtime = inForce.getPropertyValue(camelCase(name.substring(prefix.length() + 1)));
			if (type.startsWith("java.util.Map")) {
				assertThat(property).as("default of %s", name).doesNotContainKey("defaultValue");
				continue;
			}
			assertThat(property).as("default of %s", name).containsKey("defaultValue");
			Class<?> javaType = ClassUtils.forName(type, getClass().getClassLoader());
			Object documented = ApplicationConversionService.getSharedInstance()
				.convert(String.valueOf(property.get("defaultValue")), javaType);
			assertThat(documented).as("default of %s", name).isEqualTo(runtime);
		}
	}

	@Test
	void mapPropertiesNameTheirNestedKeys() {
		assertThat(description("resilience.shedding.tiers")).contains("'threshold'", "'paths'");
		assertThat(description("resilience.timeouts.profiles")).contains("'connect'", "'read'");
		assertThat(description("resilience.timeouts.serviceclient")).contains("'profile'");
		assertThat(type("resilience.shedding.tiers")).endsWith("SheddingProperties$Tier>");
		assertThat(type("resilience.timeouts.profiles")).endsWith("TimeoutsProperties$Profile>");
	}

	@Test
	void closedSetsOfValuesAreHinted() {
		assertThat(hintValues("resilience.shedding.rejection-status")).containsExactlyInAnyOrder("429", "503");
		assertThat(hintValues("resilience.http-client.cache.store")).containsExactlyInAnyOrderElementsOf(
				Arrays.stream(SharedHttpClientProperties.Store.values())
					.map((store) -> store.name().toLowerCase(Locale.ROOT))
					.toList());
		StandardEnvironment environment = new StandardEnvironment();
		new TimeoutDefaultsEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
		TimeoutsProperties timeouts = Binder.get(environment).bindOrCreate("resilience.timeouts",
				TimeoutsProperties.class);
		assertThat(hintValues("resilience.timeouts.profiles.keys"))
			.containsExactlyInAnyOrderElementsOf(timeouts.getProfiles().keySet());
		assertThat(this.metadata.get("properties").toString()).contains("management.endpoint.resilience.access");
	}

	@Test
	void everyResiliencePropertyHasADescription() {
		List<Map<String, Object>> properties = properties("resilience");
		assertThat(properties).hasSizeGreaterThan(50);
		for (Map<String, Object> property : properties) {
			assertThat((String) property.get("description")).as("description of %s", property.get("name"))
				.isNotBlank();
		}
	}

	@Test
	void everyEnumPropertyHintsEachOfItsValuesWithADescription() throws Exception {
		int enums = 0;
		for (Map<String, Object> property : properties("resilience")) {
			String name = (String) property.get("name");
			String type = (String) property.get("type");
			if (type == null || type.contains("<")) {
				continue;
			}
			Class<?> javaType = ClassUtils.forName(type, getClass().getClassLoader());
			if (!javaType.isEnum()) {
				continue;
			}
			enums++;
			Set<String> constants = Arrays.stream(javaType.getEnumConstants())
				.map((constant) -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-'))
				.collect(Collectors.toSet());
			assertThat(hintValues(name)).as("hinted values of %s", name).isEqualTo(constants);
			hintDescriptions(name).forEach((value, description) -> assertThat(description)
				.as("description of %s=%s", name, value)
				.isNotBlank());
		}
		assertThat(enums).as("enum-typed properties").isGreaterThanOrEqualTo(3);
	}

	@Test
	void valuesThatNeedAnOptionalDependencyNameIt() {
		assertThat(hintDescriptions("resilience.etag.store").get("redis")).contains("Spring Data Redis",
				"spring-boot-starter-data-redis");
		assertThat(hintDescriptions("resilience.http-client.cache.store").get("ehcache")).contains("org.ehcache:ehcache",
				"optional dependency");
	}

	private List<Map<String, Object>> properties(String prefix) {
		return list("properties").stream()
			.filter((property) -> ((String) property.get("name")).startsWith(prefix + "."))
			.toList();
	}

	private String description(String name) {
		return (String) property(name).get("description");
	}

	private String type(String name) {
		return (String) property(name).get("type");
	}

	private Map<String, Object> property(String name) {
		return list("properties").stream()
			.filter((property) -> property.get("name").equals(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no metadata for " + name));
	}

	@SuppressWarnings("unchecked")
	private Map<String, String> hintDescriptions(String name) {
		Map<String, Object> hint = list("hints").stream()
			.filter((each) -> each.get("name").equals(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no hint for " + name));
		Map<String, String> descriptions = new LinkedHashMap<>();
		((List<Map<String, Object>>) hint.get("values")).forEach((value) -> descriptions
			.put(String.valueOf(value.get("value")), (String) value.get("description")));
		return descriptions;
	}

	@SuppressWarnings("unchecked")
	private Set<String> hintValues(String name) {
		Map<String, Object> hint = list("hints").stream()
			.filter((each) -> each.get("name").equals(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no hint for " + name));
		return ((List<Map<String, Object>>) hint.get("values")).stream()
			.map((value) -> String.valueOf(value.get("value")))
			.collect(Collectors.toSet());
	}

	@SuppressWarnings("unchecked")
	private List<Map<String, Object>> list(String key) {
		return (List<Map<String, Object>>) this.metadata.get(key);
	}

	private static String camelCase(String dashed) {
		StringBuilder camel = new StringBuilder();
		boolean upper = false;
		for (char c : dashed.toCharArray()) {
			if (c == '-') {
				upper = true;
			}
			else {
				camel.append(upper ? Character.toUpperCase(c) : c);
				upper = false;
			}
		}
		return camel.toString();
	}

	private static Map<String, Object> metadata() {
		try (InputStream in = new ClassPathResource("META-INF/spring-configuration-metadata.json").getInputStream()) {
			return JsonParserFactory.getJsonParser().parseMap(StreamUtils.copyToString(in, StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
