package dev.resilience.selfhealing;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.locks.ReentrantLock;

import static org.assertj.core.api.Assertions.fail;

/**
 * Two threads deadlocked on two {@link ReentrantLock}s, ended by {@link #close()}. The starter's tests cannot use
 * {@code resilience-starter-test}'s {@code Deadlock} (it depends on the starter).
 */
final class TestDeadlock implements AutoCloseable {

	private final Thread first;

	private final Thread second;

	TestDeadlock(String prefix) throws InterruptedException {
		ReentrantLock a = new ReentrantLock();
		ReentrantLock b = new ReentrantLock();
		CyclicBarrier barrier = new CyclicBarrier(2);
		this.first = new Thread(() -> lock(a, b, barrier), prefix + "-1");
		this.second = new Thread(() -> lock(b, a, barrier), prefix + "-2");
		this.first.setDaemon(true);
		this.second.setDaemon(true);
		this.first.start();
		this.second.start();
		long deadline = System.nanoTime() + 10_000_000_000L;
		while (ManagementFactory.getThreadMXBean().findDeadlockedThreads() == null) {
			if (System.nanoTime() > deadline) {
				close();
				fail("threads did not deadlock");
			}
			Thread.sleep(10);
		}
	}

	private static void lock(ReentrantLock held, ReentrantLock wanted, CyclicBarrier barrier) {
		try {
			held.lockInterruptibly();
			try {
				barrier.await();
				wanted.lockInterruptibly();
				wanted.unlock();
			}
			finally {
				held.unlock();
			}
		}
		catch (Exception ex) {
			// interrupted by close()
		}
	}

	List<String> names() {
		return List.of(this.first.getName(), this.second.getName());
	}

	@Override
	public void close() throws InterruptedException {
		this.first.interrupt();
		this.second.interrupt();
		this.first.join(10_000);
		this.second.join(10_000);
	}

}
