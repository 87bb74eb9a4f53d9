package io.annexa.ingestion.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.evaluation.EngineState;
import io.annexa.evaluation.EvaluationEngine;
import io.annexa.evaluation.RuleLibrary;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.EvidenceSink;
import io.annexa.evidence.LogEvent;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log routes in front of a real engine whose evaluation thread the test holds, so that the engine's bound on
 * waiting events is reached as when the rules are slower than the senders: a TCP sender is slowed down by TCP
 * itself (the Netty thread waits for room and reads no more) and loses nothing; UDP datagrams beyond the bound
 * are dropped and counted; a followed file is read no further until there is room.
 */
class LogBackpressureTest {

    /** Guards against a hang only; no speed is asserted. */
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private static RuleLibrary library;

    @TempDir
    Path temp;

    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch goOn = new CountDownLatch(1);
    private EvaluationEngine engine;
    private LogSourcesRuntime sources;

    @BeforeAll
    static void loadLibrary() throws Exception {
        library = RuleLibrary.load(ProjectFiles.rulesSubset(Files.createTempDirectory("annexa-rules"), ProjectFiles.SSHD_RULES),
                ControlCatalog.load());
    }

    @AfterEach
    void tearDown() {
        goOn.countDown();
        if (sources != null) {
            sources.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void aTcpSenderFasterThanTheEngineIsSlowedDownByTcpAndLosesNothing() throws Exception {
        // above what one hand-over can hold (at most 1,000 events, one network read), so the queue never exceeds it
        int bound = 2_000;
        int messages = 100_000;
        Counting counted = start(bound);
        AtomicLong written = new AtomicLong();
        Thread sender = new Thread(() -> {
            try (Socket socket = new Socket()) {
                // small buffers on the sender's side too, so that a stalled reader stalls the writer soon
                socket.setSendBufferSize(16 * 1024);
                socket.connect(new InetSocketAddress("127.0.0.1", sources.syslogPort()));
                OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 8 * 1024);
                for (int i = 0; i < messages; i++) {
                    out.write(("<38>Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user u" + i + " from 173.234.31.186\n")
                            .getBytes(StandardCharsets.UTF_8));
                    written.incrementAndGet();
                }
                out.flush();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        sender.setDaemon(true);
        sender.start();

        // stalled: the engine's queue is (about) full, the next read's batch does not fit, and the sender has stopped
        // getting anything more into the socket
        long[] last = {-1};
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500)).until(() -> {
            long now = written.get();
            boolean still = now == last[0];
            last[0] = now;
            return still && engine.pendingEvents() > 0;
        });
        assertThat(sender.isAlive()).isTrue();
        assertThat(written.get()).as("messages the sender got into the socket while the engine was full")
                .isLessThan(messages / 4);
        assertThat(counted.taken.get()).as("events in the engine's queue").isLessThanOrEqualTo(bound);
        assertThat(sources.counters("syslog-tcp").itemsRead()).as("messages read and handed over").isLessThanOrEqualTo(bound);

        goOn.countDown();
        sender.join(DEADLINE.toMillis());
        assertThat(sender.isAlive()).isFalse();
        await().atMost(DEADLINE).until(() -> sources.counters("syslog-tcp").itemsRead() == messages);
        assertThat(counted.taken.get()).isEqualTo(messages);
        assertThat(sources.counters("syslog-tcp").dropped()).isZero();
        assertThat(sources.counters("syslog-tcp").errors()).isZero();
        EngineState.drain(engine);
        assertThat(engine.pendingEvents()).isZero();
    }

    @Test
    void udpDatagramsBeyondTheBoundAreDroppedAndCountedThenTakenAgainOnceThereIsRoom() throws Exception {
        int bound = 5;
        Counting counted = start(bound);

        send(20);
        await().atMost(DEADLINE).until(() -> sources.counters("syslog-udp").itemsRead() == 20);
        assertThat(counted.taken.get()).isEqualTo(bound);
        assertThat(sources.counters("syslog-udp").dropped()).isEqualTo(20 - bound);

        goOn.countDown();
        EngineState.drain(engine);
        send(3);
        await().atMost(DEADLINE).until(() -> sources.counters("syslog-udp").itemsRead() == 23);
        assertThat(counted.taken.get()).isEqualTo(bound + 3);
        assertThat(sources.counters("syslog-udp").dropped()).isEqualTo(20 - bound);
        assertThat(sources.counters("syslog-udp").errors()).isZero();
    }

    @Test
    void aFollowedFileIsReadNoFurtherWhileTheEngineIsFullAndToItsEndOnceThereIsRoom() throws Exception {
        // larger than the follower's batches of 1,000 lines: two fit, the third waits
        int bound = 2_500;
        int lines = 10_000;
        Path log = temp.resolve("auth.log");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            text.append("Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user u").append(i).append(" from 173.234.31.186\n");
        }
        Files.writeString(log, text);
        Counting counted = start(bound, "annexa.sources.logs.follow", log.toString());

        long[] last = {-1};
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500)).until(() -> {
            long now = sources.counters("logs-follow").itemsRead();
            boolean still = now == last[0];
            last[0] = now;
            return still && engine.pendingEvents() > 0;
        });
        assertThat(sources.counters("logs-follow").itemsRead()).as("lines read while the engine was full").isLessThan(lines);
        assertThat(counted.taken.get()).isLessThanOrEqualTo(bound);

        goOn.countDown();
        await().atMost(DEADLINE).until(() -> sources.counters("logs-follow").itemsRead() == lines);
        assertThat(counted.taken.get()).isEqualTo(lines);
        assertThat(sources.counters("logs-follow").errors()).isZero();
    }

    /** One datagram per message, each making one event. */
    private void send(int datagrams) throws Exception {
        try (DatagramSocket socket = new DatagramSocket()) {
            for (int i = 0; i < datagrams; i++) {
                byte[] bytes = ("<38>Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user u" + i + " from 173.234.31.186")
                        .getBytes(StandardCharsets.UTF_8);
                socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getByName("127.0.0.1"), sources.syslogPort()));
            }
        }
    }

    /**
     * An engine bounded at {@code bound} waiting events whose thread is held in the results consumer of its first
     * cycle until {@link #goOn}; the syslog routes hand over to it.
     */
    private Counting start(int bound, String... settings) throws Exception {
        engine = new EvaluationEngine(library, result -> {
            if (held.getCount() > 0) {
                held.countDown();
                try {
                    goOn.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, runnable -> {
            Thread thread = new Thread(runnable);
            thread.setDaemon(true);
            return thread;
        }, bound);
        engine.events(List.of(new LogEvent("testhost", Instant.now(), "test", "test", Map.of(), "")));
        assertThat(held.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        Counting counted = new Counting(engine);
        sources = new LogSourcesRuntime(temp).into(counted);
        for (int i = 0; i < settings.length; i += 2) {
            sources.set(settings[i], settings[i + 1]);
        }
        sources.start();
        return counted;
    }

    /** Hands everything to the engine and counts the events it took. */
    private static final class Counting implements EvidenceSink {
        private final EvidenceSink engine;
        final AtomicLong taken = new AtomicLong();

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
