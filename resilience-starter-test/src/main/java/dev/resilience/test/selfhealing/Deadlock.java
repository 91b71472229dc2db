package dev.resilience.test.selfhealing;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Two threads that really deadlock, each holding one {@link ReentrantLock} and waiting for the other's, exactly what
 * {@link java.lang.management.ThreadMXBean#findDeadlockedThreads()} looks for. Unlike a deadlock on monitors, this
 * one can be ended: {@link #close()} interrupts both threads, which then give up their locks and finish.
 */
public final class Deadlock implements AutoCloseable {

	private static final Duration FORM_TIMEOUT = Duration.ofSeconds(10);

	private final Thread first;

	private final Thread second;

	private Deadlock(Thread first, Thread second) {
		this.first = first;
		this.second = second;
	}

	/**
	 * Start two threads and return once they are deadlocked.
	 * @param namePrefix prefix of the two threads' names
	 * @return the deadlock
	 * @throws AssertionError if the threads do not deadlock within ten seconds
	 */
	public static Deadlock start(String namePrefix) {
		ReentrantLock a = new ReentrantLock();
		ReentrantLock b = new ReentrantLock();
		CyclicBarrier bothHoldOne = new CyclicBarrier(2);
		Thread first = new Thread(() -> lockInOrder(a, b, bothHoldOne), namePrefix + "-1");
		Thread second = new Thread(() -> lockInOrder(b, a, bothHoldOne), namePrefix + "-2");
		first.setDaemon(true);
		second.setDaemon(true);
		first.start();
		second.start();
		Deadlock deadlock = new Deadlock(first, second);
		deadlock.awaitFormed();
		return deadlock;
	}

	private static void lockInOrder(ReentrantLock held, ReentrantLock wanted, CyclicBarrier bothHoldOne) {
		try {
			held.lockInterruptibly();
			try {
				bothHoldOne.await();
				wanted.lockInterruptibly();
				wanted.unlock();
			}
			finally {
				held.unlock();
			}
		}
		catch (Exception ex) {
			// interrupted by close(): the deadlock is over
		}
	}

	private void awaitFormed() {
		long deadline = System.nanoTime() + FORM_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			long[] ids = ManagementFactory.getThreadMXBean().findDeadlockedThreads();
			if (ids != null && contains(ids, this.first.getId()) && contains(ids, this.second.getId())) {
				return;
			}
			sleep();
		}
		close();
		throw new AssertionError("Threads " + getThreadNames() + " did not deadlock within " + FORM_TIMEOUT);
	}

	private static boolean contains(long[] ids, long id) {
		return Arrays.stream(ids).anyMatch((candidate) -> candidate == id);
	}

	private static void sleep() {
		try {
			Thread.sleep(10);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while waiting for the deadlock to form", ex);
		}
	}

	/**
	 * Names of the two deadlocked threads.
	 * @return the names
	 */
	public List<String> getThreadNames() {
		return List.of(this.first.getName(), this.second.getName());
	}

	/**
	 * End the deadlock: interrupt both threads and wait (up to ten seconds) for them to finish.
	 */
	@Override
	public void close() {
		this.first.interrupt();
		this.second.interrupt();
		try {
			this.first.join(FORM_TIMEOUT.toMillis());
			this.second.join(FORM_TIMEOUT.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
