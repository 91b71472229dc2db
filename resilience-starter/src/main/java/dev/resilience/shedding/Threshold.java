package dev.resilience.shedding;

/**
 * A threshold that handlers and path rules share: the global one, a tier's, or a handler's own. Tiers and the global
 * threshold may be changed at runtime, so a handler refers to its threshold rather than holding a copy.
 */
final class Threshold {

	private final String name;

	private volatile double value;

	Threshold(String name, double value) {
		this.name = name;
		this.value = value;
	}

	String name() {
		return this.name;
	}

	double value() {
		return this.value;
	}

	void set(double value) {
		this.value = value;
	}

}
