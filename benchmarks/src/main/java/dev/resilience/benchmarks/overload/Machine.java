package dev.resilience.benchmarks.overload;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What the result was measured on, printed with it.
 *
 * @param cores processors available to the JVM
 * @param jdk the JDK's vendor and version
 * @param os the operating system
 * @param date when the run started, UTC
 */
record Machine(int cores, String jdk, String os, Instant date) {

	static Machine current() {
		return new Machine(Runtime.getRuntime().availableProcessors(),
				System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"),
				System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
						+ System.getProperty("os.arch"),
				Instant.now().truncatedTo(ChronoUnit.SECONDS));
	}

	/**
	 * The system's load average over the last minute, which says how much the machine was shared.
	 * @return the load average, or a negative value if unknown
	 */
	static double loadAverage() {
		return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
	}

}
