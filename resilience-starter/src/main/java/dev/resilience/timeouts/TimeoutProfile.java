package dev.resilience.timeouts;

import java.time.Duration;

/**
 * Named pair of connect and read timeouts for outbound calls of one nature, for example {@code lookup} (a fast read
 * that must fail quickly) or {@code batch} (a slow export that may take its time).
 *
 * @param name the profile's name, as in {@code resilience.timeouts.profiles.<name>}
 * @param connect how long to wait for a TCP connection
 * @param read how long to wait for response data once connected
 */
public record TimeoutProfile(String name, Duration connect, Duration read) {

}
