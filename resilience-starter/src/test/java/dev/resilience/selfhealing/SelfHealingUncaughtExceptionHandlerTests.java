package dev.resilience.selfhealing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class SelfHealingUncaughtExceptionHandlerTests {

	@TempDir
	Path dumps;

	private Thread.UncaughtExceptionHandler original;

	private final List<Throwable> seenByPrevious = new CopyOnWriteArrayList<>();

	private final List<SelfHealingUncaughtExceptionHandler> installed = new ArrayList<>();

	@BeforeEach
	void installPrevious() {
		this.original = Thread.getDefaultUncaughtExceptionHandler();
		Thread.setDefaultUncaughtExceptionHandler((thread, ex) -> this.seenByPrevious.add(ex));
	}

	@AfterEach
	void restoreOriginal() {
		for (int i = this.installed.size() - 1; i >= 0; i--) {
			this.installed.get(i).stop();
		}
		Thread.setDefaultUncaughtExceptionHandler(this.original);
	}

	private SelfHealing installed() {
		SelfHealing selfHealing = selfHealing();
		SelfHealingUncaughtExceptionHandler handler = new SelfHealingUncaughtExceptionHandler(selfHealing);
		handler.start();
		this.installed.add(handler);
		return selfHealing;
	}

	@Test
	void outOfMemoryErrorEndingThreadIsFatalAndPreviousHandlerStillRuns() throws Exception {
		SelfHealing selfHealing = installed();
		OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
		die("worker-7", oom);
		assertThat(selfHealing.getFatality().cause()).isEqualTo(FatalCause.OUT_OF_MEMORY);
		assertThat(selfHealing.getFatality().detail())
			.isEqualTo("OutOfMemoryError in thread \"worker-7\": Java heap space");
		assertThat(this.seenByPrevious).containsExactly(oom);
	}

	@Test
	void realOutOfMemoryErrorFromJvmIsSeen() throws Exception {
		SelfHealing selfHealing = installed();
		// the JVM refuses this array at once, without filling the heap
		Thread thread = new Thread(() -> System.out.println(new long[Integer.MAX_VALUE].length), "too-big");
		thread.start();
		thread.join(10_000);
		assertThat(selfHealing.getFatality().detail())
			.startsWith("OutOfMemoryError in thread \"too-big\": Requested array size exceeds VM limit");
		assertThat(this.seenByPrevious).singleElement().isInstanceOf(OutOfMemoryError.class);
	}

	@Test
	void otherExceptionsOnlyReachPreviousHandler() throws Exception {
		SelfHealing selfHealing = installed();
		IllegalStateException failure = new IllegalStateException("boom");
		die("worker", failure);
		assertThat(selfHealing.isFatal()).isFalse();
		assertThat(this.seenByPrevious).containsExactly(failure);
	}

	@Test
	void stopRestoresPreviousDefaultHandler() {
		Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
		SelfHealingUncaughtExceptionHandler handler = new SelfHealingUncaughtExceptionHandler(selfHealing());
		handler.start();
		assertThat(Thread.getDefaultUncaughtExceptionHandler()).isSameAs(handler);
		assertThat(handler.getPrevious()).isSameAs(previous);
		handler.stop();
		assertThat(Thread.getDefaultUncaughtExceptionHandler()).isSameAs(previous);
		assertThat(handler.isRunning()).isFalse();
	}

	@Test
	void stackedHandlersOfTwoContextsReportOnlyInNewestAndStillReachOriginal() throws Exception {
		SelfHealing first = selfHealing();
		SelfHealing second = selfHealing();
		SelfHealingUncaughtExceptionHandler firstHandler = new SelfHealingUncaughtExceptionHandler(first);
		SelfHealingUncaughtExceptionHandler secondHandler = new SelfHealingUncaughtExceptionHandler(second);
		firstHandler.start();
		secondHandler.start();
		try {
			die("worker", new OutOfMemoryError("x"));
			assertThat(second.isFatal()).isTrue();
			assertThat(first.isFatal()).isFalse();
			assertThat(this.seenByPrevious).hasSize(1);
			// the first context closes while the second runs: the second stays the default and still chains
			firstHandler.stop();
			assertThat(Thread.getDefaultUncaughtExceptionHandler()).isSameAs(secondHandler);
			die("worker", new IllegalStateException("y"));
			assertThat(this.seenByPrevious).hasSize(2);
		}
		finally {
			secondHandler.stop();
			firstHandler.stop();
		}
	}

	@Test
	void stoppedHandlerLeftInChainNoLongerReports() throws Exception {
		SelfHealing selfHealing = selfHealing();
		SelfHealingUncaughtExceptionHandler handler = new SelfHealingUncaughtExceptionHandler(selfHealing);
		handler.start();
		Thread.UncaughtExceptionHandler installedLater = (thread, ex) -> handler.uncaughtException(thread, ex);
		Thread.setDefaultUncaughtExceptionHandler(installedLater);
		handler.stop();
		assertThat(Thread.getDefaultUncaughtExceptionHandler()).isSameAs(installedLater);
		die("worker", new OutOfMemoryError("x"));
		assertThat(selfHealing.isFatal()).isFalse();
		assertThat(this.seenByPrevious).hasSize(1);
	}

	private static void die(String name, Throwable ex) throws InterruptedException {
		Thread thread = new Thread(() -> {
			if (ex instanceof Error error) {
				throw error;
			}
			throw (RuntimeException) ex;
		}, name);
		thread.start();
		thread.join(10_000);
	}

	private SelfHealing selfHealing() {
		return TestSelfHealing.reportOnly(this.dumps);
	}

}
