package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.ConfigFile;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.EvidenceSink;
import io.annexa.evidence.LogEvent;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bounds on events and on evidence facts waiting for the evaluation thread: senders wait (or, for events, are
 * refused) at their bound and go on once the engine catches up; one bound never holds back what the other counts, and
 * withdrawals are never held back; the evaluation thread never waits for itself.
 *
 * <p>Each test first holds the evaluation thread inside the results consumer, so nothing handed over afterwards is
 * applied until the test lets it go on: the queue fills exactly as when the rules are slower than the senders.
 */
class EvaluationEngineBackpressureTest {

    private static final int BOUND = 10;
    /** Two hosts' evidence: {@link #sshd} hands over two facts per host. */
    private static final int FACT_BOUND = 4;
    /** Guards against a hang only (a sender or the engine waiting forever); no speed is asserted. */
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String ROOT_LOGIN = "sshd_root_login_disabled";

    private static RuleLibrary library;

    private final ThreadFactory threads = runnable -> {
        Thread thread = new Thread(runnable);
        thread.setDaemon(true);
        return thread;
    };
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch goOn = new CountDownLatch(1);
    private final List<EvaluationResult> recorded = new CopyOnWriteArrayList<>();
    /** Run on the evaluation thread once it goes on, inside the results consumer. */
    private volatile Runnable onGoingOn = () -> { };
    private EvaluationEngine engine;

    @BeforeAll
    static void loadLibrary() throws Exception {
        library = RuleLibrary.load(ProjectFiles.rulesSubset(Files.createTempDirectory("annexa-rules"),
                ProjectFiles.SSHD_RULES[0], "technological/c8_16_monitoring_activities/ssh_brute_force_detected"), ControlCatalog.load());
    }

    @AfterEach
    void closeEngine() {
        goOn.countDown();
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void eventsWaitAtTheBoundAndGoOnOnceTheEngineCatchesUpWithNoneLost() throws Exception {
        holdEngine();
        engine.events(events(4));
        engine.events(events(6));
        assertThat(engine.pendingEvents()).isEqualTo(BOUND);

        Thread sender = new Thread(() -> engine.events(events(3)));
        sender.start();
        await().atMost(DEADLINE).until(() -> sender.getState() == Thread.State.TIMED_WAITING);
        assertThat(sender.isAlive()).isTrue();
        assertThat(engine.pendingEvents()).isEqualTo(BOUND);

        goOn.countDown();
        sender.join(DEADLINE.toMillis());
        assertThat(sender.isAlive()).isFalse();
        assertThat(EngineState.settled(engine).applied()).isEqualTo(1 + 4 + 6 + 3);
        assertThat(engine.pendingEvents()).isZero();
    }

    @Test
    void offeredEventsAreRefusedWhileTheBoundIsReachedAndTakenAgainOnceThereIsRoom() throws Exception {
        holdEngine();
        assertThat(engine.offerEvents(events(BOUND))).isTrue();
        assertThat(engine.offerEvents(events(1))).isFalse();

        goOn.countDown();
        EngineState.drain(engine);
        assertThat(engine.offerEvents(events(1))).isTrue();
        assertThat(EngineState.settled(engine).applied()).isEqualTo(1 + BOUND + 1);
    }

    @Test
    void evidenceIsNeitherRefusedNorHeldBackWhileEventsAreAtTheBound() throws Exception {
        holdEngine();
        engine.events(events(BOUND));
        assertThat(engine.offerEvents(events(1))).isFalse();

        assertTimeoutPreemptively(DEADLINE, () -> {
            engine.replace(new EvidenceKey("sshd_config", "web1", "test"), sshd("web1", "yes"));
            engine.replace(new EvidenceKey("sshd_config", "db1", "test"), sshd("db1", "yes"));
            engine.withdraw(new EvidenceKey("sshd_config", "db1", "test"));
        });

        goOn.countDown();
        await().atMost(DEADLINE).until(() -> recorded.stream().anyMatch(r -> r.findings().stream()
                .anyMatch(f -> f.getRuleId().equals(ROOT_LOGIN) && f.getAsset().equals("web1"))));
        EngineState.drain(engine);
        assertThat(recorded.get(recorded.size() - 1).findings()).filteredOn(f -> f.getRuleId().equals(ROOT_LOGIN))
                .extracting(Finding::getAsset).containsExactly("web1");
    }

    @Test
    void theEvaluationThreadHandingOverEventsItselfNeverWaitsForRoom() throws Exception {
        CountDownLatch handedOver = new CountDownLatch(1);
        onGoingOn = () -> {
            // the bound is still reached: the queued events wait for this very thread to apply them
            engine.events(events(2 * BOUND));
            engine.offerEvents(events(1));
            handedOver.countDown();
        };
        holdEngine();
        engine.events(events(BOUND));

        goOn.countDown();
        assertThat(handedOver.await(DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(EngineState.settled(engine).applied()).isEqualTo(1 + BOUND + 2 * BOUND + 1);
    }

    @Test
    void aReplayWaitsForRoomLikeTheLiveStream() throws Exception {
        holdEngine();
        engine.events(events(BOUND));
        EvidenceSink.Replay replay = engine.replay("auth.log");

        Thread reader = new Thread(() -> replay.events(events(2)));
        reader.start();
        await().atMost(DEADLINE).until(() -> reader.getState() == Thread.State.TIMED_WAITING);
        assertThat(reader.isAlive()).isTrue();

        goOn.countDown();
        reader.join(DEADLINE.toMillis());
        assertThat(reader.isAlive()).isFalse();
        replay.close();
        EngineState.drain(engine);
        assertThat(engine.pendingEvents()).isZero();
    }

    @Test
    void aBatchLargerThanTheBoundIsTakenWhenNothingElseWaits() throws Exception {
        engine = new EvaluationEngine(library, recorded::add, threads, BOUND);

        assertTimeoutPreemptively(DEADLINE, () -> engine.events(events(3 * BOUND)));
        assertThat(EngineState.settled(engine).applied()).isEqualTo(3 * BOUND);
    }

    @Test
    void evidenceWaitsAtTheFactBoundAndGoesOnOnceTheEngineCatchesUpWithNoneLost() throws Exception {
        holdEngine();
        engine.replace(new EvidenceKey("sshd_config", "web1", "test"), sshd("web1", "yes"));
        engine.replace(new EvidenceKey("sshd_config", "web2", "test"), sshd("web2", "yes"));
        assertThat(engine.pendingFacts()).isEqualTo(FACT_BOUND);

        Thread route = new Thread(() -> engine.replace(new EvidenceKey("sshd_config", "web3", "test"), sshd("web3", "yes")));
        route.start();
        await().atMost(DEADLINE).until(() -> route.getState() == Thread.State.TIMED_WAITING);
        assertThat(route.isAlive()).isTrue();
        assertThat(engine.pendingFacts()).isEqualTo(FACT_BOUND);

        goOn.countDown();
        route.join(DEADLINE.toMillis());
        assertThat(route.isAlive()).isFalse();
        EngineState.drain(engine);
        assertThat(engine.pendingFacts()).isZero();
        assertThat(recorded.get(recorded.size() - 1).findings()).filteredOn(f -> f.getRuleId().equals(ROOT_LOGIN))
                .extracting(Finding::getAsset).containsExactlyInAnyOrder("web1", "web2", "web3");
    }

    @Test
    void withdrawalsAndEventsAreNotHeldBackWhileEvidenceIsAtTheFactBound() throws Exception {
        holdEngine();
        engine.replace(new EvidenceKey("sshd_config", "web1", "test"), sshd("web1", "yes"));
        engine.replace(new EvidenceKey("sshd_config", "db1", "test"), sshd("db1", "yes"));
        assertThat(engine.pendingFacts()).isEqualTo(FACT_BOUND);

        assertTimeoutPreemptively(DEADLINE, () -> {
            engine.withdraw(new EvidenceKey("sshd_config", "db1", "test"));
            engine.events(events(2));
        });
        assertThat(engine.pendingEvents()).isEqualTo(2);

        goOn.countDown();
        EngineState.drain(engine);
        assertThat(recorded.get(recorded.size() - 1).findings()).filteredOn(f -> f.getRuleId().equals(ROOT_LOGIN))
                .extracting(Finding::getAsset).containsExactly("web1");
    }

    @Test
    void theEvaluationThreadHandingOverEvidenceItselfNeverWaitsForRoom() throws Exception {
        CountDownLatch handedOver = new CountDownLatch(1);
        onGoingOn = () -> {
            // the fact bound is still reached: the queued evidence waits for this very thread to apply it
            engine.replace(new EvidenceKey("sshd_config", "web3", "test"), sshd("web3", "yes"));
            handedOver.countDown();
        };
        holdEngine();
        engine.replace(new EvidenceKey("sshd_config", "web1", "test"), sshd("web1", "yes"));
        engine.replace(new EvidenceKey("sshd_config", "web2", "test"), sshd("web2", "yes"));

        goOn.countDown();
        assertThat(handedOver.await(DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        EngineState.drain(engine);
        assertThat(recorded.get(recorded.size() - 1).findings()).filteredOn(f -> f.getRuleId().equals(ROOT_LOGIN))
                .extracting(Finding::getAsset).containsExactlyInAnyOrder("web1", "web2", "web3");
    }

    @Test
    void evidenceWithMoreFactsThanTheBoundIsTakenWhenNothingElseWaits() throws Exception {
        engine = new EvaluationEngine(library, recorded::add, threads, BOUND, 1, EventRetention.DEFAULT);

        assertTimeoutPreemptively(DEADLINE, () -> engine.replace(new EvidenceKey("sshd_config", "web1", "test"),
                sshd("web1", "yes")));
        await().atMost(DEADLINE).until(() -> recorded.stream().anyMatch(r -> r.findings().stream()
                .anyMatch(f -> f.getRuleId().equals(ROOT_LOGIN) && f.getAsset().equals("web1"))));
        assertThat(engine.pendingFacts()).isZero();
    }

    /** Starts the engine and holds its thread in the results consumer of the first cycle, until {@link #goOn}. */
    private void holdEngine() throws InterruptedException {
        engine = new EvaluationEngine(library, result -> {
            recorded.add(result);
            if (held.getCount() > 0) {
                held.countDown();
                try {
                    goOn.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                onGoingOn.run();
            }
        }, threads, BOUND, FACT_BOUND, EventRetention.DEFAULT);
        engine.events(events(1));
        assertThat(held.await(DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(engine.pendingEvents()).isZero();
    }

    /** Failed logins from distinct sources, stamped now: they stay in the session while the test looks. */
    private static List<Object> events(int count) {
        Instant now = Instant.now();
        return IntStream.range(0, count).<Object>mapToObj(i -> new LogEvent("web1", now, "sshd", "auth_failure",
                Map.of("source_ip", "192.0.2." + (i % 250 + 1), "user", "root"), "Failed password for root")).toList();
    }

    private static List<Object> sshd(String asset, String rootLogin) {
        Instant now = Instant.now();
        String file = "/etc/ssh/sshd_config";
        return List.of(new ConfigFile(asset, "sshd_config", file, now),
                new ConfigEntry(asset, "sshd_config", file, 1, "PermitRootLogin", rootLogin, "", now));
    }
}
