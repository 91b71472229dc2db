package dev.resilience.selfhealing;

/**
 * Why the application was declared fatally broken.
 */
public enum FatalCause {

	/**
	 * An {@link OutOfMemoryError} was thrown in a request (seen by a Spring MVC exception resolver or a servlet
	 * filter) or reached a thread's uncaught-exception handler.
	 */
	OUT_OF_MEMORY,

	/**
	 * GC time beat run time by more than the GC time threshold (jvmquake's token bucket): a GC death spiral.
	 */
	GC_OVERHEAD,

	/**
	 * Heap occupancy after several collections in a row that reclaim the whole heap exceeded its threshold: live data
	 * fills the heap.
	 */
	HEAP_AFTER_GC,

	/**
	 * Threads are deadlocked on monitors or ownable synchronizers.
	 */
	DEADLOCK

}
