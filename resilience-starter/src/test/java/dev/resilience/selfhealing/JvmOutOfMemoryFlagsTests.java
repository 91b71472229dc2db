package dev.resilience.selfhealing;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class JvmOutOfMemoryFlagsTests {

	private final HotSpotDiagnosticMXBean diagnostics = ManagementFactory
		.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

	@TempDir
	Path temp;

	@Test
	void readsTheJvmsOutOfMemoryFlags() {
		JvmOutOfMemoryFlags flags = new JvmOutOfMemoryFlags(null);
		assertThat(flags.getExitOnOutOfMemoryError())
			.isEqualTo(Boolean.valueOf(value("ExitOnOutOfMemoryError")));
		assertThat(flags.getHeapDumpOnOutOfMemoryError())
			.isEqualTo(Boolean.valueOf(value("HeapDumpOnOutOfMemoryError")));
		assertThat(flags.toMap()).containsKeys("ExitOnOutOfMemoryError", "CrashOnOutOfMemoryError",
				"HeapDumpOnOutOfMemoryError", "HeapDumpPath");
	}

	@Test
	void heapDumpDirectoryTurnsOnManageableHeapDumpFlagsUntilDestroyed() {
		String dumpBefore = value("HeapDumpOnOutOfMemoryError");
		String pathBefore = value("HeapDumpPath");
		Path directory = this.temp.resolve("heap");
		JvmOutOfMemoryFlags flags = new JvmOutOfMemoryFlags(directory);
		try {
			assertThat(directory).isDirectory();
			assertThat(value("HeapDumpOnOutOfMemoryError")).isEqualTo("true");
			assertThat(value("HeapDumpPath")).isEqualTo(directory.toAbsolutePath().toString());
			assertThat(flags.getHeapDumpOnOutOfMemoryError()).isTrue();
			assertThat(flags.getHeapDumpPath()).isEqualTo(directory.toAbsolutePath().toString());
		}
		finally {
			flags.destroy();
		}
		assertThat(value("HeapDumpOnOutOfMemoryError")).isEqualTo(dumpBefore);
		assertThat(value("HeapDumpPath")).isEqualTo(pathBefore);
	}

	private String value(String flag) {
		return this.diagnostics.getVMOption(flag).getValue();
	}

}
