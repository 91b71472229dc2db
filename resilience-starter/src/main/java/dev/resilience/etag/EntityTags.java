package dev.resilience.etag;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Enumeration;

import org.jspecify.annotations.Nullable;

/**
 * Derives opaque entity tags from versions and evaluates {@code If-None-Match} / {@code If-Match} field values
 * (RFC 9110 §8.8.3, §13.1.1, §13.1.2) without allocating.
 *
 * <p>Entity tags are a keyed SipHash-2-4 of resource name, key and version value: they reveal neither the version
 * (a timestamp, a row version) nor the key, and cannot be forged or reversed without the secret.
 */
final class EntityTags {

	/** Outcome of evaluating a list of entity tags against the current one. */
	enum Outcome {

		/** The header field is absent. */
		ABSENT,

		/** The field value is {@code *}. */
		ANY,

		/** One of the listed tags matches (weak comparison). */
		MATCH,

		/** No listed tag matches, or the field value does not parse. */
		NO_MATCH

	}

	private static final char[] HEX = "0123456789abcdef".toCharArray();

	private final long k0;

	private final long k1;

	/**
	 * Create an instance with a 128-bit secret.
	 * @param k0 first half of the secret
	 * @param k1 second half of the secret
	 */
	EntityTags(long k0, long k1) {
		this.k0 = k0;
		this.k1 = k1;
	}

	/**
	 * Create an instance whose tags derive from a secret: instances that share the secret derive the same tags from
	 * the same versions. Without a secret, a random one is drawn, so tags change with every start.
	 * @param secret the secret, or {@code null} or empty for a random one
	 * @return the instance
	 */
	static EntityTags withSecret(@Nullable String secret) {
		byte[] seed;
		if (secret == null || secret.isEmpty()) {
			seed = new byte[16];
			new SecureRandom().nextBytes(seed);
		}
		else {
			try {
				seed = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException("SHA-256 is not available", ex);
			}
		}
		ByteBuffer buffer = ByteBuffer.wrap(seed);
		return new EntityTags(buffer.getLong(), buffer.getLong());
	}

	/**
	 * Opaque part of the entity tag of a version: 16 lower-case hexadecimal digits.
	 * @param resource the resource name
	 * @param key the instance's key
	 * @param version the version value
	 * @return the opaque tag
	 */
	String opaque(String resource, String key, String version) {
		SipHash hash = new SipHash(this.k0, this.k1);
		hash.add(resource);
		hash.add(key);
		hash.add(version);
		long h = hash.finish();
		char[] out = new char[16];
		for (int i = 15; i >= 0; i--) {
			out[i] = HEX[(int) (h & 0xF)];
			h >>>= 4;
		}
		return new String(out);
	}

	/**
	 * {@code ETag} field value for an opaque tag.
	 * @param opaque the opaque tag
	 * @return {@code W/"opaque"}
	 */
	static String weak(String opaque) {
		return "W/\"" + opaque + '"';
	}

	/**
	 * Evaluate the values of an {@code If-None-Match} or {@code If-Match} field against the current opaque tag. Weak
	 * comparison: {@code W/"x"} and {@code "x"} both match {@code x}. A value that does not parse (unquoted tags,
	 * {@code W/} without quotes, characters outside {@code etagc}, {@code *} next to tags, an empty field) does not
	 * match.
	 * @param values the field's values (one per header line), or {@code null}
	 * @param opaque the current opaque tag
	 * @return the outcome
	 */
	static Outcome evaluate(@Nullable Enumeration<String> values, String opaque) {
		if (values == null || !values.hasMoreElements()) {
			return Outcome.ABSENT;
		}
		boolean matched = false;
		boolean star = false;
		int members = 0;
		while (values.hasMoreElements()) {
			String value = values.nextElement();
			int n = value.length();
			int i = skipWhitespace(value, 0);
			while (i < n) {
				char c = value.charAt(i);
				if (c == ',') {
					i = skipWhitespace(value, i + 1);
					continue;
				}
				if (c == '*') {
					star = true;
					i++;
				}
				else {
					if (c == 'W') {
						if (i + 1 >= n || value.charAt(i + 1) != '/') {
							return Outcome.NO_MATCH;
						}
						i += 2;
					}
					if (i >= n || value.charAt(i) != '"') {
						return Outcome.NO_MATCH;
					}
					int start = ++i;
					while (i < n && value.charAt(i) != '"') {
						if (!isEtagChar(value.charAt(i))) {
							return Outcome.NO_MATCH;
						}
						i++;
					}
					if (i >= n) {
						return Outcome.NO_MATCH;
					}
					if (!matched && i - start == opaque.length() && value.regionMatches(start, opaque, 0, i - start)) {
						matched = true;
					}
					i++;
				}
				members++;
				i = skipWhitespace(value, i);
				if (i < n) {
					if (value.charAt(i) != ',') {
						return Outcome.NO_MATCH;
					}
					i = skipWhitespace(value, i + 1);
				}
			}
		}
		if (members == 0) {
			return Outcome.NO_MATCH;
		}
		if (star) {
			return (members == 1) ? Outcome.ANY : Outcome.NO_MATCH;
		}
		return matched ? Outcome.MATCH : Outcome.NO_MATCH;
	}

	private static int skipWhitespace(String value, int i) {
		while (i < value.length() && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
			i++;
		}
		return i;
	}

	private static boolean isEtagChar(char c) {
		return c == 0x21 || (c >= 0x23 && c <= 0x7E) || (c >= 0x80 && c <= 0xFF);
	}

	/** SipHash-2-4 over length-prefixed UTF-16 strings. */
	private static final class SipHash {

		private long v0;

		private long v1;

		private long v2;

		private long v3;

		private long word;

		private int wordChars;

		private long length;

		SipHash(long k0, long k1) {
			this.v0 = k0 ^ 0x736f6d6570736575L;
			this.v1 = k1 ^ 0x646f72616e646f6dL;
			this.v2 = k0 ^ 0x6c7967656e657261L;
			this.v3 = k1 ^ 0x7465646279746573L;
		}

		void add(String s) {
			int n = s.length();
			addChar((char) (n >>> 16));
			addChar((char) n);
			for (int i = 0; i < n; i++) {
				addChar(s.charAt(i));
			}
		}

		private void addChar(char c) {
			this.word |= ((long) c) << (16 * this.wordChars);
			this.length += 2;
			if (++this.wordChars == 4) {
				compress(this.word);
				this.word = 0;
				this.wordChars = 0;
			}
		}

		private void compress(long m) {
			this.v3 ^= m;
			round();
			round();
			this.v0 ^= m;
		}

		long finish() {
			long last = this.word | ((this.length & 0xFF) << 56);
			compress(last);
			this.v2 ^= 0xFF;
			round();
			round();
			round();
			round();
			return this.v0 ^ this.v1 ^ this.v2 ^ this.v3;
		}

		private void round() {
			this.v0 += this.v1;
			this.v1 = Long.rotateLeft(this.v1, 13);
			this.v1 ^= this.v0;
			this.v0 = Long.rotateLeft(this.v0, 32);
			this.v2 += this.v3;
			this.v3 = Long.rotateLeft(this.v3, 16);
			this.v3 ^= this.v2;
			this.v0 += this.v3;
			this.v3 = Long.rotateLeft(this.v3, 21);
			this.v3 ^= this.v0;
			this.v2 += this.v1;
			this.v1 = Long.rotateLeft(this.v1, 17);
			this.v1 ^= this.v2;
			this.v2 = Long.rotateLeft(this.v2, 32);
		}

	}

}
