package io.annexa.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.annexa.control.ControlCatalog;
import io.annexa.evaluation.EvaluationEngine;
import io.annexa.evaluation.EventRetention;
import io.annexa.evaluation.RuleLibrary;
import io.annexa.evidence.EvidenceKey;
import io.annexa.ingestion.ConfigParsers;
import io.annexa.it.kafka.ChildProcessKafka;
import io.annexa.register.ChangeJournal;
import io.annexa.register.DatabaseMigrations;
import io.annexa.register.Nonconformity;
import io.annexa.register.NonconformityRepository;
import io.annexa.register.NonconformityStatus;
import io.annexa.register.TestDatabase;
import io.annexa.register.policy.AssetInventory;
import io.annexa.register.policy.RegisterPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker is killed with SIGKILL while a source keeps publishing, and started again on the same log directory: the
 * source's call in flight waits for the broker instead of failing, the node carries on without a restart of its own,
 * and every host's nonconformity is in the register exactly once.
 */
@Timeout(480)
class BrokerRestartTest {

    private static final Logger LOG = Logger.getLogger(BrokerRestartTest.class.getName());
    private static final int PARTITIONS = 6;
    private static final int HOSTS = 120;
    private static final int KILL_AFTER = 40;
    private static final String ROOT_LOGIN = "sshd_root_login_disabled";
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @TempDir
    Path files;
    private ChildProcessKafka kafka;
    private TestDatabase database;
    private NonconformityRepository repository;
    private KafkaEvidencePublisher sources;
    private ClusterNode node;
    private ExecutorService publishing;

    /** One source call: when it started and when the broker acknowledged it. */
    private record Call(String host, Instant started, Instant acknowledged) {
    }

    @BeforeEach
    void start() throws Exception {
        kafka = new ChildProcessKafka().withBrokerConfig(Map.of(
                "group.consumer.session.timeout.ms", "6000",
                "group.consumer.min.session.timeout.ms", "1000",
                "group.consumer.heartbeat.interval.ms", "1000",
                "group.consumer.min.heartbeat.interval.ms", "500")).start();
        database = TestDatabase.postgres();
        DatabaseMigrations.migrate(database.settings());
        repository = NonconformityRepository.open(database.settings());
    }

    @AfterEach
    void stop() throws Exception {
        if (publishing != null) {
            publishing.shutdownNow();
        }
        if (node != null) {
            node.close();
        }
        if (sources != null) {
            sources.close();
        }
        if (repository != null) {
            repository.close();
        }
        if (database != null) {
            database.drop();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aBrokerKilledMidStreamLosesNothingDuplicatesNothingAndTheNodeCarriesOn() throws Exception {
        RuleLibrary library = RuleLibrary.load(Path.of("rules"), Path.of("config", "rules.yml"), ControlCatalog.load());
        ClusterSettings settings = new ClusterSettings(kafka.bootstrapServers(), "r" + UUID.randomUUID().toString().substring(0, 8),
                PARTITIONS, "node-a");
        int partitions = ClusterNodes.ensureTopics(settings, library);
        node = ClusterNodes.recordingInto(
                new ClusterNodes.SharedRegister(repository, RegisterPolicy::defaults, AssetInventory::empty, ChangeJournal.NONE),
                settings, partitions, library, new EvidenceCodec(ClusterTopics.MAX_RECORD_BYTES),
                new ClusterNodes.Evaluating(Executors.defaultThreadFactory(), EventRetention.DEFAULT,
                        EvaluationEngine.DEFAULT_MAX_PENDING_EVENTS, EvaluationEngine.DEFAULT_MAX_PENDING_FACTS),
                changes -> { });
        node.start();
        await("the node owns every partition").atMost(DEADLINE).until(() -> node.partitions().size() == PARTITIONS && node.ready());
        sources = new KafkaEvidencePublisher(new ClusterSettings(kafka.bootstrapServers(), settings.topicPrefix(), PARTITIONS,
                "sources"), PARTITIONS, new EvidenceCodec(ClusterTopics.MAX_RECORD_BYTES));

        List<String> hosts = IntStream.rangeClosed(1, HOSTS).mapToObj(i -> String.format("db-%03d.example.org", i)).toList();
        List<Call> calls = new CopyOnWriteArrayList<>();
        publishing = Executors.newSingleThreadExecutor();
        Future<?> publisher = publishing.submit(() -> {
            for (String host : hosts) {
                Instant started = Instant.now();
                sources.replace(new EvidenceKey("sshd_config", host, "inbox"), sshd(host, "PermitRootLogin yes\n"));
                calls.add(new Call(host, started, Instant.now()));
            }
            return null;
        });

        await().atMost(DEADLINE).until(() -> calls.size() >= KILL_AFTER);
        Instant killed = Instant.now();
        assertThat(kafka.killHard()).isEqualTo(137);
        int acknowledgedBeforeRestart = calls.size();
        Instant restarting = Instant.now();
        kafka.restart();
        Instant restarted = Instant.now();
        publisher.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        Call waited = calls.get(acknowledgedBeforeRestart);
        LOG.info(() -> "broker down " + Duration.between(killed, restarted).toMillis() + " ms (restart took "
                + Duration.between(restarting, restarted).toMillis() + " ms); the call in flight for " + waited.host()
                + " was acknowledged " + Duration.between(waited.started(), waited.acknowledged()).toMillis() + " ms after it began");
        System.out.println("BROKER_RESTART down_ms=" + Duration.between(killed, restarted).toMillis() + " call_waited_ms="
                + Duration.between(waited.started(), waited.acknowledged()).toMillis());

        // the call in flight when the broker died waited for it and completed once it was back
        assertThat(acknowledgedBeforeRestart).isLessThan(HOSTS);
        assertThat(waited.started()).isBefore(restarted);
        assertThat(waited.acknowledged()).isAfter(restarted);
        assertThat(calls).hasSize(HOSTS);
        assertThat(sources.failed()).isZero();

        await("every host recorded").atMost(DEADLINE).until(() -> rootLogins().size() >= HOSTS);
        // the same node, never restarted, owns and evaluates every partition again
        assertThat(node.isRunning()).isTrue();
        await("the node live on every partition").atMost(DEADLINE).until(() -> node.partitions().size() == PARTITIONS && node.ready());
        String after = "db-after.example.org";
        sources.replace(new EvidenceKey("sshd_config", after, "inbox"), sshd(after, "PermitRootLogin yes\n"));
        await("evidence published after the restart recorded").atMost(DEADLINE)
                .until(() -> rootLogins().stream().anyMatch(nc -> nc.getAsset().equals(after)));

        List<Nonconformity> recorded = rootLogins();
        assertThat(recorded).extracting(Nonconformity::getAsset)
                .containsExactlyInAnyOrderElementsOf(java.util.stream.Stream.concat(hosts.stream(), java.util.stream.Stream.of(after)).toList());
        assertThat(recorded).extracting(Nonconformity::getStatus).containsOnly(NonconformityStatus.OPEN);
        // each opened once: no second entry in any trail
        Map<Long, Integer> trailLengths = repository.histories(recorded.stream().map(Nonconformity::getId).toList()).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().size()));
        assertThat(trailLengths.values()).hasSize(recorded.size()).containsOnly(1);
    }

    private List<Nonconformity> rootLogins() {
        return repository.activeDuring(Instant.EPOCH, Instant.now().plusSeconds(60), 10_000).stream()
                .filter(nc -> nc.getRuleId().equals(ROOT_LOGIN)).toList();
    }

    private List<Object> sshd(String asset, String content) throws Exception {
        Path file = Files.writeString(Files.createTempFile(files, "sshd", ".conf"), content);
        return ConfigParsers.forSource("sshd_config").orElseThrow().parse(file, asset, Instant.now()).facts();
    }
}
