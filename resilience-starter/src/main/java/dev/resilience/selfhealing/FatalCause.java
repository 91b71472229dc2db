package dev.resilience.selfhealing;

/**
 * Why the application was declared fatally broken.
 */
public enum FatalCause {

	/**
	 * An {@link OutOfMemoryError} was thrown in a request thread or reached a thread's uncaught-exception handler.
	 */
	OUT_OF_MEMORY,

	/**
	 * Share of wall time spent in GC pauses over the sliding window exceeded its threshold (GC death spiral).
	 */
	GC_OVERHEAD,

	/**
	 * Old-generation usage after a collection exceeded its threshold: live data fills the heap.
	 */
	HEAP_AFTER_GC,

	/**
	 * Threads are deadlocked on monitors or ownable synchronizers.
	 */
	DEADLOCK

}
