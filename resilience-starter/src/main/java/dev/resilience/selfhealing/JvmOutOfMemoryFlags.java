package dev.resilience.selfhealing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;

/**
 * The JVM's own out-of-memory flags, read through {@link HotSpotDiagnosticMXBean}: whether the JVM exits
 * ({@code ExitOnOutOfMemoryError}) and writes a heap dump ({@code HeapDumpOnOutOfMemoryError}, {@code HeapDumpPath})
 * on an {@link OutOfMemoryError}. Both heap-dump flags are manageable: when a heap dump directory is configured, they
 * are set at runtime, and restored when the application context closes.
 */
public class JvmOutOfMemoryFlags implements DisposableBean {

	static final String EXIT_ON_OOM = "ExitOnOutOfMemoryError";

	static final String CRASH_ON_OOM = "CrashOnOutOfMemoryError";

	static final String HEAP_DUMP_ON_OOM = "HeapDumpOnOutOfMemoryError";

	static final String HEAP_DUMP_PATH = "HeapDumpPath";

	private static final Log logger = LogFactory.getLog(JvmOutOfMemoryFlags.class);

	private final HotSpotDiagnosticMXBean diagnostics;

	private final Map<String, String> restore = new LinkedHashMap<>();

	/**
	 * Read the flags and, if {@code heapDumpDirectory} is not {@code null}, create the directory and turn on heap dumps
	 * into it.
	 * @param heapDumpDirectory directory for heap dumps, or {@code null} to leave the JVM's settings alone
	 */
	public JvmOutOfMemoryFlags(Path heapDumpDirectory) {
		this.diagnostics = diagnostics();
		if (heapDumpDirectory != null) {
			enableHeapDumps(heapDumpDirectory);
		}
		if (logger.isInfoEnabled()) {
			logger.info("JVM out-of-memory flags: " + toMap()
					+ (Boolean.FALSE.equals(getHeapDumpOnOutOfMemoryError())
							? "; no heap dump will be written, set resilience.self-healing.heap-dump-path to keep one"
							: ""));
		}
	}

	private static HotSpotDiagnosticMXBean diagnostics() {
		try {
			return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	private void enableHeapDumps(Path directory) {
		if (this.diagnostics == null) {
			logger.warn("No HotSpotDiagnosticMXBean in this JVM: cannot turn on heap dumps to " + directory);
			return;
		}
		try {
			Files.createDirectories(directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create the heap dump directory " + directory, ex);
		}
		set(HEAP_DUMP_PATH, directory.toAbsolutePath().toString());
		set(HEAP_DUMP_ON_OOM, "true");
	}

	private void set(String flag, String value) {
		String previous = this.diagnostics.getVMOption(flag).getValue();
		if (!previous.equals(value)) {
			this.diagnostics.setVMOption(flag, value);
			this.restore.put(flag, previous);
		}
	}

	/**
	 * Whether the JVM exits on its first {@link OutOfMemoryError}: no drain period, no thread dump.
	 * @return the flag, or {@code null} if this JVM does not say
	 */
	public Boolean getExitOnOutOfMemoryError() {
		return flag(EXIT_ON_OOM);
	}

	/**
	 * Whether the JVM crashes (with an {@code hs_err} file) on its first {@link OutOfMemoryError}.
	 * @return the flag, or {@code null} if this JVM does not say
	 */
	public Boolean getCrashOnOutOfMemoryError() {
		return flag(CRASH_ON_OOM);
	}

	/**
	 * Whether the JVM writes a heap dump on its first {@link OutOfMemoryError}.
	 * @return the flag, or {@code null} if this JVM does not say
	 */
	public Boolean getHeapDumpOnOutOfMemoryError() {
		return flag(HEAP_DUMP_ON_OOM);
	}

	/**
	 * Where the JVM writes a heap dump.
	 * @return the path, empty for the working directory, or {@code null} if this JVM does not say
	 */
	public String getHeapDumpPath() {
		return value(HEAP_DUMP_PATH);
	}

	/**
	 * The flags as a map, for health details and the {@code resilience} endpoint.
	 * @return flag name to value; flags this JVM does not know are left out
	 */
	public Map<String, Object> toMap() {
		Map<String, Object> flags = new LinkedHashMap<>();
		putIfKnown(flags, EXIT_ON_OOM, getExitOnOutOfMemoryError());
		putIfKnown(flags, CRASH_ON_OOM, getCrashOnOutOfMemoryError());
		putIfKnown(flags, HEAP_DUMP_ON_OOM, getHeapDumpOnOutOfMemoryError());
		putIfKnown(flags, HEAP_DUMP_PATH, getHeapDumpPath());
		return flags;
	}

	private static void putIfKnown(Map<String, Object> flags, String name, Object value) {
		if (value != null) {
			flags.put(name, value);
		}
	}

	private Boolean flag(String name) {
		String value = value(name);
		return (value != null) ? Boolean.valueOf(value) : null;
	}

	private String value(String name) {
		if (this.diagnostics == null) {
			return null;
		}
		try {
			VMOption option = this.diagnostics.getVMOption(name);
			return option.getValue();
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	@Override
	public void destroy() {
		this.restore.forEach((flag, value) -> this.diagnostics.setVMOption(flag, value));
		this.restore.clear();
	}

}
