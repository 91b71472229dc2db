package dev.resilience.actuate;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.resilience.support.ResilienceSection;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code resilience} actuator endpoint: one section per capability, each contributed by a
 * {@link ResilienceSection} bean.
 */
@Endpoint(id = "resilience")
public class ResilienceEndpoint {

	private final List<ResilienceSection> sections;

	public ResilienceEndpoint(List<ResilienceSection> sections) {
		this.sections = sections.stream().sorted(Comparator.comparing(ResilienceSection::name)).toList();
	}

	@ReadOperation
	public Map<String, Object> resilience() {
		Map<String, Object> document = new LinkedHashMap<>();
		for (ResilienceSection section : this.sections) {
			document.put(section.name(), section.describe());
		}
		return document;
	}

	@ReadOperation
	public Map<String, Object> section(@Selector String name) {
		for (ResilienceSection section : this.sections) {
			if (section.name().equals(name)) {
				return section.describe();
			}
		}
		return null;
	}

}
