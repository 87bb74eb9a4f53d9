package io.annexa.ingestion;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
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

        private final AtomicLong dropped = new AtomicLong();

        /**
         * Messages read whose events were not evaluated because the engine was full and the sender could not be
         * made to wait (syslog over UDP); they are in {@link #itemsRead()} too.
         */
        public long dropped() {
            return dropped.get();
        }

        // Inputs taken but not at face value (a clamped timestamp, a host name not trusted), and dead letters
        // dropped to keep the disk bounded: what an operator should look into, by name.
        private final Map<String, AtomicLong> flags = new ConcurrentHashMap<>();

        /**
         * How often each kind of doubtful input was met, by name: {@code clock_skew}, {@code untrusted_host},
         * {@code asset_override_ignored}, {@code dead_letters_dropped}, {@code evidence_ledger_full}; and how often
         * evidence was withdrawn, {@code evidence_withdrawn}. Sorted, only those that happened.
         */
        public Map<String, Long> flags() {
            Map<String, Long> copy = new TreeMap<>();
            flags.forEach((name, count) -> copy.put(name, count.get()));
            return copy;
        }

        public long flag(String name) {
            AtomicLong count = flags.get(name);
            return count == null ? 0 : count.get();
        }
    }

    /** A live log timestamp too far from now, replaced with the time of receipt. */
    public static final String CLOCK_SKEW = "clock_skew";
    /** A syslog host name its sender may not speak for; filed under the sender's address instead. */
    public static final String UNTRUSTED_HOST = "untrusted_host";
    /** An {@code # annexa-asset:} comment on a route not allowed to name its asset; the file name was used. */
    public static final String ASSET_OVERRIDE_IGNORED = "asset_override_ignored";
    /** Dead letters deleted, oldest first, to keep the route's dead letters under their size limit. */
    public static final String DEAD_LETTERS_DROPPED = "dead_letters_dropped";
    /** Evidence withdrawn because the file that produced it is gone, or a new read of it no longer produces it. */
    public static final String EVIDENCE_WITHDRAWN = "evidence_withdrawn";
    /** A file read but not recorded in the route's full evidence ledger: its deletion will withdraw nothing. */
    public static final String EVIDENCE_LEDGER_FULL = "evidence_ledger_full";

    /** A host snapshot refused as unsafe or too large (a link, a path outside it, a device, a size limit); dead-lettered. */
    public static final String SNAPSHOT_REFUSED = "snapshot_refused";

    /** Counts {@code n} doubtful inputs of one kind ({@link #CLOCK_SKEW}, ...) for a route. */
    public void flag(String routeId, String name, long n) {
        counters(routeId).flags.computeIfAbsent(name, k -> new AtomicLong()).addAndGet(n);
    }

    /** Counts log lines a route read that no classification matched. */
    public void unclassified(String routeId, long lines) {
        counters(routeId).unclassified.addAndGet(lines);
    }

    /** Counts messages a route read but whose events it had to drop: the engine was full. */
    public void dropped(String routeId, long messages) {
        counters(routeId).dropped.addAndGet(messages);
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
