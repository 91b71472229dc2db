package dev.resilience.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import io.lettuce.core.ScriptOutputType;

/**
 * A Lua script a Redis-backed store runs with {@code EVALSHA}, with its body for the {@code EVAL} that loads it again
 * into a Redis that has lost it (restarted empty, or {@code SCRIPT FLUSH}).
 *
 * @param output the type of the script's reply
 * @param body the script
 * @param sha the SHA-1 of the body, in hexadecimal, as {@code EVALSHA} names it
 */
public record RedisScript(ScriptOutputType output, String body, String sha) {

	/**
	 * A script of the given body.
	 * @param output the type of the script's reply
	 * @param body the script
	 * @return the script
	 */
	public static RedisScript of(ScriptOutputType output, String body) {
		return new RedisScript(output, body, sha1Hex(body.getBytes(StandardCharsets.UTF_8)));
	}

	/**
	 * The SHA-1 of some bytes, in lowercase hexadecimal, as Redis' {@code redis.sha1hex} gives it.
	 * @param value the bytes
	 * @return the 40-character digest
	 */
	public static String sha1Hex(byte[] value) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-1").digest(value);
			StringBuilder hex = new StringBuilder(40);
			for (byte b : digest) {
				hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
			}
			return hex.toString();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-1 is not available", ex);
		}
	}

}
