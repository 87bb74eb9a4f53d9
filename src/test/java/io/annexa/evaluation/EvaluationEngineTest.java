package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.awaitility.Awaitility.await;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.ConfigFile;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.EvidenceScope;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine's own thread: inputs from anywhere, one owner of the session, results retried until recorded. */
class EvaluationEngineTest {

    private static final String ROOT_LOGIN = "sshd_root_login_disabled";
    /** The engine pauses 5 s before offering a failed result again; leave ample room on a loaded machine. */
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private static RuleLibrary library;

    private final List<Thread> engineThreads = new CopyOnWriteArrayList<>();
    private final ThreadFactory threads = runnable -> {
        Thread thread = new Thread(runnable);
        thread.setDaemon(true);
        engineThreads.add(thread);
        return thread;
    };
    /** Every call of the results consumer, successful or not, with the thread it came on. */
    private final List<Delivery> offered = new CopyOnWriteArrayList<>();
    /** The results the consumer accepted. */
    private final List<EvaluationResult> recorded = new CopyOnWriteArrayList<>();
    private EvaluationEngine engine;

    private record Delivery(Thread thread, EvaluationResult result) {
    }

    @BeforeAll
    static void loadLibrary() throws RuleLibraryException, java.io.IOException {
        library = RuleLibrary.load(ProjectFiles.rulesSubset(java.nio.file.Files.createTempDirectory("annexa-rules"), ProjectFiles.SSHD_RULES),
                ControlCatalog.load());
    }

    @AfterEach
    void closeEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void inputsFromManyThreadsAreEvaluatedAndDeliveredOnTheEngineThread() throws Exception {
        engine = start(result -> { });
        List<String> assets = IntStream.range(0, 12).mapToObj(i -> "host" + i).toList();

        ExecutorService sources = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> sent = new ArrayList<>();
        try {
            for (String asset : assets) {
                sent.add(sources.submit(() -> {
                    go.await();
                    // every asset is read three times; the last read of each is the one allowing root
                    engine.replace(key(asset), sshd(asset, "no"));
                    engine.replace(key(asset), sshd(asset, "no"));
                    engine.replace(key(asset), sshd(asset, "yes"));
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> future : sent) {
                future.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            sources.shutdownNow();
        }

        await().atMost(DEADLINE).until(() -> !recorded.isEmpty()
                && assetsWithFindings(last(recorded)).containsAll(assets));

        EvaluationResult last = last(recorded);
        assertThat(last.findings()).allSatisfy(f -> assertThat(f.getRuleId()).isEqualTo(ROOT_LOGIN)).hasSize(assets.size());
        assertThat(last.observed()).containsExactlyInAnyOrderElementsOf(assets.stream().map(EvaluationEngineTest::scope).toList());
        // every read was refreshed in some cycle: none was dropped between threads and cycles
        assertThat(recorded.stream().flatMap(r -> r.refreshed().stream()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(last.observed());

        assertThat(engineThreads).hasSize(1);
        Thread engineThread = engineThreads.get(0);
        assertThat(engineThread.getName()).isEqualTo("annexa-evaluation");
        assertThat(offered).extracting(Delivery::thread).containsOnly(engineThread);
        assertThat(engine.isRunning()).isTrue();
        assertThat(engine.lastCycle()).isNotNull();
        assertThat(engine.firings()).containsKey(ROOT_LOGIN);
        assertThat(engine.firings().get(ROOT_LOGIN)).isGreaterThanOrEqualTo(assets.size());
    }

    @Test
    void aResultTheConsumerRejectsIsOfferedAgain() {
        engine = start(failingTimes(1));

        engine.replace(key("web1"), sshd("web1", "yes"));

        await().atMost(DEADLINE).until(() -> recorded.size() == 1);
        assertThat(offered).hasSize(2);
        assertThat(offered.get(1).result()).as("the same result, offered again").isSameAs(offered.get(0).result());
        assertThat(recorded.get(0).findings()).extracting(Finding::getAsset).containsExactly("web1");
        assertThat(recorded.get(0).refreshed()).containsExactly(scope("web1"));

        // the engine carries on normally afterwards
        engine.replace(key("web1"), sshd("web1", "no"));
        await().atMost(DEADLINE).until(() -> recorded.size() == 2);
        assertThat(recorded.get(1).findings()).isEmpty();
        assertThat(offered).hasSize(3);
    }

    @Test
    void inputArrivingWhileAResultWaitsForRetryLosesNothing() {
        engine = start(failingTimes(1));

        engine.replace(key("web1"), sshd("web1", "yes"));
        await().atMost(DEADLINE).until(() -> offered.size() == 1);
        // the first result was rejected; more evidence arrives before the retry
        engine.replace(key("web2"), sshd("web2", "yes"));

        await().atMost(DEADLINE).until(() -> !recorded.isEmpty()
                && assetsWithFindings(last(recorded)).containsAll(List.of("web1", "web2")));
        Set<EvidenceScope> refreshed = recorded.stream().flatMap(r -> r.refreshed().stream()).collect(Collectors.toSet());
        assertThat(refreshed).as("what the rejected cycle re-read still reaches the consumer")
                .containsExactlyInAnyOrder(scope("web1"), scope("web2"));
    }

    @Test
    void aWithdrawalRetractsTheFindingOnTheEngineThreadAndTheResultReportsTheScopeRemoved() {
        engine = start(result -> { });
        engine.replace(key("web1"), sshd("web1", "yes"));
        engine.replace(key("web2"), sshd("web2", "yes"));
        await().atMost(DEADLINE).until(() -> !recorded.isEmpty() && assetsWithFindings(last(recorded)).equals(Set.of("web1", "web2")));

        engine.withdraw(key("web1"));
        // and one the engine never held: after a restart, a file that went away while Annexa was down
        engine.withdraw(new EvidenceKey("sshd_config", "db1", "test"));

        // the two withdrawals may be applied in one cycle or in two: each scope is reported removed exactly once
        await().atMost(DEADLINE).until(() -> removedSoFar().size() == 2);
        assertThat(removedSoFar()).containsExactlyInAnyOrder(scope("web1"), scope("db1"));
        EvaluationResult result = last(recorded);
        assertThat(assetsWithFindings(result)).containsExactly("web2");
        assertThat(result.observed()).containsExactly(scope("web2"));
        assertThat(offered).extracting(Delivery::thread).containsOnly(engineThreads.get(0));
    }

    @Test
    void aWithdrawalAndAReadOfTheSameScopeInOneCycleRemoveNothing() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        engine = start(holdingFirst(release));
        engine.replace(key("web1"), sshd("web1", "yes"));
        // the engine thread waits in the consumer: what is handed over now is applied in one batch
        await().atMost(DEADLINE).until(() -> offered.size() == 1);
        engine.withdraw(key("web1"));
        engine.replace(key("web1"), sshd("web1", "no"));
        release.countDown();

        await().atMost(DEADLINE).until(() -> recorded.size() == 2);
        EvaluationResult second = recorded.get(1);
        assertThat(second.removed()).isEmpty();
        assertThat(second.observed()).containsExactly(scope("web1"));
        assertThat(second.findings()).isEmpty();
    }

    @Test
    void aWithdrawalQueuedBeforeARuleSwapIsReportedByTheNewSession() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        engine = start(holdingFirst(release));
        engine.replace(key("web1"), sshd("web1", "yes"));
        await().atMost(DEADLINE).until(() -> offered.size() == 1);
        // applied in one batch: the withdrawal to the old session, then the swap; the new session fires the cycle
        engine.withdraw(key("web1"));
        engine.swap(library);
        release.countDown();

        await().atMost(DEADLINE).until(() -> recorded.size() == 2);
        assertThat(recorded.get(1).removed()).containsExactly(scope("web1"));
        assertThat(recorded.get(1).findings()).isEmpty();
    }

    @Test
    void aReadQueuedBeforeARuleSwapIsReportedRefreshed() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        engine = start(holdingFirst(release));
        engine.replace(key("web1"), sshd("web1", "yes"));
        await().atMost(DEADLINE).until(() -> offered.size() == 1);
        // one batch: the read goes to the old session, which fires it before the swap; the register dates last seen by it
        engine.replace(key("web1"), sshd("web1", "no"));
        java.util.concurrent.CompletableFuture<RuleLibrary> swapped = engine.swap(library);
        release.countDown();

        assertThat(swapped.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isSameAs(library);
        await().atMost(DEADLINE).until(() -> recorded.size() == 2);
        assertThat(recorded.get(1).refreshed()).containsExactly(scope("web1"));
        assertThat(recorded.get(1).findings()).isEmpty();
    }

    @Test
    void aRemovalWaitingForRetryIsNotLostToANewerCycle() {
        AtomicInteger failures = new AtomicInteger();
        engine = start(result -> {
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IllegalStateException("database unavailable (simulated)");
            }
        });
        engine.replace(key("web1"), sshd("web1", "yes"));
        await().atMost(DEADLINE).until(() -> recorded.size() == 1);

        failures.set(1);
        engine.withdraw(key("web1"));
        await().atMost(DEADLINE).until(() -> offered.size() == 2);
        // the removal waits for the retry; more evidence arrives meanwhile and its cycle supersedes the waiting one
        engine.replace(key("web2"), sshd("web2", "yes"));

        await().atMost(DEADLINE).until(() -> recorded.size() == 2);
        assertThat(recorded.get(1).removed()).containsExactly(scope("web1"));
        assertThat(recorded.get(1).observed()).containsExactly(scope("web2"));
    }

    @Test
    void closeStopsTheThread() {
        engine = start(result -> { });
        engine.replace(key("web1"), sshd("web1", "yes"));
        await().atMost(DEADLINE).until(() -> !recorded.isEmpty());

        assertTimeout(Duration.ofSeconds(5), engine::close);

        assertThat(engine.isRunning()).isFalse();
        assertThat(engineThreads.get(0).isAlive()).isFalse();
    }

    @Test
    void closeStopsTheThreadWhileItWaitsToRetry() {
        engine = start(failingTimes(Integer.MAX_VALUE));
        engine.replace(key("web1"), sshd("web1", "yes"));
        await().atMost(DEADLINE).until(() -> !offered.isEmpty());

        assertTimeout(Duration.ofSeconds(5), engine::close);

        assertThat(engine.isRunning()).isFalse();
        assertThat(engineThreads.get(0).isAlive()).isFalse();
        assertThat(recorded).isEmpty();
    }

    @Test
    void afterACostlyCycleInputArrivingMeanwhileIsFiredInOneCycle() throws Exception {
        AtomicInteger deliveries = new AtomicInteger();
        engine = start(result -> {
            if (deliveries.getAndIncrement() == 0) {
                // a cycle that costs 800 ms, as recording a fleet's findings does
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(800));
            }
        });
        engine.replace(key("web0"), sshd("web0", "no"));
        await().atMost(DEADLINE).until(() -> recorded.size() == 1);

        engine.replace(key("web1"), sshd("web1", "yes"));
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        engine.replace(key("web2"), sshd("web2", "yes"));
        await().atMost(DEADLINE).until(() -> recorded.stream().anyMatch(r -> refreshedAssets(r).contains("web2")));

        List<Set<String>> cycles = recorded.stream().skip(1).map(EvaluationEngineTest::refreshedAssets).toList();
        assertThat(cycles).as("input 200 ms apart after an 800 ms cycle").contains(Set.of("web1", "web2"));
    }

    private static Set<String> refreshedAssets(EvaluationResult result) {
        return result.refreshed().stream().map(EvidenceScope::asset).collect(Collectors.toSet());
    }

    // ---------------------------------------------------------------- helpers

    private EvaluationEngine start(Consumer<EvaluationResult> consumer) {
        return new EvaluationEngine(library, result -> {
            offered.add(new Delivery(Thread.currentThread(), result));
            consumer.accept(result);
            recorded.add(result);
        }, threads);
    }

    private static Consumer<EvaluationResult> failingTimes(int failures) {
        AtomicInteger calls = new AtomicInteger();
        return result -> {
            if (calls.getAndIncrement() < failures) {
                throw new IllegalStateException("database unavailable (simulated)");
            }
        };
    }

    /** Blocks the engine thread in its first delivery until {@code release}, so inputs queue up for one batch. */
    private static Consumer<EvaluationResult> holdingFirst(CountDownLatch release) {
        AtomicInteger calls = new AtomicInteger();
        return result -> {
            try {
                if (calls.getAndIncrement() == 0 && !release.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    private static EvidenceKey key(String asset) {
        return new EvidenceKey("sshd_config", asset, "test");
    }

    private static EvidenceScope scope(String asset) {
        return new EvidenceScope("sshd_config", asset);
    }

    /** What the sshd_config parser yields for a file with PermitRootLogin {@code rootLogin} and no passwords. */
    private static List<Object> sshd(String asset, String rootLogin) {
        Instant now = Instant.now();
        String file = "/etc/ssh/sshd_config";
        return List.of(new ConfigFile(asset, "sshd_config", file, now),
                new ConfigEntry(asset, "sshd_config", file, 1, "PermitRootLogin", rootLogin, "", now),
                new ConfigEntry(asset, "sshd_config", file, 2, "PasswordAuthentication", "no", "", now));
    }

    private static Set<String> assetsWithFindings(EvaluationResult result) {
        return result.findings().stream().map(Finding::getAsset).collect(Collectors.toSet());
    }

    private static <T> T last(List<T> list) {
        return list.get(list.size() - 1);
    }

    private List<EvidenceScope> removedSoFar() {
        return recorded.stream().flatMap(r -> r.removed().stream()).toList();
    }
}
