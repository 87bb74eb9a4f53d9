package io.annexa.ingestion;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Counts what each route read and rejected; thread-safe, read by the API. */
public final class SourceMonitor {

    /** Counters of one route. */
    public static final class Counters {
        private final AtomicLong itemsRead = new AtomicLong();
        private final AtomicLong errors = new AtomicLong();
        private final AtomicLong deadLetters = new AtomicLong();
        private final AtomicReference<Instant> lastSuccess = new AtomicReference<>();
        private final AtomicReference<Instant> lastError = new AtomicReference<>();
        private final AtomicReference<String> lastErrorMessage = new AtomicReference<>();

        public long itemsRead() {
            return itemsRead.get();
        }

        public long errors() {
            return errors.get();
        }

        public long deadLetters() {
            return deadLetters.get();
        }

        public Optional<Instant> lastSuccess() {
            return Optional.ofNullable(lastSuccess.get());
        }

        public Optional<Instant> lastError() {
            return Optional.ofNullable(lastError.get());
        }

        public Optional<String> lastErrorMessage() {
            return Optional.ofNullable(lastErrorMessage.get());
        }

        // Apart from errors: a line no classification knows is read correctly, it just says nothing yet.
        private final AtomicLong unclassified = new AtomicLong();

        /** Log lines read that no classification matched (they are in {@link #itemsRead()} too). */
        public long unclassified() {
            return unclassified.get();
        }
    }

    /** Counts log lines a route read that no classification matched. */
    public void unclassified(String routeId, long lines) {
        counters(routeId).unclassified.addAndGet(lines);
    }

    private final Map<String, Counters> routes = new ConcurrentHashMap<>();

    public void read(String routeId, int items) {
        read(routeId, items, Instant.now());
    }

    /** A successful read at a given moment: how scenarios replay a source's history on a fixed clock. */
    public void read(String routeId, int items, Instant at) {
        Counters c = counters(routeId);
        c.itemsRead.addAndGet(items);
        c.lastSuccess.set(at);
    }

    public void failed(String routeId, String message, boolean deadLettered) {
        Counters c = counters(routeId);
        c.errors.incrementAndGet();
        if (deadLettered) {
            c.deadLetters.incrementAndGet();
        }
        c.lastError.set(Instant.now());
        c.lastErrorMessage.set(message);
    }

    public Counters counters(String routeId) {
        return routes.computeIfAbsent(routeId, id -> new Counters());
    }
}
