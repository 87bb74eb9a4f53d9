package io.annexa.bench;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.EvidenceSink;
import io.annexa.ingestion.SourceContext;
import io.annexa.ingestion.SourceMonitor;
import io.annexa.ingestion.SourceRuntime;
import io.annexa.ingestion.log.LogClassifier;
import io.annexa.ingestion.log.SyslogMessageParser;
import io.annexa.ingestion.log.SyslogRecord;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * End-to-end throughput of the syslog TCP receiver: a client socket sends newline-framed RFC 3164 messages
 * (the OpenSSH corpus lines behind a priority, over and over) as fast as it can to the real
 * {@code syslog-tcp} route of {@code integrations/syslog.camel.yaml}, running in a {@link SourceRuntime} with
 * only the syslog routes; the clock stops when the sink has received every event those messages make and the
 * route has counted every message. So it measures framing, parsing, classification and hand-over, not just
 * the socket.
 *
 * <p>A plain harness rather than JMH: one measurement is a stream of messages through a socket, a Netty event
 * loop and a thread pool until the last event arrives, which JMH's per-invocation model does not fit. It
 * warms up for some rounds, then prints every measured round and the median.
 *
 * <pre>
 * mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
 * java -Xmx512m -cp target/test-classes:target/classes:$(cat target/bench.classpath) \
 *     io.annexa.bench.SyslogTcpBenchmark [messages per round, default 500000] [warm-up rounds, 3] [measured rounds, 5]
 * </pre>
 */
public final class SyslogTcpBenchmark {

    private static final Path CORPUS = ProjectFiles.root().resolve("src/test/resources/corpus/loghub/OpenSSH_2k.log");
    private static final String ROUTE = "syslog-tcp";

    private SyslogTcpBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        int warmUps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;

        List<String> lines = Files.readAllLines(CORPUS);
        byte[][] wire = new byte[lines.size()][];
        int[] eventsPerLine = new int[lines.size()];
        SyslogMessageParser parser = new SyslogMessageParser(Clock.systemUTC(), ZoneId.systemDefault());
        LogClassifier classifier = new LogClassifier();
        for (int i = 0; i < lines.size(); i++) {
            String message = "<38>" + lines.get(i);
            wire[i] = (message + "\n").getBytes(StandardCharsets.UTF_8);
            SyslogRecord record = parser.parse(message, "benchmark");
            eventsPerLine[i] = classifier.classify(record.host(), record).events().size();
        }
        long eventsPerRound = 0;
        for (int i = 0; i < messages; i++) {
            eventsPerRound += eventsPerLine[i % lines.size()];
        }

        Path data = Files.createTempDirectory("annexa-syslog-bench");
        CountingSink sink = new CountingSink();
        SourceMonitor monitor = new SourceMonitor();
        int port = freePort();
        try (SourceRuntime runtime = syslogOnly(data, port, sink, monitor)) {
            runtime.start();
            System.out.printf("syslog-tcp on 127.0.0.1:%d, %d messages (%d events) per round, %d cores%n",
                    port, messages, eventsPerRound, Runtime.getRuntime().availableProcessors());
            double[] rates = new double[rounds];
            for (int round = -warmUps; round < rounds; round++) {
                long eventsBefore = sink.events.get();
                long readBefore = monitor.counters(ROUTE).itemsRead();
                long start = System.nanoTime();
                send(port, wire, messages);
                long sent = System.nanoTime();
                long expectedEvents = eventsBefore + eventsPerRound;
                long expectedRead = readBefore + messages;
                long deadline = start + Duration.ofMinutes(2).toNanos();
                while (sink.events.get() < expectedEvents || monitor.counters(ROUTE).itemsRead() < expectedRead) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("not all events arrived: " + (sink.events.get() - eventsBefore)
                                + " of " + eventsPerRound + "; errors " + monitor.counters(ROUTE).errors());
                    }
                    LockSupport.parkNanos(100_000);
                }
                long done = System.nanoTime();
                double rate = messages / ((done - start) / 1e9);
                System.out.printf("%s %d: %,.0f messages/s (sent in %d ms, all events in %d ms)%n",
                        round < 0 ? "warm-up" : "round", round < 0 ? round + warmUps + 1 : round + 1, rate,
                        (sent - start) / 1_000_000, (done - start) / 1_000_000);
                if (round >= 0) {
                    rates[round] = rate;
                }
            }
            Arrays.sort(rates);
            System.out.printf("median: %,.0f messages/s; errors %d%n", rates[rates.length / 2], monitor.counters(ROUTE).errors());
        }
    }

    /** The project's error handling and syslog routes, nothing else, with the default settings and a free port. */
    private static SourceRuntime syslogOnly(Path data, int port, EvidenceSink sink, SourceMonitor monitor) throws Exception {
        return syslogOnly(data, port, sink, monitor, Map.of());
    }

    /** Same, with some settings changed. */
    static SourceRuntime syslogOnly(Path data, int port, EvidenceSink sink, SourceMonitor monitor, Map<String, String> changed)
            throws Exception {
        Path integrations = Files.createDirectories(data.resolve("integrations"));
        for (String file : List.of("error-handling.camel.yaml", "syslog.camel.yaml")) {
            Files.copy(ProjectFiles.integrations().resolve(file), integrations.resolve(file));
        }
        Properties settings = new Properties();
        try (InputStream in = Files.newInputStream(ProjectFiles.root().resolve("config/annexa.properties"))) {
            settings.load(in);
        }
        settings.setProperty("annexa.sources.syslog.enabled", "true");
        settings.setProperty("annexa.sources.syslog.port", Integer.toString(port));
        changed.forEach(settings::setProperty);
        Map<String, String> fixed = new HashMap<>();
        fixed.put("annexa.home", ProjectFiles.root().toString());
        fixed.put("annexa.data", data.toString());
        fixed.put("annexa.inbox", data.resolve("inbox").toString());
        fixed.put("annexa.host.name", "benchhost");
        return new SourceRuntime(integrations, fixed, new SourceContext(sink, monitor, data,
                name -> Optional.ofNullable(settings.getProperty(name)), ControlCatalog.load(),
                Long.parseLong(settings.getProperty("annexa.sources.max-file-bytes"))));
    }

    /** As fast as the socket takes them, over one connection, as a forwarding syslog daemon would. */
    private static void send(int port, byte[][] wire, int messages) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port);
             OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024)) {
            for (int i = 0; i < messages; i++) {
                out.write(wire[i % wire.length]);
            }
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    /** Counts events; keeps none, so the measurement is the receiver's, not a collection's. */
    private static final class CountingSink implements EvidenceSink {
        final AtomicLong events = new AtomicLong();

        @Override
        public void replace(EvidenceKey key, List<Object> facts) {
            // the syslog routes hand over events only
        }

        @Override
        public void withdraw(EvidenceKey key) {
            // nor do they withdraw anything
        }

        @Override
        public void events(List<?> received) {
            events.addAndGet(received.size());
        }
    }
}
