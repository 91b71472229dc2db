package dev.resilience.sample.demo;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.resilience.sample.SampleApplication;
import dev.resilience.sample.demo.LaunchDayDemo.Plan;
import dev.resilience.sample.demo.LaunchDayDemo.Summary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The live demo, run briefly so that it cannot rot: both phases print a row per second and a summary, and the sample
 * app it started is gone afterwards.
 */
class LaunchDayDemoTests {

	private static final Plan BRIEF = new Plan(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1), 100,
			10, Duration.ofMillis(300), Duration.ofSeconds(2), 500);

	@TempDir
	Path temp;

	@Test
	void runsBothPhasesPrintsALiveTableAndStopsTheApp() {
		ByteArrayOutputStream printed = new ByteArrayOutputStream();
		List<Summary> summaries = assertTimeoutPreemptively(Duration.ofMinutes(3), () -> new LaunchDayDemo(BRIEF,
				new PrintStream(printed, true, StandardCharsets.UTF_8))
			.run(this.temp.resolve("app.log")));
		String output = printed.toString(StandardCharsets.UTF_8);
		assertThat(summaries).extracting(Summary::phase).containsExactly("shedding on", "shedding off (dry run)");
		assertThat(output).contains("== shedding on ==", "== shedding off (dry run) ==", "During the spike:");
		List<String> rows = output.lines().filter((line) -> line.matches("\\s+\\d+\\s+(steady|spike)\\s.*")).toList();
		assertThat(rows).hasSize(2 * 4);
		assertThat(rows).filteredOn((row) -> row.contains(" spike ")).hasSize(2 * 2);
		assertThat(summaries).allSatisfy((summary) -> assertThat(
				summary.report2xx() + summary.report429() + summary.reportFailed()).isPositive());
		assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
			.filter((process) -> process.info().commandLine().orElse("").contains(SampleApplication.class.getName())))
			.isEmpty();
	}

}
