package dev.resilience.shedding;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.method.HandlerMethod;

/**
 * Which handler methods are {@link Sheddable}, and at which threshold. The annotation is looked up once per handler
 * method and cached, so the request path does a single map read.
 */
public class SheddableHandlers {

	/** Threshold value meaning "never shed". */
	static final double NOT_SHEDDABLE = Double.NaN;

	private final Map<HandlerMethod, Double> thresholds = new ConcurrentHashMap<>();

	private final double globalThreshold;

	/**
	 * Create the lookup.
	 * @param globalThreshold threshold of {@code @Sheddable} endpoints that do not set their own
	 */
	public SheddableHandlers(double globalThreshold) {
		this.globalThreshold = globalThreshold;
	}

	/**
	 * Threshold at which a handler is shed.
	 * @param handler the handler method
	 * @return the threshold in {@code (0, 1]}, or {@code NaN} if the handler is not sheddable
	 */
	public double thresholdOf(HandlerMethod handler) {
		Double threshold = this.thresholds.get(handler);
		if (threshold == null) {
			threshold = this.thresholds.computeIfAbsent(handler, this::resolve);
		}
		return threshold;
	}

	/**
	 * Check the {@code @Sheddable} thresholds of the application's handler methods, so that a bad value fails startup
	 * rather than the first request.
	 * @param handlers every handler method of the application
	 * @throws IllegalStateException naming the first handler with a threshold outside {@code (0, 1]}
	 */
	public void validate(Collection<HandlerMethod> handlers) {
		for (HandlerMethod handler : handlers) {
			Sheddable sheddable = findAnnotation(handler);
			if (sheddable != null && sheddable.threshold() != Sheddable.GLOBAL_THRESHOLD
					&& !(sheddable.threshold() > 0 && sheddable.threshold() <= 1)) {
				throw new IllegalStateException("@Sheddable(threshold = " + sheddable.threshold() + ") on "
						+ handler.getShortLogMessage() + " must be greater than 0 and at most 1");
			}
		}
	}

	private Double resolve(HandlerMethod handler) {
		Sheddable sheddable = findAnnotation(handler);
		if (sheddable == null) {
			return NOT_SHEDDABLE;
		}
		return (sheddable.threshold() == Sheddable.GLOBAL_THRESHOLD) ? this.globalThreshold : sheddable.threshold();
	}

	private static Sheddable findAnnotation(HandlerMethod handler) {
		Sheddable onMethod = AnnotatedElementUtils.findMergedAnnotation(handler.getMethod(), Sheddable.class);
		return (onMethod != null) ? onMethod
				: AnnotatedElementUtils.findMergedAnnotation(handler.getBeanType(), Sheddable.class);
	}

}
