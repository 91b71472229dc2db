package dev.resilience.shedding;

import org.springframework.http.ProblemDetail;

/**
 * Customizes the RFC 9457 problem document of a rejected request: its {@code type}, {@code title}, {@code detail}
 * and extra members. Declare one or more as beans; they are applied in order, once, at startup, so that a rejection
 * costs no more than writing the prepared document. The {@code status} is always
 * {@code resilience.shedding.rejection-status} and the {@code instance} always the rejected request's path: changes
 * to them are ignored.
 */
@FunctionalInterface
public interface ShedProblemDetailCustomizer {

	/**
	 * Customize the problem document.
	 * @param problem the document, with {@code type} {@code about:blank}, the status, its title and a detail
	 */
	void customize(ProblemDetail problem);

}
