package dev.resilience.httpclient;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Token bucket that limits retries to a fraction of requests: every request deposits {@code ratio} of a token, every
 * retry withdraws a whole one. A burst of failures can spend at most the bucket's capacity, so when an upstream is
 * down the shared client adds a bounded, proportional load instead of multiplying every caller's traffic. Lock-free;
 * a full bucket costs a request one volatile read.
 */
public final class RetryBudget {

	private static final long TOKEN = 1000;

	private final long deposit;

	private final long capacity;

	private final AtomicLong balance;

	private final LongAdder exhausted = new LongAdder();

	/**
	 * Create a budget, initially full.
	 * @param ratio retries allowed per request, in {@code (0, 1]}
	 * @param burst most retries that can be spent at once
	 */
	public RetryBudget(double ratio, int burst) {
		this.deposit = Math.max(1, Math.round(ratio * TOKEN));
		this.capacity = burst * TOKEN;
		this.balance = new AtomicLong(this.capacity);
	}

	/**
	 * Record a request.
	 */
	public void deposit() {
		long current;
		do {
			current = this.balance.get();
			if (current >= this.capacity) {
				return;
			}
		}
		while (!this.balance.compareAndSet(current, Math.min(this.capacity, current + this.deposit)));
	}

	/**
	 * Try to spend one retry.
	 * @return whether the retry may go ahead
	 */
	public boolean tryWithdraw() {
		long current;
		do {
			current = this.balance.get();
			if (current < TOKEN) {
				this.exhausted.increment();
				return false;
			}
		}
		while (!this.balance.compareAndSet(current, current - TOKEN));
		return true;
	}

	/**
	 * Retries refused because the bucket was empty, since creation.
	 * @return the count
	 */
	public long exhausted() {
		return this.exhausted.sum();
	}

	/**
	 * Retries that could be spent right now.
	 * @return whole retries in the bucket
	 */
	public long available() {
		return this.balance.get() / TOKEN;
	}

}
