package dev.resilience.selfhealing.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;

import dev.resilience.selfhealing.OnFatal;
import dev.resilience.support.PropertyChecks;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration properties for self-healing: detection of OOM, GC death spiral and deadlock, and what follows.
 */
@ConfigurationProperties("resilience.self-healing")
public class SelfHealingProperties implements Validator {

	/**
	 * Whether to watch for OOM, GC death spiral and deadlock and report them through liveness, readiness and the
	 * selfHealing health indicator.
	 */
	private boolean enabled = true;

	/**
	 * Share of the heap the JVM can use (Runtime.maxMemory()) that, still occupied after a collection that reclaims
	 * the whole heap (a full collection; a ZGC major or Shenandoah cycle), counts towards fatal.
	 */
	private double heapAfterGcThreshold = 0.9;

	/**
	 * Number of collections in a row that reclaim the whole heap and leave it above heap-after-gc-threshold before
	 * the application is fatal. Any collection that leaves it below starts the count again.
	 */
	private int heapAfterGcCollections = 3;

	/**
	 * Share of the usable heap that, still occupied after a collection that reclaims the whole heap, marks the
	 * application degraded: a health detail and a metric, not a probe.
	 */
	private double heapAfterGcDegradedThreshold = 0.8;

	/**
	 * Share of wall time spent in GC over the GC overhead window that marks the application degraded (not fatal:
	 * the fatal GC signal is the GC time deficit).
	 */
	private double gcOverheadThreshold = 0.25;

	/**
	 * Length of the sliding window over which the share of time spent in GC is measured.
	 */
	private Duration gcOverheadWindow = Duration.ofMinutes(1);

	/**
	 * Milliseconds of GC time that one millisecond of run time pays back in the GC time deficit (jvmquake's
	 * runtime weight): the deficit only grows while GC takes more than weight / (1 + weight) of the time.
	 */
	private double gcTimeRuntimeWeight = 5;

	/**
	 * GC time deficit (GC time minus run time times gc-time-runtime-weight, never below zero) that marks the
	 * application fatal: a GC death spiral.
	 */
	private Duration gcTimeThreshold = Duration.ofSeconds(30);

	/**
	 * Time between two checks for deadlocked threads.
	 */
	private Duration deadlockCheckInterval = Duration.ofSeconds(10);

	/**
	 * Directory that thread dumps are written to when the application becomes fatal; created if missing. Defaults to
	 * "resilience-dumps" in the directory named by the java.io.tmpdir system property.
	 */
	private Path dumpDirectory = Path.of(System.getProperty("java.io.tmpdir"), "resilience-dumps");

	/**
	 * Directory for the JVM's heap dump on OutOfMemoryError. When set, HeapDumpOnOutOfMemoryError and HeapDumpPath
	 * are turned on at startup; when unset, the JVM's own flags are left as they are.
	 */
	private Path heapDumpPath;

	/**
	 * What to do once the application is fatal, beyond flipping liveness and readiness: 'report' leaves the restart
	 * to the orchestrator's liveness probe, 'exit' also ends the process after the drain period.
	 */
	private OnFatal onFatal = OnFatal.REPORT;

	/**
	 * Time a fatal application keeps running, refusing new traffic, before it exits with on-fatal=exit.
	 */
	private Duration drainPeriod = Duration.ofSeconds(30);

	/**
	 * Maximum time the orderly shutdown that follows the drain period may take before the JVM is halted.
	 */
	private Duration shutdownTimeout = Duration.ofSeconds(30);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public double getHeapAfterGcThreshold() {
		return this.heapAfterGcThreshold;
	}

	public void setHeapAfterGcThreshold(double heapAfterGcThreshold) {
		this.heapAfterGcThreshold = heapAfterGcThreshold;
	}

	public int getHeapAfterGcCollections() {
		return this.heapAfterGcCollections;
	}

	public void setHeapAfterGcCollections(int heapAfterGcCollections) {
		this.heapAfterGcCollections = heapAfterGcCollections;
	}

	public double getHeapAfterGcDegradedThreshold() {
		return this.heapAfterGcDegradedThreshold;
	}

	public void setHeapAfterGcDegradedThreshold(double heapAfterGcDegradedThreshold) {
		this.heapAfterGcDegradedThreshold = heapAfterGcDegradedThreshold;
	}

	public double getGcTimeRuntimeWeight() {
		return this.gcTimeRuntimeWeight;
	}

	public void setGcTimeRuntimeWeight(double gcTimeRuntimeWeight) {
		this.gcTimeRuntimeWeight = gcTimeRuntimeWeight;
	}

	public Duration getGcTimeThreshold() {
		return this.gcTimeThreshold;
	}

	public void setGcTimeThreshold(Duration gcTimeThreshold) {
		this.gcTimeThreshold = gcTimeThreshold;
	}

	public double getGcOverheadThreshold() {
		return this.gcOverheadThreshold;
	}

	public void setGcOverheadThreshold(double gcOverheadThreshold) {
		this.gcOverheadThreshold = gcOverheadThreshold;
	}

	public Duration getGcOverheadWindow() {
		return this.gcOverheadWindow;
	}

	public void setGcOverheadWindow(Duration gcOverheadWindow) {
		this.gcOverheadWindow = gcOverheadWindow;
	}

	public Duration getDeadlockCheckInterval() {
		return this.deadlockCheckInterval;
	}

	public void setDeadlockCheckInterval(Duration deadlockCheckInterval) {
		this.deadlockCheckInterval = deadlockCheckInterval;
	}

	public Path getDumpDirectory() {
		return this.dumpDirectory;
	}

	public void setDumpDirectory(Path dumpDirectory) {
		this.dumpDirectory = dumpDirectory;
	}

	public Path getHeapDumpPath() {
		return this.heapDumpPath;
	}

	public void setHeapDumpPath(Path heapDumpPath) {
		this.heapDumpPath = heapDumpPath;
	}

	public OnFatal getOnFatal() {
		return this.onFatal;
	}

	public void setOnFatal(OnFatal onFatal) {
		this.onFatal = onFatal;
	}

	public Duration getDrainPeriod() {
		return this.drainPeriod;
	}

	public void setDrainPeriod(Duration drainPeriod) {
		this.drainPeriod = drainPeriod;
	}

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	@Override
	public boolean supports(Class<?> type) {
		return SelfHealingProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		SelfHealingProperties properties = (SelfHealingProperties) target;
		PropertyChecks.fraction(errors, "heapAfterGcThreshold", properties.getHeapAfterGcThreshold());
		PropertyChecks.atLeast(errors, "heapAfterGcCollections", properties.getHeapAfterGcCollections(), 1);
		PropertyChecks.fraction(errors, "heapAfterGcDegradedThreshold", properties.getHeapAfterGcDegradedThreshold());
		if (properties.getHeapAfterGcDegradedThreshold() > properties.getHeapAfterGcThreshold()) {
			errors.rejectValue("heapAfterGcDegradedThreshold", "range",
					"must not be above resilience.self-healing.heap-after-gc-threshold ("
							+ properties.getHeapAfterGcThreshold() + ")");
		}
		PropertyChecks.fraction(errors, "gcOverheadThreshold", properties.getGcOverheadThreshold());
		PropertyChecks.positive(errors, "gcOverheadWindow", properties.getGcOverheadWindow());
		if (!(properties.getGcTimeRuntimeWeight() > 0) || Double.isInfinite(properties.getGcTimeRuntimeWeight())) {
			errors.rejectValue("gcTimeRuntimeWeight", "range", "must be a positive number, for example 5");
		}
		PropertyChecks.positive(errors, "gcTimeThreshold", properties.getGcTimeThreshold());
		PropertyChecks.positive(errors, "deadlockCheckInterval", properties.getDeadlockCheckInterval());
		PropertyChecks.notNegative(errors, "drainPeriod", properties.getDrainPeriod());
		PropertyChecks.positive(errors, "shutdownTimeout", properties.getShutdownTimeout());
		if (properties.getDumpDirectory() == null) {
			errors.rejectValue("dumpDirectory", "required", "must be set to a writable directory");
		}
		if (properties.getOnFatal() == null) {
			errors.rejectValue("onFatal", "required", "must be 'report' or 'exit'");
		}
	}

}
