package dev.resilience.etag;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.resilience.etag.ResourceState.Existence;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class InMemoryResourceVersionStoreTests {

	private final Clock clock = Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC);

	@Test
	void unknownInstanceHasNoStateUntilRecorded() {
		InMemoryResourceVersionStore store = new InMemoryResourceVersionStore(10, this.clock);
		assertThat(store.current("place", "1")).isNull();
		ResourceState recorded = store.currentOrRecord("place", "1");
		assertThat(recorded.existence()).isEqualTo(Existence.UNKNOWN);
		assertThat(recorded.isReserved()).isFalse();
		assertThat(store.current("place", "1")).isEqualTo(recorded);
		assertThat(store.currentOrRecord("place", "1")).isSameAs(recorded);
		assertThat(recorded.version().modifiedAt()).isEqualTo(this.clock.instant());
	}

	@Test
	void changeReplacesTheVersionEvenWithAFrozenClock() {
		InMemoryResourceVersionStore store = new InMemoryResourceVersionStore(10, this.clock);
		ResourceState first = store.currentOrRecord("place", "1");
		ResourceState second = store.changed("place", "1", true, null);
		assertThat(second.version().value()).isNotEqualTo(first.version().value());
		assertThat(second.existence()).isEqualTo(Existence.PRESENT);
		assertThat(store.current("place", "1")).isEqualTo(second);
		assertThat(store.changed("place", "1", false, null).existence()).isEqualTo(Existence.ABSENT);
		assertThat(store.current("place", "2")).isNull();
		assertThat(store.current("route", "1")).isNull();
	}

	@Test
	void versionsNeverRepeatAcrossStoresWithTheSameClock() {
		Set<String> seen = new HashSet<>();
		for (int restart = 0; restart < 100; restart++) {
			InMemoryResourceVersionStore store = new InMemoryResourceVersionStore(10, this.clock);
			assertThat(seen.add(store.currentOrRecord("place", "1").version().value())).isTrue();
			for (int change = 0; change < 10; change++) {
				assertThat(seen.add(store.changed("place", "1", change % 2 == 0, null).version().value())).isTrue();
			}
		}
	}

	@Test
	void observationLearnsExistence() {
		InMemoryResourceVersionStore store = new InMemoryResourceVersionStore(10, this.clock);
		ResourceState unknown = store.currentOrRecord("place", "1");
		ResourceState present = store.observe("place", "1", unknown, true);
		assertThat(present.existence()).isEqualTo(Existence.PRESENT);
		assertThat(present.version()).as("the version the read's tag names").isEqualTo(unknown.version());
		ResourceState absent = store.observe("place", "1", present, false);
		assertThat(absent.existence()).isEqualTo(Existence.ABSENT);
		assertThat(absent.version()).isEqualTo(unknown.version());
		ResourceState back = store.observe("place", "1", absent, true);
		assertThat(back.existence()).isEqualTo(Existence.PRESENT);
		assertThat(back.version()).as("content new to every client").isNotEqualTo(unknown.version());
		assertThat(store.current("place", "1")).isEqualTo(back);
	}

	@Test
	void observationOfAReadThatRacedAWriteIsDropped() {
		InMemoryResourceVersionStore store = new InMemoryResourceVersionStore(10, this.clock);
		ResourceState seen = store.currentOrRecord("place", "1");
		ResourceState written = store.changed("place", "1", true, null);
		assertThat(store.observe("place", "1", seen, false)).as("labels the read with what it saw").isEqualTo(seen);
		assertThat(store.current("place", "1")).isEqualTo(written);
		ResourceState reserved = store.reserve("place", "1", written);
		assertThat(store.observe("place", "1", written, false)).isEqualTo(written);
		assertThat(store.current("place", "1")).isEqualTo(reserved);
		assertThat(store.observe("place", "2", seen, true)).as("nothing recorded").isEqualTo(seen);
		assertThat(store.current("place", "2")).isNull();
	}

	@Test
	void reservationIsExclusiveAndKeepsTheVersion() {
		InMemoryResourceVersionStore store = new InMemoryResourceVersionStore(10, this.clock);
		ResourceState current = store.changed("place", "1", true, null);
		ResourceState reserved = store.reserve("place", "1", current);
		assertThat(reserved).isNotNull();
		assertThat(reserved.isReserved()).isTrue();
		assertThat(reserved.version()).isEqualTo(current.version());
		assertThat(store.reserve("place", "1", current)).as("the same expected state again").isNull();
		assertThat(store.reserve("place", "1", reserved)).as("an already reserved state").isNull();
		assertThat(store.reserve("place", "2", current)).as("nothing recorded").isNull();
	}

	@Test
	void reserveCurrentRecordsReservesOnceAndIsGivenBack() {
		InMemoryResourceVersionStore store = new InMemoryResourceVersionStore(10, this.clock);
		assertReserveCurrent(store, store);
	}

	@Test
	void defaultReserveCurrentCombinesReadAndReserve() {
		InMemoryResourceVersionStore delegate = new InMemoryResourceVersionStore(10, this.clock);
		assertReserveCurrent(new OnlyRequiredOperations(delegate), delegate);
	}

	@Test
	void ofConcurrentReserveCurrentCallsExactlyOneReserves() throws Exception {
		InMemoryResourceVersionStore store = new InMemoryResourceVersionStore(10, this.clock);
		ResourceState current = store.changed("place", "1", true, null);
		int threads = 8;
		CyclicBarrier barrier = new CyclicBarrier(threads);
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			List<Future<ResourceVersionStore.Reservation>> results = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				results.add(executor.submit(() -> {
					barrier.await();
					return store.reserveCurrent("place", "1");
				}));
			}
			int reserved = 0;
			for (Future<ResourceVersionStore.Reservation> result : results) {
				ResourceVersionStore.Reservation reservation = result.get(10, TimeUnit.SECONDS);
				assertThat(reservation.state().version()).isEqualTo(current.version());
				assertThat(reservation.state().isReserved()).isTrue();
				reserved += reservation.reserved() ? 1 : 0;
			}
			assertThat(reserved).isEqualTo(1);
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static void assertReserveCurrent(ResourceVersionStore store, InMemoryResourceVersionStore states) {
		ResourceVersionStore.Reservation first = store.reserveCurrent("place", "1");
		assertThat(first.reserved()).isTrue();
		assertThat(first.state().isReserved()).isTrue();
		assertThat(first.state().existence()).as("recorded when none was").isEqualTo(Existence.UNKNOWN);
		ResourceVersionStore.Reservation second = store.reserveCurrent("place", "1");
		assertThat(second.reserved()).as("held by the first").isFalse();
		assertThat(second.state()).isEqualTo(first.state());
		store.release("place", "1", first.state());
		ResourceState released = states.current("place", "1");
		assertThat(released.isReserved()).isFalse();
		assertThat(released.version()).isEqualTo(first.state().version());
		ResourceVersionStore.Reservation third = store.reserveCurrent("place", "1");
		assertThat(third.reserved()).isTrue();
		assertThat(third.state().version()).isEqualTo(first.state().version());
		assertThat(third.state().reservation()).isNotEqualTo(first.state().reservation());
	}

	/**
	 * A store implementing only the operations {@link ResourceVersionStore} requires, so that its defaults run.
	 */
	private record OnlyRequiredOperations(InMemoryResourceVersionStore delegate) implements ResourceVersionStore {

		@Override
		public ResourceState current(String resource, String key) {
			return this.delegate.current(resource, key);
		}

		@Override
		public ResourceState currentOrRecord(String resource, String key) {
			return this.delegate.currentOrRecord(resource, key);
		}

		@Override
		public ResourceState observe(String resource, String key, ResourceState seen, boolean exists) {
			return this.delegate.observe(resource, key, seen, exists);
		}

		@Override
		public ResourceState reserve(String resource, String key, ResourceState expected) {
			return this.delegate.reserve(resource, key, expected);
		}

		@Override
		public ResourceState changed(String resource, String key, boolean exists, ResourceState reserved) {
			return this.delegate.changed(resource, key, exists, reserved);
		}

		@Override
		public void release(String resource, String key, ResourceState reserved) {
			this.delegate.release(resource, key, reserved);
		}

		@Override
		public boolean isShared() {
			return false;
		}

	}

	@Test
	void releaseGivesTheVersionBackAndCommitReplacesIt() {
		InMemoryResourceVersionStore store = new InMemoryResourceVersionStore(10, this.clock);
		ResourceState current = store.changed("place", "1", true, null);
		ResourceState reserved = store.reserve("place", "1", current);
		store.release("place", "1", reserved);
		assertThat(store.current("place", "1")).isEqualTo(current);
		ResourceState again = store.reserve("place", "1", current);
		assertThat(again).isNotNull();
		store.release("place", "1", reserved);
		assertThat(store.current("place", "1")).as("a stale release leaves the new reservation").isEqualTo(again);
		ResourceState committed = store.changed("place", "1", false, again);
		assertThat(committed.isReserved()).isFalse();
		assertThat(committed.existence()).isEqualTo(Existence.ABSENT);
		assertThat(committed.version()).isNotEqualTo(current.version());
	}

	@Test
	void unreservedChangeDuringAReservedWriteKeepsTheReservation() {
		InMemoryResourceVersionStore store = new InMemoryResourceVersionStore(10, this.clock);
		ResourceState current = store.changed("place", "1", true, null);
		ResourceState reserved = store.reserve("place", "1", current);
		ResourceState touched = store.changed("place", "1", true, null);
		assertThat(touched.reservation()).isEqualTo(reserved.reservation());
		assertThat(touched.version()).isNotEqualTo(current.version());
		store.release("place", "1", reserved);
		assertThat(store.current("place", "1").version()).as("the change stays").isEqualTo(touched.version());
		assertThat(store.current("place", "1").isReserved()).isFalse();
	}

	@Test
	void ofConcurrentReservationsOfOneStateExactlyOneWins() throws Exception {
		InMemoryResourceVersionStore store = new InMemoryResourceVersionStore(10, this.clock);
		ResourceState current = store.changed("place", "1", true, null);
		CyclicBarrier start = new CyclicBarrier(12);
		ExecutorService pool = Executors.newFixedThreadPool(12);
		try {
			List<Future<ResourceState>> attempts = new ArrayList<>();
			for (int i = 0; i < 12; i++) {
				attempts.add(pool.submit(() -> {
					start.await(30, TimeUnit.SECONDS);
					return store.reserve("place", "1", current);
				}));
			}
			int won = 0;
			for (Future<ResourceState> attempt : attempts) {
				if (attempt.get(30, TimeUnit.SECONDS) != null) {
					won++;
				}
			}
			assertThat(won).isEqualTo(1);
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void staysBoundedUnderChurnOfEveryKindOfEntry() {
		InMemoryResourceVersionStore store = new InMemoryResourceVersionStore(50, this.clock);
		for (int i = 0; i < 100_000; i++) {
			String key = Integer.toString(i);
			ResourceState state = store.currentOrRecord("place", key);
			switch (i % 4) {
				case 0 -> store.observe("place", key, state, false);
				case 1 -> store.observe("place", key, state, true);
				case 2 -> store.reserve("place", key, state);
				default -> store.changed("place", "deleted-" + key, false, null);
			}
		}
		assertThat(store.size()).isLessThanOrEqualTo(50);
		assertThat(store.maxEntries()).isEqualTo(50);
		assertThat(store.isShared()).isFalse();
	}

	@Test
	void rejectsNonPositiveBound() {
		assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryResourceVersionStore(0));
	}

}
