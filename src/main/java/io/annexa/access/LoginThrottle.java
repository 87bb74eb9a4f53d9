package io.annexa.access;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed sign-ins per key (a user name, a client address) over a sliding window and refuses
 * further attempts for a key that reached its limit until its oldest failure leaves the window. The
 * number of keys is bounded, so an attacker cycling through names or addresses cannot fill the heap.
 */
public final class LoginThrottle {

    static final int MAX_KEYS = 10_000;

    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    public LoginThrottle(int limit, Duration window, Clock clock) {
        if (limit < 1) {
            throw new IllegalArgumentException("a failed-login limit must be at least 1, not " + limit);
        }
        this.limit = limit;
        this.window = window;
        this.clock = clock;
    }

    /** How long the key must wait before its next attempt, if it is blocked now. */
    public Optional<Duration> blocked(String key) {
        Deque<Instant> times = failures.get(key);
        if (times == null) {
            return Optional.empty();
        }
        synchronized (times) {
            Instant now = clock.instant();
            forgetOld(times, now);
            if (times.size() < limit) {
                return Optional.empty();
            }
            Duration wait = Duration.between(now, times.peekFirst().plus(window));
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        }
    }

    public void failed(String key) {
        if (failures.size() >= MAX_KEYS && !failures.containsKey(key)) {
            purge();
        }
        Deque<Instant> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (times) {
            Instant now = clock.instant();
            forgetOld(times, now);
            times.addLast(now);
            while (times.size() > limit) {
                times.removeFirst();
            }
        }
    }

    public void succeeded(String key) {
        failures.remove(key);
    }

    private void forgetOld(Deque<Instant> times, Instant now) {
        Instant horizon = now.minus(window);
        while (!times.isEmpty() && !times.peekFirst().isAfter(horizon)) {
            times.removeFirst();
        }
    }

    private void purge() {
        Instant now = clock.instant();
        failures.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                forgetOld(e.getValue(), now);
                return e.getValue().isEmpty();
            }
        });
        if (failures.size() >= MAX_KEYS) {
            // still full of live keys: an attack from very many sources; start over rather than grow
            failures.clear();
        }
    }
}
