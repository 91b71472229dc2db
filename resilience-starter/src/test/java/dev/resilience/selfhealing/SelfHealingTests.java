package dev.resilience.selfhealing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;

import static org.assertj.core.api.Assertions.assertThat;

class SelfHealingTests {

	@TempDir
	Path dumps;

	private final List<Object> states = new CopyOnWriteArrayList<>();

	private final ApplicationEventPublisher events = (event) -> {
		if (event instanceof AvailabilityChangeEvent<?> change) {
			this.states.add(change.getState());
		}
	};

	private final BlockingQueue<Integer> exits = new LinkedBlockingQueue<>();

	@Test
	void firstReportPublishesBrokenAndRefusingWritesThreadDumpAndIsKept() throws Exception {
		SelfHealing selfHealing = selfHealing(OnFatal.REPORT, Duration.ZERO);
		assertThat(selfHealing.isFatal()).isFalse();
		assertThat(selfHealing.reportFatal(FatalCause.DEADLOCK, "threads a, b")).isTrue();
		assertThat(this.states).containsExactly(ReadinessState.REFUSING_TRAFFIC, LivenessState.BROKEN);
		Fatality fatality = selfHealing.getFatality();
		assertThat(fatality.cause()).isEqualTo(FatalCause.DEADLOCK);
		assertThat(fatality.detail()).isEqualTo("threads a, b");
		assertThat(fatality.threadDump()).exists().hasParent(this.dumps);
		assertThat(Files.readString(fatality.threadDump())).contains("Full thread dump")
			.contains("\"" + Thread.currentThread().getName() + "\"");

		assertThat(selfHealing.reportFatal(FatalCause.OUT_OF_MEMORY, "later")).isFalse();
		assertThat(selfHealing.getFatality()).isEqualTo(fatality);
		assertThat(this.states).hasSize(2);
		try (var files = Files.list(this.dumps)) {
			assertThat(files).hasSize(1);
		}
	}

	@Test
	void outOfMemoryIsDescribedOnlyAfterTheReserveIsReleased() {
		SelfHealing selfHealing = selfHealing(OnFatal.REPORT, Duration.ZERO);
		assertThat(selfHealing.hasReserve()).isTrue();
		List<Boolean> reserveWhileDescribing = new CopyOnWriteArrayList<>();
		assertThat(selfHealing.reportOutOfMemory(new OutOfMemoryError("Java heap space"), "thread \"t\"", (where) -> {
			reserveWhileDescribing.add(selfHealing.hasReserve());
			return where;
		})).isTrue();
		assertThat(reserveWhileDescribing).containsExactly(false);
		assertThat(selfHealing.getFatality().detail()).isEqualTo("OutOfMemoryError in thread \"t\": Java heap space");
		assertThat(selfHealing.reportOutOfMemory(new OutOfMemoryError(), "again", (where) -> {
			throw new AssertionError("a second report is not described");
		})).isFalse();
	}

	@Test
	void monitorsDescribeOnlyAfterTheReserveIsReleased() {
		SelfHealing selfHealing = selfHealing(OnFatal.REPORT, Duration.ZERO);
		List<Boolean> reserveWhileDescribing = new CopyOnWriteArrayList<>();
		assertThat(selfHealing.reportFatal(FatalCause.HEAP_AFTER_GC, () -> {
			reserveWhileDescribing.add(selfHealing.hasReserve());
			return "heap full";
		})).isTrue();
		assertThat(reserveWhileDescribing).containsExactly(false);
		assertThat(selfHealing.getFatality().detail()).isEqualTo("heap full");
		assertThat(selfHealing.reportFatal(FatalCause.GC_OVERHEAD, () -> {
			throw new AssertionError("a second report is not described");
		})).isFalse();
	}

	@Test
	void outOfMemoryWhileDescribingStillReports() {
		SelfHealing selfHealing = selfHealing(OnFatal.REPORT, Duration.ZERO);
		assertThat(selfHealing.reportOutOfMemory(new OutOfMemoryError(), "x", (where) -> {
			throw new OutOfMemoryError("while describing");
		})).isTrue();
		assertThat(selfHealing.getFatality().cause()).isEqualTo(FatalCause.OUT_OF_MEMORY);
		assertThat(selfHealing.getFatality().detail()).startsWith("OutOfMemoryError (no memory left");
		assertThat(this.states).containsExactly(ReadinessState.REFUSING_TRAFFIC, LivenessState.BROKEN);
	}

	@Test
	void reportOnlyNeverExits() throws Exception {
		SelfHealing selfHealing = selfHealing(OnFatal.REPORT, Duration.ZERO);
		selfHealing.reportFatal(FatalCause.GC_OVERHEAD, "spiral");
		assertThat(this.exits.poll(500, TimeUnit.MILLISECONDS)).isNull();
	}

	@Test
	void exitWaitsForDrainPeriodThenExitsWithDocumentedStatus() throws Exception {
		SelfHealing selfHealing = selfHealing(OnFatal.EXIT, Duration.ofMillis(200));
		long reported = System.nanoTime();
		selfHealing.reportFatal(FatalCause.HEAP_AFTER_GC, "full");
		assertThat(this.exits.poll(30, TimeUnit.SECONDS)).isEqualTo(SelfHealing.EXIT_STATUS).isEqualTo(70);
		assertThat(Duration.ofNanos(System.nanoTime() - reported)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
	}

	@Test
	void resetCancelsPendingExitAndRestoresCorrectAndAccepting() throws Exception {
		SelfHealing selfHealing = selfHealing(OnFatal.EXIT, Duration.ofSeconds(1));
		selfHealing.reportFatal(FatalCause.OUT_OF_MEMORY, "oom");
		selfHealing.reset();
		assertThat(selfHealing.isFatal()).isFalse();
		assertThat(this.states).endsWith(LivenessState.CORRECT, ReadinessState.ACCEPTING_TRAFFIC);
		assertThat(this.exits.poll(2, TimeUnit.SECONDS)).isNull();
		assertThat(selfHealing.reportFatal(FatalCause.DEADLOCK, "again")).isTrue();
	}

	@Test
	void unwritableDumpDirectoryStillFlipsProbes() throws Exception {
		Path file = Files.createFile(this.dumps.resolve("not-a-directory"));
		SelfHealing selfHealing = new SelfHealing(this.events, new ThreadDumpWriter(file), OnFatal.REPORT,
				Duration.ZERO, this.exits::add);
		assertThat(selfHealing.reportFatal(FatalCause.DEADLOCK, "x")).isTrue();
		assertThat(this.states).containsExactly(ReadinessState.REFUSING_TRAFFIC, LivenessState.BROKEN);
		assertThat(selfHealing.getFatality().threadDump()).isNull();
	}

	private SelfHealing selfHealing(OnFatal onFatal, Duration drain) {
		return new SelfHealing(this.events, new ThreadDumpWriter(this.dumps), onFatal, drain, this.exits::add);
	}

}
