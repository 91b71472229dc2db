package dev.resilience.etag;

import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.resilience.etag.EntityTags.Outcome;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EntityTagsTests {

	private final EntityTags tags = EntityTags.withSecret("s3cret");

	private final String current = this.tags.opaque("place", "42", "v1");

	@Test
	void opaqueTagIsSixteenHexDigitsAndRevealsNeitherKeyNorVersion() {
		String timestampVersion = "2026-11-21T10:15:30Z";
		String opaque = this.tags.opaque("place", "4711", timestampVersion);
		assertThat(opaque).matches("[0-9a-f]{16}").doesNotContain("4711").doesNotContain("2026");
	}

	@Test
	void opaqueTagDependsOnResourceKeyVersionAndSecret() {
		assertThat(this.tags.opaque("place", "42", "v1")).isEqualTo(this.current)
			.isEqualTo(EntityTags.withSecret("s3cret").opaque("place", "42", "v1"))
			.isNotEqualTo(this.tags.opaque("place", "42", "v2"))
			.isNotEqualTo(this.tags.opaque("place", "43", "v1"))
			.isNotEqualTo(this.tags.opaque("route", "42", "v1"))
			.isNotEqualTo(this.tags.opaque("place4", "2", "v1"))
			.isNotEqualTo(EntityTags.withSecret("other").opaque("place", "42", "v1"));
	}

	@Test
	void withoutSecretTagsDifferPerInstance() {
		assertThat(EntityTags.withSecret(null).opaque("place", "42", "v1"))
			.isNotEqualTo(EntityTags.withSecret("").opaque("place", "42", "v1"));
	}

	@Test
	void absentHeaderIsAbsent() {
		assertThat(EntityTags.evaluate(null, this.current)).isEqualTo(Outcome.ABSENT);
		assertThat(evaluate()).isEqualTo(Outcome.ABSENT);
	}

	@Test
	void weakAndStrongFormsMatchByWeakComparison() {
		assertThat(evaluate("W/\"" + this.current + "\"")).isEqualTo(Outcome.MATCH);
		assertThat(evaluate("\"" + this.current + "\"")).isEqualTo(Outcome.MATCH);
		assertThat(evaluate(EntityTags.weak(this.current))).isEqualTo(Outcome.MATCH);
	}

	@Test
	void otherTagDoesNotMatch() {
		assertThat(evaluate("W/\"0000000000000000\"")).isEqualTo(Outcome.NO_MATCH);
		assertThat(evaluate("\"" + this.current.substring(1) + "\"")).isEqualTo(Outcome.NO_MATCH);
		assertThat(evaluate("\"" + this.current + "0\"")).isEqualTo(Outcome.NO_MATCH);
	}

	@Test
	void listsMatchAnyMemberAcrossLinesAndWhitespace() {
		assertThat(evaluate("\"a\", W/\"b\" ,\t\"" + this.current + "\"")).isEqualTo(Outcome.MATCH);
		assertThat(evaluate("\"a\"", "W/\"" + this.current + "\"")).isEqualTo(Outcome.MATCH);
		assertThat(evaluate("\"a\",,  , \"" + this.current + "\"")).isEqualTo(Outcome.MATCH);
		assertThat(evaluate("\"a\", \"b\"")).isEqualTo(Outcome.NO_MATCH);
	}

	@Test
	void starAloneIsAny() {
		assertThat(evaluate("*")).isEqualTo(Outcome.ANY);
		assertThat(evaluate(" * ")).isEqualTo(Outcome.ANY);
	}

	@Test
	void starNextToTagsDoesNotParse() {
		assertThat(evaluate("*, \"" + this.current + "\"")).isEqualTo(Outcome.NO_MATCH);
		assertThat(evaluate("\"" + this.current + "\"", "*")).isEqualTo(Outcome.NO_MATCH);
	}

	@Test
	void malformedValuesNeverMatch() {
		assertThat(evaluate(this.current)).as("unquoted").isEqualTo(Outcome.NO_MATCH);
		assertThat(evaluate("W/" + this.current)).as("W/ without quotes").isEqualTo(Outcome.NO_MATCH);
		assertThat(evaluate("W/")).isEqualTo(Outcome.NO_MATCH);
		assertThat(evaluate("W")).isEqualTo(Outcome.NO_MATCH);
		assertThat(evaluate("w/\"" + this.current + "\"")).as("lower-case w").isEqualTo(Outcome.NO_MATCH);
		assertThat(evaluate("\"" + this.current)).as("unterminated").isEqualTo(Outcome.NO_MATCH);
		assertThat(evaluate("\"" + this.current + "\" garbage")).isEqualTo(Outcome.NO_MATCH);
		assertThat(evaluate("\"" + this.current + "\"\"x\"")).isEqualTo(Outcome.NO_MATCH);
		assertThat(evaluate("%%%&&&")).isEqualTo(Outcome.NO_MATCH);
		assertThat(evaluate("")).as("empty").isEqualTo(Outcome.NO_MATCH);
		assertThat(evaluate("  ,  ")).as("only separators").isEqualTo(Outcome.NO_MATCH);
		assertThat(evaluate("\"a b\", \"" + this.current + "\"")).as("space inside a tag").isEqualTo(Outcome.NO_MATCH);
	}

	@Test
	void nonAsciiOutsideObsTextDoesNotParse() {
		assertThat(evaluate("\"caf\u00e9\", \"" + this.current + "\"")).as("obs-text is allowed")
			.isEqualTo(Outcome.MATCH);
		assertThat(evaluate("\"\u20ac\", \"" + this.current + "\"")).isEqualTo(Outcome.NO_MATCH);
		assertThat(evaluate("\"\u0001\", \"" + this.current + "\"")).isEqualTo(Outcome.NO_MATCH);
	}

	@Test
	void thousandsOfEntriesAreScannedToTheEnd() {
		String many = IntStream.range(0, 5000).mapToObj((i) -> "W/\"" + i + "\"").collect(Collectors.joining(","));
		assertThat(evaluate(many)).isEqualTo(Outcome.NO_MATCH);
		assertThat(evaluate(many + ",\"" + this.current + "\"")).isEqualTo(Outcome.MATCH);
		assertThat(evaluate(many + ",\"" + this.current)).isEqualTo(Outcome.NO_MATCH);
	}

	@Test
	void hugeSingleTagDoesNotMatch() {
		assertThat(evaluate("\"" + "x".repeat(1_000_000) + "\"")).isEqualTo(Outcome.NO_MATCH);
	}

	private Outcome evaluate(String... lines) {
		return EntityTags.evaluate(Collections.enumeration(List.of(lines)), this.current);
	}

}
