package dev.resilience.etag;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class InMemoryResourceVersionStoreTests {

	private final Clock clock = Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC);

	@Test
	void unknownInstanceHasNoVersionUntilRecorded() {
		InMemoryResourceVersionStore store = new InMemoryResourceVersionStore(10, this.clock);
		assertThat(store.current("place", "1")).isNull();
		ResourceVersion recorded = store.currentOrRecord("place", "1");
		assertThat(store.current("place", "1")).isEqualTo(recorded);
		assertThat(store.currentOrRecord("place", "1")).isEqualTo(recorded);
		assertThat(recorded.modifiedAt()).isEqualTo(this.clock.instant());
	}

	@Test
	void touchReplacesTheVersionEvenWithAFrozenClock() {
		InMemoryResourceVersionStore store = new InMemoryResourceVersionStore(10, this.clock);
		ResourceVersion first = store.currentOrRecord("place", "1");
		ResourceVersion second = store.touch("place", "1");
		assertThat(second.value()).isNotEqualTo(first.value());
		assertThat(store.current("place", "1")).isEqualTo(second);
		assertThat(store.current("place", "2")).isNull();
		assertThat(store.current("route", "1")).isNull();
	}

	@Test
	void versionsNeverRepeatAcrossStoresWithTheSameClock() {
		Set<String> seen = new HashSet<>();
		for (int restart = 0; restart < 100; restart++) {
			InMemoryResourceVersionStore store = new InMemoryResourceVersionStore(10, this.clock);
			assertThat(seen.add(store.currentOrRecord("place", "1").value())).isTrue();
			for (int change = 0; change < 10; change++) {
				assertThat(seen.add(store.touch("place", "1").value())).isTrue();
			}
		}
	}

	@Test
	void isBoundedAndNotShared() {
		InMemoryResourceVersionStore store = new InMemoryResourceVersionStore(5, this.clock);
		for (int i = 0; i < 1000; i++) {
			store.touch("place", Integer.toString(i));
		}
		assertThat(store.size()).isLessThanOrEqualTo(5);
		assertThat(store.maxEntries()).isEqualTo(5);
		assertThat(store.isShared()).isFalse();
	}

	@Test
	void rejectsNonPositiveBound() {
		assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryResourceVersionStore(0));
	}

}
