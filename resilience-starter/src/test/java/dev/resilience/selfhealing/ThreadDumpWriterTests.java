package dev.resilience.selfhealing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class ThreadDumpWriterTests {

	@TempDir
	Path temp;

	@Test
	void writesAllThreadsToFileNamedAfterTimeAndPidCreatingDirectory() throws Exception {
		Path directory = this.temp.resolve("a/b");
		Path file = new ThreadDumpWriter(directory).write();
		assertThat(file).hasParent(directory);
		assertThat(file.getFileName().toString())
			.matches("threads-\\d{8}T\\d{6}\\.\\d{3}Z-pid" + ProcessHandle.current().pid() + "\\.txt");
		String dump = Files.readString(file);
		assertThat(dump).contains("Full thread dump")
			.contains("\"" + Thread.currentThread().getName() + "\" #")
			.contains("java.lang.Thread.State: RUNNABLE")
			.contains(ThreadDumpWriterTests.class.getName() + ".writesAllThreadsToFileNamedAfterTimeAndPid");
	}

	@Test
	void formatKeepsWholeStackUnlikeThreadInfoToString() {
		ThreadInfo info = ManagementFactory.getThreadMXBean()
			.getThreadInfo(new long[] { Thread.currentThread().getId() }, true, true)[0];
		assertThat(info.getStackTrace().length).isGreaterThan(8);
		String formatted = ThreadDumpWriter.format(info);
		assertThat(formatted.lines().filter((line) -> line.startsWith("\tat "))).hasSize(info.getStackTrace().length);
		assertThat(info.toString()).contains("...");
	}

	@Test
	void showsLocksHeldAndWaitedForAndDeadlockSummary() throws Exception {
		try (TestDeadlock deadlock = new TestDeadlock("dump-deadlock")) {
			String dump = Files.readString(new ThreadDumpWriter(this.temp).write());
			assertThat(dump).contains("\"dump-deadlock-1\"")
				.contains("lock held by \"dump-deadlock-2\"")
				.contains("- parking to wait for <0x")
				.contains("Locked ownable synchronizers:")
				.contains("java.util.concurrent.locks.ReentrantLock$NonfairSync")
				.contains("Found Java-level deadlock among 2 threads");
		}
	}

}
