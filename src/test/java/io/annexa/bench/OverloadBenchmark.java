package io.annexa.bench;

import io.annexa.ProjectFiles;
import io.annexa.evaluation.EngineState;
import io.annexa.evaluation.EvaluationEngine;
import io.annexa.evaluation.RuleLibrary;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.EvidenceSink;
import io.annexa.ingestion.SourceMonitor;
import io.annexa.ingestion.SourceRuntime;
import io.annexa.ingestion.log.LogClassifier;
import io.annexa.ingestion.log.SyslogMessageParser;
import io.annexa.ingestion.log.SyslogRecord;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A syslog sender far faster than the engine, against the real {@code syslog-tcp} or {@code syslog-udp} route and
 * the real engine with the whole rule library, with the service's heap: does the heap stay bounded, is the sender
 * slowed down (TCP) or are the excess messages dropped and counted (UDP), and does the engine catch up afterwards?
 *
 * <ol>
 * <li>Calibration: one TCP connection sends as fast as it can for {@code calibration} seconds. The engine's bound
 * holds the sender to the engine's pace, so the rate the route reads at over the second half is the engine's
 * capacity (in messages per second).</li>
 * <li>Overload: a sender (TCP or UDP) tries {@code factor} times that rate for {@code seconds} seconds, paced every
 * millisecond; its achieved rate is what the socket took. A sampler reads the used heap every 20 ms (its maximum
 * includes garbage not yet collected), the old generation after each collection (what is really held), and the
 * events waiting in the engine's queue. In the UDP variant a TCP sender runs beside it, unthrottled: the UDP route alone reads slower than the engine
 * applies, so without it the engine would never be full and UDP would only lose what the kernel drops.</li>
 * <li>Catching up: the time from the sender's end until the route has read everything it was sent (TCP) or
 * everything the kernel delivered (UDP) and the engine's queue is empty.</li>
 * </ol>
 *
 * <p>Messages are OpenSSH corpus lines, each pass as another of 1,000 hosts, stamped {@code life} seconds before
 * they expire ({@code @Expires("2h")}): the session itself holds every event of the last two hours, which at the
 * service's heap is about 200,000 events (see the README's sizing); stamping them close to their expiry keeps the
 * session's share small so that what is measured is the path in front of it.
 *
 * <pre>
 * java -Xmx384m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp target/test-classes:target/classes:$(cat target/bench.classpath) \
 *     io.annexa.bench.OverloadBenchmark [tcp|udp, tcp] [seconds, 60] [factor, 10] [life seconds, 2] [calibration seconds, 20] [capacity]
 * </pre>
 *
 * <p>{@code -Dannexa.engine.max-pending-events=} sets the engine's bound; a capacity given as the last argument
 * (messages per second) replaces the calibration, which needs the bound to hold the sender back.
 */
public final class OverloadBenchmark {

    private static final int HOSTS = 1000;
    private static final long EXPIRY_SECONDS = Duration.ofHours(2).toSeconds();

    private OverloadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        boolean udp = args.length > 0 && args[0].equals("udp");
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int factor = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int life = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        int calibration = args.length > 4 ? Integer.parseInt(args[4]) : 20;
        // given instead of calibrated: to compare with an engine without a bound, which holds no sender back
        double givenCapacity = args.length > 5 ? Double.parseDouble(args[5]) : 0;
        int bound = Integer.getInteger("annexa.engine.max-pending-events", EvaluationEngine.DEFAULT_MAX_PENDING_EVENTS);
        Measure.quietLogs();
        System.out.println(Measure.jvm());

        SshCorpus corpus = new SshCorpus();
        int[] eventsPerLine = eventsPerLine(corpus);
        RuleLibrary library = BenchLibraries.load(ProjectFiles.rules());
        Path data = Files.createTempDirectory("annexa-overload-bench");
        SourceMonitor monitor = new SourceMonitor();
        int port = SyslogTcpBenchmark.freePort();
        try (EvaluationEngine engine = new EvaluationEngine(library, result -> { }, Measure.daemonThreads(), bound);
             SourceRuntime routes = SyslogTcpBenchmark.syslogOnly(data, port, new Counting(engine), monitor,
                     Map.of("annexa.sources.logs.time-zone", "UTC"))) {
            int keys = BenchLibraries.handOverScenarioEvidence(library, engine);
            routes.start();
            Sampler sampler = new Sampler(engine);
            sampler.start();
            System.out.printf("engine: %d rules, %d evidence keys, at most %d events waiting; syslog on 127.0.0.1:%d; heap limit %.0f MB; "
                    + "events live %d s%n", library.rules().size(), keys, engine.maxPendingEvents(), port, Measure.maxHeapMb(), life);

            Sender calibrating = new Sender(corpus, port, false, Long.MAX_VALUE, life, 0);
            double capacity = givenCapacity;
            if (capacity <= 0) {
                long readBefore = monitor.counters("syslog-tcp").itemsRead();
                calibrating.start();
                Thread.sleep(calibration * 500L);
                long halfRead = monitor.counters("syslog-tcp").itemsRead();
                long halfAt = System.nanoTime();
                Thread.sleep(calibration * 500L);
                capacity = (monitor.counters("syslog-tcp").itemsRead() - halfRead) / ((System.nanoTime() - halfAt) / 1e9);
                calibrating.stopAndJoin();
                awaitCaughtUp(monitor, "syslog-tcp", readBefore + calibrating.sent.get(), engine);
                System.out.printf("calibration: a TCP sender unthrottled for %d s is held to %,.0f messages/s (the engine's capacity)%n",
                        calibration, capacity);
            } else {
                System.out.printf("capacity given: %,.0f messages/s%n", capacity);
            }

            String route = udp ? "syslog-udp" : "syslog-tcp";
            long attempted = Math.round(capacity * factor);
            long read0 = monitor.counters(route).itemsRead();
            long dropped0 = monitor.counters(route).dropped();
            long tcpRead0 = monitor.counters("syslog-tcp").itemsRead();
            long eventsBefore = Counting.taken.get();
            sampler.reset();
            Sender overload = new Sender(corpus, port, udp, attempted, life, calibrating.sent.get());
            // UDP alone is read slower than the engine applies (one datagram per exchange): a TCP sender beside it,
            // unthrottled, keeps the engine full, as a relay forwarding over TCP would
            Sender background = udp ? new Sender(corpus, port, false, Long.MAX_VALUE, life, 0) : null;
            long start = System.nanoTime();
            overload.start();
            if (background != null) {
                background.start();
            }
            Thread.sleep(seconds * 1000L);
            overload.stopAndJoin();
            if (background != null) {
                background.stopAndJoin();
            }
            double sendSeconds = (System.nanoTime() - start) / 1e9;
            long ended = System.nanoTime();
            long sent = overload.sent.get();
            long expectedRead = udp ? -1 : read0 + sent;
            double catchUp = awaitCaughtUp(monitor, route, expectedRead, engine);
            if (background != null) {
                awaitCaughtUp(monitor, "syslog-tcp", tcpRead0 + background.sent.get(), engine);
                System.out.printf("TCP beside it, unthrottled: %,.0f messages/s sent, %,d of %,d read%n",
                        background.sent.get() / sendSeconds, monitor.counters("syslog-tcp").itemsRead() - tcpRead0,
                        background.sent.get());
            }
            long read = monitor.counters(route).itemsRead() - read0;
            long dropped = monitor.counters(route).dropped() - dropped0;
            double rateRead = read / (sendSeconds + catchUp);
            sampler.stopAndJoin();
            long expectedEvents = 0;
            for (long i = overload.firstLine; i < overload.firstLine + sent; i++) {
                expectedEvents += eventsPerLine[(int) (i % corpus.size())];
            }

            System.out.printf("%s overload: attempted %,d messages/s (%d x capacity) for %.1f s; the sender achieved %,.0f messages/s"
                    + " (%.1f %% of attempted), %,d messages%n", udp ? "UDP" : "TCP", attempted, factor, sendSeconds,
                    sent / sendSeconds, 100.0 * sent / sendSeconds / attempted, sent);
            System.out.printf("  route read %,d (%,.0f/s), dropped %,d (counted), lost before the route (kernel, UDP) %,d%n",
                    read, rateRead, dropped, sent - read);
            System.out.printf("  heap: limit %.0f MB, max used %.0f MB (sampled every 20 ms, garbage included), "
                    + "max old generation after a collection %.0f MB; max events waiting in the engine %,d of %,d%n",
                    Measure.maxHeapMb(), sampler.maxUsed / 1048576.0, sampler.maxOldAfterGc() / 1048576.0,
                    sampler.maxPending, engine.maxPendingEvents());
            System.out.printf("  caught up %.1f s after the sender stopped (everything %s read, the engine's queue empty)%n",
                    catchUp, udp ? "delivered" : "sent");
            if (!udp) {
                System.out.printf("  events: %,d made of the messages sent, %,d taken by the engine (%s)%n", expectedEvents,
                        Counting.taken.get() - eventsBefore, expectedEvents == Counting.taken.get() - eventsBefore
                                ? "none lost" : "LOST " + (expectedEvents - (Counting.taken.get() - eventsBefore)));
            }
            System.out.printf("  (ended %d ms after the sender; the machine is shared: rates are pessimistic)%n",
                    (System.nanoTime() - ended) / 1_000_000);
        }
    }

    private static int[] eventsPerLine(SshCorpus corpus) throws Exception {
        SyslogMessageParser parser = new SyslogMessageParser(Clock.systemUTC(), ZoneOffset.UTC);
        LogClassifier classifier = new LogClassifier();
        int[] events = new int[corpus.size()];
        for (int i = 0; i < corpus.size(); i++) {
            SyslogRecord record = parser.parse("<38>" + corpus.line(i, Instant.now(), "host0"), "benchmark");
            events[i] = classifier.classify("host0", record).events().size();
        }
        return events;
    }

    /**
     * Waits until the route has read {@code expectedRead} messages (-1: until its count stops moving, as UDP does not
     * say how many the kernel delivered: that adds 0.2 s) and the engine has applied everything.
     *
     * @return seconds waited
     */
    private static double awaitCaughtUp(SourceMonitor monitor, String route, long expectedRead, EvaluationEngine engine)
            throws Exception {
        long start = System.nanoTime();
        if (expectedRead >= 0) {
            Measure.await("the route read " + expectedRead, () -> monitor.counters(route).itemsRead() >= expectedRead, engine);
        } else {
            long last = -1;
            while (monitor.counters(route).itemsRead() != last) {
                last = monitor.counters(route).itemsRead();
                Thread.sleep(200);
            }
        }
        EngineState.applied(engine).get(10, TimeUnit.MINUTES);
        return (System.nanoTime() - start) / 1e9;
    }

    /** Sends corpus lines at {@code rate} messages per second (Long.MAX_VALUE: as fast as the socket takes them). */
    private static final class Sender extends Thread {
        final AtomicLong sent = new AtomicLong();
        private final SshCorpus corpus;
        private final int port;
        private final boolean udp;
        private final long rate;
        private final int life;
        private final AtomicBoolean stop = new AtomicBoolean();
        final long firstLine;

        Sender(SshCorpus corpus, int port, boolean udp, long rate, int life, long firstLine) {
            super("overload-sender");
            this.corpus = corpus;
            this.port = port;
            this.udp = udp;
            this.rate = rate;
            this.life = life;
            this.firstLine = firstLine;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                if (udp) {
                    try (DatagramSocket socket = new DatagramSocket()) {
                        InetAddress to = InetAddress.getByName("127.0.0.1");
                        send(bytes -> socket.send(new DatagramPacket(bytes, bytes.length, to, port)), () -> { });
                    }
                } else {
                    try (Socket socket = new Socket("127.0.0.1", port);
                         OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024)) {
                        send(out::write, out::flush);
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private interface Write {
            void write(byte[] bytes) throws Exception;
        }

        private interface Flush {
            void flush() throws Exception;
        }

        private void send(Write write, Flush flush) throws Exception {
            long start = System.nanoTime();
            long line = firstLine;
            while (!stop.get()) {
                long due = rate == Long.MAX_VALUE ? sent.get() + 1000
                        : (long) ((System.nanoTime() - start) / 1e9 * rate);
                if (sent.get() >= due) {
                    flush.flush();
                    LockSupport.parkNanos(1_000_000);
                    continue;
                }
                Instant stamp = Instant.now().minusSeconds(EXPIRY_SECONDS - life);
                // at most a millisecond's worth before looking at the clock and the stop flag again
                for (long n = Math.min(due - sent.get(), Math.max(1, rate / 1000)); n > 0; n--) {
                    int i = (int) (line % corpus.size());
                    String host = SshCorpus.host(line / corpus.size(), HOSTS);
                    write.write(("<38>" + corpus.line(i, stamp, host) + (udp ? "" : "\n")).getBytes(StandardCharsets.UTF_8));
                    line++;
                    sent.incrementAndGet();
                }
            }
            flush.flush();
        }

        void stopAndJoin() throws InterruptedException {
            stop.set(true);
            join();
        }
    }

    /** Samples used heap and the engine's queue; the old generation's use after collections comes from its pool. */
    private static final class Sampler extends Thread {
        private final EvaluationEngine engine;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported()
                        && (p.getName().contains("Old") || p.getName().contains("Tenured"))).toList();
        volatile long maxUsed;
        volatile long maxPending;
        private volatile long maxOld;

        Sampler(EvaluationEngine engine) {
            super("overload-sampler");
            this.engine = engine;
            setDaemon(true);
        }

        void reset() {
            maxUsed = 0;
            maxPending = 0;
            maxOld = 0;
            pools.forEach(MemoryPoolMXBean::resetPeakUsage);
        }

        long maxOldAfterGc() {
            return maxOld;
        }

        @Override
        public void run() {
            while (!stop.get()) {
                maxUsed = Math.max(maxUsed, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
                maxPending = Math.max(maxPending, engine.pendingEvents());
                for (MemoryPoolMXBean pool : pools) {
                    if (pool.getCollectionUsage() != null) {
                        maxOld = Math.max(maxOld, pool.getCollectionUsage().getUsed());
                    }
                }
                LockSupport.parkNanos(20_000_000);
            }
        }

        void stopAndJoin() throws InterruptedException {
            stop.set(true);
            join();
        }
    }

    /** Hands everything to the engine and counts the events it took. */
    private static final class Counting implements EvidenceSink {
        static final AtomicLong taken = new AtomicLong();
        private final EvidenceSink engine;

        Counting(EvidenceSink engine) {
            this.engine = engine;
        }

        @Override
        public void replace(EvidenceKey key, List<Object> facts) {
            engine.replace(key, facts);
        }

        @Override
        public void withdraw(EvidenceKey key) {
            engine.withdraw(key);
        }

        @Override
        public void events(List<?> events) {
            engine.events(events);
            taken.addAndGet(events.size());
        }

        @Override
        public boolean offerEvents(List<?> events) {
            boolean accepted = engine.offerEvents(events);
            if (accepted) {
                taken.addAndGet(events.size());
            }
            return accepted;
        }
    }
}
