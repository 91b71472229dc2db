package dev.resilience.selfhealing;

import java.nio.file.Path;
import java.time.Instant;

/**
 * The first fatal condition the application detected.
 *
 * @param cause what went wrong
 * @param detail human-readable description of this occurrence
 * @param time when it was detected
 * @param threadDump file holding the thread dump taken when it was detected, or {@code null} if none could be written
 */
public record Fatality(FatalCause cause, String detail, Instant time, Path threadDump) {

}
