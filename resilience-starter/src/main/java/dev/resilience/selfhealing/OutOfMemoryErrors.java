package dev.resilience.selfhealing;

/**
 * Finds an {@link OutOfMemoryError} in a throwable's cause chain: Spring MVC wraps errors thrown by handlers in a
 * {@code ServletException}.
 */
final class OutOfMemoryErrors {

	private static final int MAX_DEPTH = 16;

	private OutOfMemoryErrors() {
	}

	static OutOfMemoryError find(Throwable thrown) {
		Throwable candidate = thrown;
		for (int depth = 0; candidate != null && depth < MAX_DEPTH; depth++) {
			if (candidate instanceof OutOfMemoryError oom) {
				return oom;
			}
			candidate = candidate.getCause();
		}
		return null;
	}

}
