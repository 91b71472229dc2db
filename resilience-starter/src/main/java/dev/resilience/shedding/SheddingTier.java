package dev.resilience.shedding;

import java.util.List;

/**
 * A named shedding tier, as configured under {@code resilience.shedding.tiers.<name>}: the threshold its endpoints are
 * shed at, and the path rules that make handlers join it without being annotated.
 *
 * @param name the tier's name
 * @param threshold pressure at or above which its endpoints are shed, in {@code (0, 1]}
 * @param paths its path rules (see {@link PathRule}), possibly empty
 */
public record SheddingTier(String name, double threshold, List<String> paths) {

	public SheddingTier {
		paths = (paths != null) ? List.copyOf(paths) : List.of();
	}

}
