package dev.resilience.selfhealing.forked;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Small service that {@code SelfHealingForkedTests} runs in a JVM of its own with a small heap, because the JVM itself
 * must fail: it leaks memory on request, churns memory at a healthy level, and leaks in a background thread until that
 * thread dies of a real {@link OutOfMemoryError}. Prints its port as {@code forked-port=N}; its default
 * uncaught-exception handler, installed before the application starts, prints {@code previous-uncaught-handler ran}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(ForkedSelfHealingService.MemoryController.class)
public class ForkedSelfHealingService {

	/** With {@code forked.hang-on-shutdown=true}, a bean whose destruction never finishes: shutdown hangs. */
	@Bean
	@ConditionalOnBooleanProperty("forked.hang-on-shutdown")
	DisposableBean hangingOnShutdown() {
		return () -> {
			System.out.println("hanging on shutdown");
			Thread.sleep(Long.MAX_VALUE);
		};
	}

	public static void main(String[] args) {
		Thread.setDefaultUncaughtExceptionHandler((thread, ex) -> System.out
			.println("previous-uncaught-handler ran for " + thread.getName() + ": " + ex.getClass().getName()));
		ConfigurableApplicationContext context = SpringApplication.run(ForkedSelfHealingService.class, args);
		System.out.println("forked-port=" + context.getEnvironment().getProperty("local.server.port"));
	}

	@RestController
	static class MemoryController {

		private static final List<byte[]> leaked = new ArrayList<>();

		private final byte[][] churn = new byte[32][];

		private int next;

		/** Keep {@code kb} more kilobytes for ever, like a cache without a bound. */
		@PostMapping("/leak")
		int leak(@RequestParam int kb) {
			synchronized (MemoryController.class) {
				leaked.add(new byte[kb * 1024]);
				return leaked.size();
			}
		}

		/** Allocate {@code kb} kilobytes that replace the oldest of 32 retained blocks: steady, bounded memory. */
		@GetMapping("/churn")
		synchronized int churn(@RequestParam int kb) {
			this.churn[this.next] = new byte[kb * 1024];
			this.next = (this.next + 1) % this.churn.length;
			return this.next;
		}

		/** Throw an OutOfMemoryError out of this request thread, as an exhausted heap would. */
		@PostMapping("/throw-out-of-memory")
		String throwOutOfMemory() {
			throw new OutOfMemoryError("thrown by the forked service");
		}

		/**
		 * Start a thread that holds {@code liveMb} of 16 KiB blocks and replaces random ones at {@code mbPerSecond}
		 * (0: as fast as it can): each block lives long enough to be promoted, then dies, like entries of a busy
		 * cache. Live set and allocation stay steady.
		 */
		@PostMapping("/churn/start")
		String startChurn(@RequestParam int liveMb, @RequestParam int mbPerSecond) {
			Thread churner = new Thread(() -> {
				byte[][] blocks = new byte[liveMb * 64][];
				for (int i = 0; i < blocks.length; i++) {
					blocks[i] = new byte[16 * 1024];
				}
				System.out.println("churn: " + liveMb + " MiB live");
				java.util.SplittableRandom random = new java.util.SplittableRandom(42);
				int perTick = Math.max(1, mbPerSecond * 64 / 100);
				while (true) {
					for (int i = 0; i < ((mbPerSecond > 0) ? perTick : 1024); i++) {
						blocks[random.nextInt(blocks.length)] = new byte[16 * 1024];
					}
					if (mbPerSecond > 0) {
						sleep(10);
					}
				}
			}, "churner");
			churner.setDaemon(true);
			churner.start();
			return churner.getName();
		}

		/** Start a thread that keeps {@code mbPerSecond} more for ever, in 64 KiB blocks, until the heap is full. */
		@PostMapping("/leak/start")
		String startLeak(@RequestParam int mbPerSecond) {
			Thread leaker = new Thread(() -> {
				while (true) {
					for (int i = 0; i < Math.max(1, mbPerSecond * 16 / 100); i++) {
						synchronized (MemoryController.class) {
							leaked.add(new byte[64 * 1024]);
						}
					}
					sleep(10);
				}
			}, "leaker");
			leaker.setDaemon(true);
			leaker.start();
			return leaker.getName();
		}

		private static void sleep(long millis) {
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		/** Start a thread that allocates until it dies of an OutOfMemoryError, which frees what it held. */
		@PostMapping("/leak-in-background")
		String leakInBackground() {
			Thread leaker = new Thread(() -> {
				List<byte[]> held = new ArrayList<>();
				while (true) {
					held.add(new byte[4 * 1024 * 1024]);
				}
			}, "background-leaker");
			leaker.start();
			return leaker.getName();
		}

	}

}
