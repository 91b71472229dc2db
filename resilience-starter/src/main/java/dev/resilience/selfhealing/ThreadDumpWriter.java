package dev.resilience.selfhealing;

import java.io.IOException;
import java.io.Writer;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes a plain-text thread dump in the layout of {@code jstack}, taken with
 * {@link ThreadMXBean#dumpAllThreads(boolean, boolean)}, to a file named after the time and the process id.
 */
public class ThreadDumpWriter {

	private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
		.withZone(ZoneOffset.UTC);

	private final Path directory;

	public ThreadDumpWriter(Path directory) {
		this.directory = directory;
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
		}
		return file;
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

}
