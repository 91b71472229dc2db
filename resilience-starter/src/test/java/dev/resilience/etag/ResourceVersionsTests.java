package dev.resilience.etag;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.resilience.etag.ResourceState.Existence;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class ResourceVersionsTests {

	private final InMemoryResourceVersionStore store = new InMemoryResourceVersionStore(100);

	@Test
	void keysAreComparedByTheirStringForm() {
		ResourceVersions versions = new ResourceVersions(this.store);
		versions.touch("place", 42L);
		assertThat(versions.current("place", "42")).isPresent();
		assertThat(versions.current("place", 42)).isEqualTo(versions.current("place", "42"));
		assertThat(versions.current("place", 43)).isEmpty();
	}

	@Test
	void touchChangesTheCurrentVersion() {
		ResourceVersions versions = new ResourceVersions(this.store);
		ResourceVersion before = this.store.currentOrRecord("place", "1").version();
		versions.touch("place", "1");
		assertThat(versions.current("place", "1")).get().isNotEqualTo(before);
		assertThat(this.store.current("place", "1").existence()).isEqualTo(Existence.PRESENT);
	}

	@Test
	void removedMakesTheInstanceKnownAbsent() {
		ResourceVersions versions = new ResourceVersions(this.store);
		versions.touch("place", 7);
		ResourceVersion before = versions.current("place", 7).orElseThrow();
		versions.removed("place", 7);
		assertThat(versions.current("place", 7)).isEmpty();
		ResourceState state = this.store.current("place", "7");
		assertThat(state.existence()).isEqualTo(Existence.ABSENT);
		assertThat(state.version()).isNotEqualTo(before);
	}

	@Test
	void resolverTakesPrecedenceAndTouchLeavesItsResourceAlone() {
		Map<String, Instant> updatedAt = Map.of("1", Instant.parse("2026-01-01T00:00:00Z"));
		ResourceVersions versions = new ResourceVersions(this.store, List.of(ResourceVersionResolver.of("place",
				(key) -> updatedAt.containsKey(key) ? ResourceVersion.modifiedAt(updatedAt.get(key)) : null)));
		versions.touch("place", "1");
		versions.removed("place", "1");
		assertThat(this.store.current("place", "1")).isNull();
		assertThat(versions.current("place", "1")).contains(ResourceVersion.modifiedAt(updatedAt.get("1")));
		assertThat(versions.current("place", "2")).isEmpty();
		assertThat(versions.resolver("place")).isNotNull();
		assertThat(versions.hasResolver("place")).isTrue();
		assertThat(versions.resolvedResources()).containsExactly("place");
		assertThat(versions.resolver("route")).isNull();
	}

	@Test
	void twoResolversForOneResourceAreRejected() {
		assertThatIllegalStateException()
			.isThrownBy(() -> new ResourceVersions(this.store, List.of(ResourceVersionResolver.of("place", (k) -> null),
					ResourceVersionResolver.of("place", (k) -> null))))
			.withMessageContaining("'place'");
	}

}
