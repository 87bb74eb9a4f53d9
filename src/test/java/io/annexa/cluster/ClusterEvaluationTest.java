package io.annexa.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.annexa.control.ControlCatalog;
import io.annexa.evaluation.EventRetention;
import io.annexa.evaluation.RuleLibrary;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.LogEvent;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import io.annexa.ingestion.ConfigParsers;
import io.annexa.it.kafka.InProcessKafka;
import io.annexa.register.ChangeJournal;
import io.annexa.register.DatabaseMigrations;
import io.annexa.register.Nonconformity;
import io.annexa.register.NonconformityRegister;
import io.annexa.register.NonconformityRepository;
import io.annexa.register.NonconformityStatus;
import io.annexa.register.PartitionLeases;
import io.annexa.register.TestDatabase;
import io.annexa.register.policy.AssetInventory;
import io.annexa.register.policy.RegisterPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several instances sharing an estate, on a real KRaft broker and the real PostgreSQL register: the partitions are
 * split, every host's nonconformities are recorded once whoever evaluates them, a partition whose owner stops moves and
 * is rebuilt without resolving or reopening anything, and an owner whose lease was taken writes nothing.
 */
@Timeout(240)
class ClusterEvaluationTest {

    private static final int PARTITIONS = 6;
    private static final String ROOT_LOGIN = "sshd_root_login_disabled";
    private static final String BRUTE_FORCE = "ssh_brute_force_detected";
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);
    private static InProcessKafka kafka;
    private static RuleLibrary library;

    @TempDir
    Path files;
    private TestDatabase database;
    private NonconformityRepository repository;
    private String prefix;
    private KafkaEvidencePublisher sources;
    private final EvidenceCodec codec = new EvidenceCodec(ClusterTopics.MAX_RECORD_BYTES);
    private final List<ClusterNode> nodes = new ArrayList<>();

    @BeforeAll
    static void broker() throws Exception {
        // the broker keeps its default session timeout (45 s) but lets a group ask for less, as an operator would set it up
        // for annexa.kafka.session-timeout: the failovers below take seconds only if the group's own 6 s applies
        kafka = new InProcessKafka().withBrokerConfig(Map.of(
                "group.consumer.min.session.timeout.ms", "1000",
                "group.consumer.min.heartbeat.interval.ms", "500")).start();
        library = RuleLibrary.load(Path.of("rules"), Path.of("config", "rules.yml"), ControlCatalog.load());
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @BeforeEach
    void register() throws Exception {
        database = TestDatabase.postgres();
        DatabaseMigrations.migrate(database.settings());
        repository = NonconformityRepository.open(database.settings());
        prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
        try (var admin = kafka.admin()) {
            assertThat(ClusterTopics.ensure(admin, settings("sources"), Duration.ofDays(1))).isEqualTo(PARTITIONS);
        }
        sources = new KafkaEvidencePublisher(settings("sources"), PARTITIONS, codec);
    }

    @AfterEach
    void stop() throws Exception {
        nodes.forEach(ClusterNode::close);
        sources.close();
        repository.close();
        database.drop();
    }

    @Test
    void twoInstancesSplitThePartitionsAndRecordEveryHostOnce() throws Exception {
        ClusterNode a = start("node-a");
        ClusterNode b = start("node-b");
        awaitSplit(a, b);

        List<String> hosts = hosts(30);
        for (String host : hosts) {
            sources.replace(new EvidenceKey("sshd_config", host, "inbox"), sshd(host, "PermitRootLogin yes\n"));
        }

        await().atMost(DEADLINE).until(() -> open(ROOT_LOGIN).size() == hosts.size());
        assertThat(open(ROOT_LOGIN)).extracting(Nonconformity::getAsset).containsExactlyInAnyOrderElementsOf(hosts);
        // each instance evaluated its own share: both hold leases, on disjoint partitions
        assertThat(owned(a)).doesNotContainAnyElementsOf(owned(b));
        assertThat(new PartitionLeases(repository, Clock.systemUTC()).all())
                .extracting(PartitionLeases.Lease::owner).containsOnly("node-a", "node-b");
    }

    @Test
    void aStoppedInstancesPartitionsMoveAndAreRebuiltWithoutResolvingOrReopening() throws Exception {
        ClusterNode a = start("node-a");
        ClusterNode b = start("node-b");
        awaitSplit(a, b);
        List<String> hosts = hosts(30);
        for (String host : hosts) {
            sources.replace(new EvidenceKey("sshd_config", host, "inbox"), sshd(host, "PermitRootLogin yes\n"));
        }
        await().atMost(DEADLINE).until(() -> open(ROOT_LOGIN).size() == hosts.size());
        Map<String, Long> idsBefore = ids(open(ROOT_LOGIN));
        Set<Integer> movedPartitions = owned(a);
        String movedHost = hosts.stream().filter(h -> movedPartitions.contains(AssetPartitioner.partition(h, PARTITIONS)))
                .findFirst().orElseThrow();

        a.close();
        nodes.remove(a);
        // well before the broker's 45 s: the group's own session timeout (annexa.kafka.session-timeout) applies
        await().atMost(Duration.ofSeconds(30)).until(() -> owned(b).size() == PARTITIONS && b.ready());

        // the survivor evaluates the moved partitions: a fix there resolves, nothing else changes
        sources.replace(new EvidenceKey("sshd_config", movedHost, "inbox"), sshd(movedHost, "PermitRootLogin no\n"));
        await().atMost(DEADLINE).until(() -> !ids(open(ROOT_LOGIN)).containsKey(movedHost));
        Map<String, Long> idsAfter = ids(open(ROOT_LOGIN));
        Map<String, Long> expected = new java.util.HashMap<>(idsBefore);
        expected.remove(movedHost);
        assertThat(idsAfter).isEqualTo(expected);
        assertThat(all(ROOT_LOGIN)).filteredOn(nc -> nc.getStatus() == NonconformityStatus.RESOLVED)
                .extracting(Nonconformity::getAsset).containsExactly(movedHost);
        assertThat(all(ROOT_LOGIN)).filteredOn(nc -> nc.getStatus() == NonconformityStatus.REOPENED).isEmpty();
        assertThat(all(ROOT_LOGIN)).hasSize(hosts.size());
    }

    @Test
    void anInstanceWhoseLeaseWasTakenWritesNothing() throws Exception {
        ClusterNode a = start("node-a");
        await().atMost(DEADLINE).until(() -> owned(a).size() == PARTITIONS && a.ready());
        String host = "fenced-01.example.org";
        int partition = AssetPartitioner.partition(host, PARTITIONS);
        // another instance took the partition over, and the group has not told this one yet
        new PartitionLeases(repository, Clock.systemUTC()).take(partition, "node-b");

        sources.replace(new EvidenceKey("sshd_config", host, "inbox"), sshd(host, "PermitRootLogin yes\n"));
        String other = hosts(20).stream().filter(h -> AssetPartitioner.partition(h, PARTITIONS) != partition).findFirst().orElseThrow();
        sources.replace(new EvidenceKey("sshd_config", other, "inbox"), sshd(other, "PermitRootLogin yes\n"));

        await().atMost(DEADLINE).until(() -> !owned(a).contains(partition));
        await().atMost(DEADLINE).until(() -> ids(open(ROOT_LOGIN)).containsKey(other));
        assertThat(all(ROOT_LOGIN)).extracting(Nonconformity::getAsset).doesNotContain(host);
    }

    @Test
    void aBurstStraddlingARebalanceIsReportedOnceAndOneReportedBeforeIsNotReportedAgain() throws Exception {
        ClusterNode a = start("node-a");
        ClusterNode b = start("node-b");
        awaitSplit(a, b);
        Set<Integer> moving = owned(a);
        List<String> onA = hosts(40).stream().filter(h -> moving.contains(AssetPartitioner.partition(h, PARTITIONS))).toList();
        String reportedBefore = onA.get(0);
        String straddling = onA.get(1);

        sources.events(failures(reportedBefore, 0, 6));
        await().atMost(DEADLINE).until(() -> ids(open(BRUTE_FORCE)).containsKey(reportedBefore));
        long occurrencesBefore = occurrences(ids(open(BRUTE_FORCE)).get(reportedBefore));
        sources.events(failures(straddling, 0, 3));
        awaitCommitted();
        assertThat(ids(open(BRUTE_FORCE))).doesNotContainKey(straddling);

        a.close();
        nodes.remove(a);
        await().atMost(DEADLINE).until(() -> owned(b).size() == PARTITIONS && b.ready());
        sources.events(failures(straddling, 3, 6));
        await().atMost(DEADLINE).until(() -> ids(open(BRUTE_FORCE)).containsKey(straddling));
        awaitCommitted();

        // the rebuilt partition fired the first burst again from the events it re-read: absorbed, not a new occurrence
        assertThat(all(BRUTE_FORCE)).extracting(Nonconformity::getAsset).containsExactlyInAnyOrder(reportedBefore, straddling);
        assertThat(occurrences(ids(open(BRUTE_FORCE)).get(reportedBefore))).isEqualTo(occurrencesBefore);
    }

    @Test
    void aRuleSwitchedOffWhileTheSessionsSwapOneByOneWithdrawsItsNonconformitiesEverywhere() throws Exception {
        ClusterNode a = start("node-a");
        ClusterNode b = start("node-b");
        awaitSplit(a, b);
        List<String> hosts = hosts(30);
        for (String host : hosts) {
            sources.replace(new EvidenceKey("sshd_config", host, "inbox"), sshd(host, "PermitRootLogin yes\n"));
        }
        await().atMost(DEADLINE).until(() -> open(ROOT_LOGIN).size() == hosts.size());

        Path settings = Files.writeString(files.resolve("rules.yml"), "rules:\n  " + ROOT_LOGIN + ":\n    enabled: false\n");
        RuleLibrary without = RuleLibrary.load(Path.of("rules"), settings, ControlCatalog.load());
        a.swap(without).get();
        b.swap(without).get();

        // each partition's result is recorded with its own session's rules: withdrawn as retired, never taken for fixed
        await().atMost(DEADLINE).until(() -> open(ROOT_LOGIN).isEmpty());
        assertThat(all(ROOT_LOGIN)).hasSize(hosts.size()).extracting(Nonconformity::getStatus).containsOnly(NonconformityStatus.WITHDRAWN);
    }

    /** sshd failures {@code from} to {@code to} (exclusive) against {@code host} from one source, a second apart, ending now. */
    private static List<LogEvent> failures(String host, int from, int to) {
        Instant now = Instant.now();
        return IntStream.range(from, to).mapToObj(i -> new LogEvent(host, now.minusSeconds(to - i), "sshd", "auth_failure",
                Map.of("reported_by", "sshd", "source_ip", "203.0.113.7", "user", "user" + i),
                "Failed password for user" + i + " from 203.0.113.7 port 22 ssh2")).toList();
    }

    private long occurrences(long nonconformityId) {
        return repository.occurrences(nonconformityId, 0, 1_000).size();
    }

    /** Until the group has committed every events partition to its end: all that was published is in the register. */
    private void awaitCommitted() {
        String topic = prefix + ".events";
        await().atMost(DEADLINE).until(() -> {
            try (var admin = kafka.admin()) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(prefix + ".evaluation")
                        .partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
                IntStream.range(0, PARTITIONS).forEach(p -> latest.put(new TopicPartition(topic, p), OffsetSpec.latest()));
                var ends = admin.listOffsets(latest).all().get();
                return ends.entrySet().stream().allMatch(end -> end.getValue().offset() == 0
                        || committed.get(end.getKey()) != null && committed.get(end.getKey()).offset() >= end.getValue().offset());
            }
        });
    }

    private ClusterNode start(String id) {
        ClusterSettings settings = settings(id);
        RegisterClaims claims = new RegisterClaims(new PartitionLeases(repository, Clock.systemUTC()), id, PARTITIONS,
                scope -> new NonconformityRegister(repository, RegisterPolicy.defaults(), AssetInventory.empty(), Clock.systemUTC(),
                        ChangeJournal.NONE, scope),
                changes -> { });
        ClusterNode node = new ClusterNode(settings, library, claims, codec, Executors.defaultThreadFactory(), EventRetention.DEFAULT,
                20_000, 50_000);
        node.start();
        nodes.add(node);
        return node;
    }

    private ClusterSettings settings(String instance) {
        return new ClusterSettings(kafka.bootstrapServers(), prefix, PARTITIONS, instance, java.util.Optional.of(SESSION_TIMEOUT));
    }

    private static void awaitSplit(ClusterNode a, ClusterNode b) {
        await().atMost(DEADLINE).until(() -> owned(a).size() + owned(b).size() == PARTITIONS
                && !owned(a).isEmpty() && !owned(b).isEmpty() && a.ready() && b.ready());
    }

    private static Set<Integer> owned(ClusterNode node) {
        return node.partitions().stream().map(ClusterNode.PartitionStatus::partition).collect(Collectors.toCollection(HashSet::new));
    }

    private static List<String> hosts(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> String.format("web-%02d.example.org", i)).toList();
    }

    private List<Object> sshd(String asset, String content) throws Exception {
        Path file = Files.writeString(Files.createTempFile(files, "sshd", ".conf"), content);
        return ConfigParsers.forSource("sshd_config").orElseThrow().parse(file, asset, Instant.now()).facts();
    }

    private List<Nonconformity> all(String ruleId) {
        return repository.activeDuring(Instant.EPOCH, Instant.now().plusSeconds(60), 10_000).stream()
                .filter(nc -> nc.getRuleId().equals(ruleId)).toList();
    }

    private List<Nonconformity> open(String ruleId) {
        return repository.findActive().stream().filter(nc -> nc.getRuleId().equals(ruleId))
                .filter(nc -> nc.getStatus() != NonconformityStatus.RESOLVED).toList();
    }

    private static Map<String, Long> ids(List<Nonconformity> ncs) {
        return ncs.stream().collect(Collectors.toMap(Nonconformity::getAsset, Nonconformity::getId));
    }
}
