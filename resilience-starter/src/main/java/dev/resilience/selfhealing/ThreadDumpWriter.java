package dev.resilience.selfhealing;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import com.sun.management.HotSpotDiagnosticMXBean;

/**
 * Writes a plain-text thread dump to a file named after the time and the process id: first the platform threads in
 * the layout of {@code jstack}, taken with {@link ThreadMXBean#dumpAllThreads(boolean, boolean)} (locks held and
 * waited for, a deadlock summary); then, on JDK 21 and later, the JDK's own dump of every thread, virtual threads
 * included, which {@code ThreadMXBean} does not see ({@code HotSpotDiagnosticMXBean.dumpThreads} in its
 * {@code TEXT_PLAIN} format, the one {@code jcmd <pid> Thread.dump_to_file} writes).
 */
public class ThreadDumpWriter {

	private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
		.withZone(ZoneOffset.UTC);

	/** Heading of the JDK's own dump, after the {@code jstack}-style part. */
	public static final String ALL_THREADS_HEADING = "All threads, virtual threads included"
			+ " (HotSpotDiagnosticMXBean.dumpThreads, TEXT_PLAIN):";

	private final Path directory;

	private final AllThreadsDump allThreads = AllThreadsDump.find();

	public ThreadDumpWriter(Path directory) {
		this.directory = directory;
	}

	/**
	 * Whether the dumps include the JDK's own dump of all threads, virtual threads included (JDK 21+).
	 * @return {@code true} on JDK 21 and later
	 */
	public boolean isVirtualThreadsIncluded() {
		return this.allThreads != null;
	}

	/**
	 * Directory the dumps are written to.
	 * @return the directory
	 */
	public Path getDirectory() {
		return this.directory;
	}

	/**
	 * Dump all threads to a new file in the directory, creating the directory if needed.
	 * @return the file written
	 * @throws IOException if the directory cannot be created or the file cannot be written
	 */
	public Path write() throws IOException {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		ThreadInfo[] infos = threads.dumpAllThreads(threads.isObjectMonitorUsageSupported(),
				threads.isSynchronizerUsageSupported());
		long[] deadlocked = threads.isSynchronizerUsageSupported() ? threads.findDeadlockedThreads()
				: threads.findMonitorDeadlockedThreads();
		Files.createDirectories(this.directory);
		long pid = ProcessHandle.current().pid();
		Instant now = Instant.now();
		Path file = this.directory.resolve("threads-" + FILE_TIME.format(now) + "-pid" + pid + ".txt");
		try {
			writeTo(file, threads, infos, deadlocked, now, pid);
		}
		catch (IOException | RuntimeException | Error ex) {
			// no half-written dump next to the one a retry writes
			Files.deleteIfExists(file);
			throw ex;
		}
		return file;
	}

	private void writeTo(Path file, ThreadMXBean threads, ThreadInfo[] infos, long[] deadlocked, Instant now, long pid)
			throws IOException {
		try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
			RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
			out.write(now + "\n");
			out.write("Full thread dump " + runtime.getVmName() + " (" + runtime.getVmVersion() + "), pid " + pid
					+ ":\n\n");
			for (ThreadInfo info : infos) {
				out.write(format(info));
				out.write('\n');
			}
			if (deadlocked != null && deadlocked.length > 0) {
				out.write("Found Java-level deadlock among " + deadlocked.length + " threads:\n");
				for (ThreadInfo info : threads.getThreadInfo(deadlocked, 0)) {
					if (info != null) {
						out.write("\"" + info.getThreadName() + "\": waiting for " + info.getLockName() + ", held by \""
								+ info.getLockOwnerName() + "\"\n");
					}
				}
			}
			if (this.allThreads != null) {
				out.write("\n" + ALL_THREADS_HEADING + "\n\n");
				this.allThreads.appendTo(out, this.directory.resolve(file.getFileName() + ".all"));
			}
		}
	}

	/**
	 * Format one thread the way {@code jstack} does, with its full stack (unlike {@link ThreadInfo#toString()}, which
	 * stops after eight frames).
	 * @param info the thread
	 * @return the thread's header line, stack and held locks, each line ending in a newline
	 */
	public static String format(ThreadInfo info) {
		StringBuilder text = new StringBuilder(512);
		text.append('"').append(info.getThreadName()).append("\" #").append(info.getThreadId());
		if (info.isDaemon()) {
			text.append(" daemon");
		}
		text.append(" prio=").append(info.getPriority()).append('\n');
		text.append("   java.lang.Thread.State: ").append(info.getThreadState());
		if (info.getLockOwnerName() != null) {
			text.append(" (lock held by \"").append(info.getLockOwnerName()).append("\" #").append(info.getLockOwnerId())
				.append(')');
		}
		text.append('\n');
		StackTraceElement[] stack = info.getStackTrace();
		MonitorInfo[] monitors = info.getLockedMonitors();
		for (int depth = 0; depth < stack.length; depth++) {
			text.append("\tat ").append(stack[depth]).append('\n');
			if (depth == 0 && info.getLockInfo() != null) {
				String verb = switch (info.getThreadState()) {
					case BLOCKED -> "waiting to lock ";
					case WAITING, TIMED_WAITING -> "park".equals(stack[0].getMethodName()) ? "parking to wait for "
							: "waiting on ";
					default -> "waiting on ";
				};
				text.append("\t- ").append(verb).append(describe(info.getLockInfo())).append('\n');
			}
			for (MonitorInfo monitor : monitors) {
				if (monitor.getLockedStackDepth() == depth) {
					text.append("\t- locked ").append(describe(monitor)).append('\n');
				}
			}
		}
		LockInfo[] synchronizers = info.getLockedSynchronizers();
		if (synchronizers.length > 0) {
			text.append("\n   Locked ownable synchronizers:\n");
			for (LockInfo synchronizer : synchronizers) {
				text.append("\t- ").append(describe(synchronizer)).append('\n');
			}
		}
		return text.toString();
	}

	private static String describe(LockInfo lock) {
		return "<0x" + Integer.toHexString(lock.getIdentityHashCode()) + "> (a " + lock.getClassName() + ")";
	}

	/**
	 * {@code HotSpotDiagnosticMXBean.dumpThreads(String, ThreadDumpFormat)}, JDK 21+, looked up once: the library
	 * is compiled for JDK 17.
	 */
	private record AllThreadsDump(Object bean, Method dumpThreads, Object textPlain) {

		static AllThreadsDump find() {
			if (Runtime.version().feature() < 21) {
				return null;
			}
			try {
				Class<?> format = Class.forName("com.sun.management.HotSpotDiagnosticMXBean$ThreadDumpFormat");
				Method dumpThreads = HotSpotDiagnosticMXBean.class.getMethod("dumpThreads", String.class, format);
				Object textPlain = format.getField("TEXT_PLAIN").get(null);
				return new AllThreadsDump(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class),
						dumpThreads, textPlain);
			}
			catch (ReflectiveOperationException | RuntimeException ex) {
				return null;
			}
		}

		void appendTo(Writer out, Path scratch) throws IOException {
			try {
				Files.deleteIfExists(scratch);
				this.dumpThreads.invoke(this.bean, scratch.toAbsolutePath().toString(), this.textPlain);
				try (Reader in = Files.newBufferedReader(scratch, StandardCharsets.UTF_8)) {
					in.transferTo(out);
				}
			}
			catch (IllegalAccessException | InvocationTargetException ex) {
				Throwable cause = (ex instanceof InvocationTargetException target) ? target.getCause() : ex;
				out.write("(not available: " + cause + ")\n");
			}
			finally {
				Files.deleteIfExists(scratch);
			}
		}

	}

}
