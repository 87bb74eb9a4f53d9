package io.annexa.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.LogEvent;
import io.annexa.ingestion.ConfigParsers;
import io.annexa.it.kafka.InProcessKafka;
import io.annexa.register.DatabaseMigrations;
import io.annexa.register.Nonconformity;
import io.annexa.register.NonconformityRepository;
import io.annexa.register.NonconformityStatus;
import io.annexa.register.PartitionLeases;
import io.annexa.register.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real instances, each in a JVM of its own, share an estate; one is killed with SIGKILL (no leaving the group, no
 * lease released). Its partitions move to the survivor once the group's session (6 s here) runs out and are rebuilt
 * there: every nonconformity stays as it was, once, and the moved partitions evaluate new evidence again.
 */
@Timeout(480)
class ClusterFailoverTest {

    private static final Logger LOG = Logger.getLogger(ClusterFailoverTest.class.getName());
    private static final int PARTITIONS = 6;
    private static final int HOSTS = 200;
    private static final String ROOT_LOGIN = "sshd_root_login_disabled";
    private static final String BRUTE_FORCE = "ssh_brute_force_detected";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** Each instance compiles the whole rule library at start: slow on a busy 2-core machine. */
    private static final Duration START_DEADLINE = Duration.ofSeconds(240);
    private static final Duration FAILOVER_BOUND = Duration.ofSeconds(30);

    @TempDir
    Path files;
    private InProcessKafka kafka;
    private TestDatabase database;
    private NonconformityRepository repository;
    private KafkaEvidencePublisher sources;
    private String prefix;
    private final Map<String, ClusterInstanceProcess> instances = new LinkedHashMap<>();

    @BeforeEach
    void start() throws Exception {
        kafka = new InProcessKafka().withBrokerConfig(Map.of(
                "group.consumer.session.timeout.ms", "6000",
                "group.consumer.min.session.timeout.ms", "1000",
                "group.consumer.heartbeat.interval.ms", "1000",
                "group.consumer.min.heartbeat.interval.ms", "500")).start();
        database = TestDatabase.postgres();
        DatabaseMigrations.migrate(database.settings());
        repository = NonconformityRepository.open(database.settings());
        prefix = "f" + UUID.randomUUID().toString().substring(0, 8);
        try (var admin = kafka.admin()) {
            assertThat(ClusterTopics.ensure(admin, settings("sources"), Duration.ofDays(1))).isEqualTo(PARTITIONS);
        }
        sources = new KafkaEvidencePublisher(settings("sources"), PARTITIONS, new EvidenceCodec(ClusterTopics.MAX_RECORD_BYTES));
    }

    @AfterEach
    void stop() throws Exception {
        for (ClusterInstanceProcess instance : instances.values()) {
            instance.close();
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
    void aKilledInstancesPartitionsMoveToTheSurvivorWithEveryNonconformityKeptOnce() throws Exception {
        ClusterInstanceProcess a = instance("node-a");
        ClusterInstanceProcess b = instance("node-b");
        await("both instances live on disjoint halves").atMost(START_DEADLINE).until(() -> a.status().live() && b.status().live()
                && union(a.status().owned(), b.status().owned()).size() == PARTITIONS
                && a.status().owned().stream().noneMatch(b.status().owned()::contains));

        List<String> hosts = IntStream.rangeClosed(1, HOSTS).mapToObj(i -> String.format("srv-%03d.example.org", i)).toList();
        for (String host : hosts) {
            sources.replace(new EvidenceKey("sshd_config", host, "inbox"), sshd(host, "PermitRootLogin yes\n"));
        }
        List<String> attacked = hosts.subList(0, 5);
        for (String host : attacked) {
            sources.events(failures(host));
        }
        await("every nonconformity recorded").atMost(DEADLINE).until(() -> assets(ROOT_LOGIN).size() == HOSTS && assets(BRUTE_FORCE).size() == attacked.size());

        Map<Long, Nonconformity> before = byId(all());
        Map<Long, List<String>> historyBefore = histories(before.keySet());
        Map<Long, Integer> occurrencesBefore = occurrences(before.keySet());
        assertThat(before.values()).extracting(Nonconformity::getStatus).containsOnly(NonconformityStatus.OPEN);
        Set<Integer> moved = a.status().owned();
        // one host no one has seen yet in each moved partition: when all are recorded, every moved partition evaluates again
        List<String> newcomers = moved.stream().map(ClusterFailoverTest::newcomerIn).toList();

        long pid = a.process().pid();
        Instant killed = Instant.now();
        assertThat(a.killHard()).isEqualTo(137);
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        for (String host : newcomers) {
            sources.replace(new EvidenceKey("sshd_config", host, "inbox"), sshd(host, "PermitRootLogin yes\n"));
        }
        Map<String, Instant> takenOver = new ConcurrentHashMap<>();
        await("the moved partitions' new evidence recorded").atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (b.status().owned().size() == PARTITIONS && b.status().ready()) {
                takenOver.putIfAbsent("ready", Instant.now());
            }
            return assets(ROOT_LOGIN).containsAll(newcomers);
        });
        Duration failover = Duration.between(killed, Instant.now());
        await().atMost(DEADLINE).until(() -> b.status().owned().size() == PARTITIONS && b.status().ready());
        Duration rebuilt = Duration.between(killed, takenOver.getOrDefault("ready", Instant.now()));
        LOG.info(() -> "failover after SIGKILL of the owner of partitions " + moved + ": survivor owns and has rebuilt all in "
                + rebuilt.toMillis() + " ms, the moved partitions' new evidence recorded " + failover.toMillis() + " ms after the kill");
        System.out.println("FAILOVER partitions=" + moved + " rebuilt_ms=" + rebuilt.toMillis() + " evaluating_ms=" + failover.toMillis());

        assertThat(failover).isLessThan(FAILOVER_BOUND);
        assertThat(new PartitionLeases(repository, Clock.systemUTC()).all()).extracting(PartitionLeases.Lease::owner).containsOnly("node-b");
        Map<Long, Nonconformity> after = byId(all());
        Map<Long, Nonconformity> afterButNewcomers = after.entrySet().stream().filter(nc -> !newcomers.contains(nc.getValue().getAsset()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        // the same nonconformities (ids), still open, with the same trail and occurrences: the rebuild recorded nothing new
        assertThat(afterButNewcomers.keySet()).isEqualTo(before.keySet());
        assertThat(histories(before.keySet())).isEqualTo(historyBefore);
        assertThat(occurrences(before.keySet())).isEqualTo(occurrencesBefore);
        // once each: one nonconformity per (rule, asset)
        assertThat(after.values().stream().map(nc -> nc.getRuleId() + " " + nc.getAsset()).distinct().count()).isEqualTo(after.size());
        assertThat(assets(ROOT_LOGIN)).containsExactlyInAnyOrderElementsOf(union(hosts, newcomers));
        assertThat(assets(BRUTE_FORCE)).containsExactlyInAnyOrderElementsOf(attacked);
        assertThat(after.values()).extracting(Nonconformity::getStatus).containsOnly(NonconformityStatus.OPEN);
    }

    private ClusterInstanceProcess instance(String id) {
        ClusterInstanceProcess instance = ClusterInstanceProcess.start(id, Map.of(
                "annexa.kafka.bootstrap-servers", kafka.bootstrapServers(),
                "annexa.kafka.topic-prefix", prefix,
                "annexa.kafka.partitions", Integer.toString(PARTITIONS),
                "annexa.db.url", database.settings().url(),
                "annexa.db.user", database.settings().user(),
                "annexa.db.password", database.settings().password()));
        instances.put(id, instance);
        return instance;
    }

    private ClusterSettings settings(String instance) {
        return new ClusterSettings(kafka.bootstrapServers(), prefix, PARTITIONS, instance);
    }

    private static String newcomerIn(int partition) {
        return IntStream.iterate(1, i -> i + 1).mapToObj(i -> "new-" + i + ".example.org")
                .filter(host -> AssetPartitioner.partition(host, PARTITIONS) == partition).findFirst().orElseThrow();
    }

    /** Six sshd failures against {@code host} from one source, a second apart, ending now: a brute force. */
    private static List<LogEvent> failures(String host) {
        Instant now = Instant.now();
        return IntStream.range(0, 6).mapToObj(i -> new LogEvent(host, now.minusSeconds(6 - i), "sshd", "auth_failure",
                Map.of("reported_by", "sshd", "source_ip", "203.0.113.7", "user", "user" + i),
                "Failed password for user" + i + " from 203.0.113.7 port 22 ssh2")).toList();
    }

    private List<Object> sshd(String asset, String content) throws Exception {
        Path file = Files.writeString(Files.createTempFile(files, "sshd", ".conf"), content);
        return ConfigParsers.forSource("sshd_config").orElseThrow().parse(file, asset, Instant.now()).facts();
    }

    /** Every nonconformity ever recorded, whatever its status. */
    private List<Nonconformity> all() {
        return repository.activeDuring(Instant.EPOCH, Instant.now().plusSeconds(60), 10_000);
    }

    private List<String> assets(String ruleId) {
        return all().stream().filter(nc -> nc.getRuleId().equals(ruleId)).map(Nonconformity::getAsset).toList();
    }

    private static Map<Long, Nonconformity> byId(List<Nonconformity> ncs) {
        return ncs.stream().collect(Collectors.toMap(Nonconformity::getId, nc -> nc));
    }

    /** Each nonconformity's trail as action and status change, e.g. {@code opened: -> open}. */
    private Map<Long, List<String>> histories(Set<Long> ids) {
        Map<Long, List<String>> trails = new HashMap<>();
        repository.histories(ids).forEach((id, entries) -> trails.put(id, entries.stream()
                .map(entry -> entry.getAction() + ": " + entry.getFromStatus() + " -> " + entry.getToStatus()).toList()));
        return trails;
    }

    private Map<Long, Integer> occurrences(Set<Long> ids) {
        return ids.stream().collect(Collectors.toMap(id -> id, id -> repository.occurrences(id, 0, 1_000).size()));
    }

    private static <T extends Comparable<T>> Set<T> union(java.util.Collection<T> one, java.util.Collection<T> other) {
        Set<T> union = new TreeSet<>(one);
        union.addAll(other);
        return union;
    }
}
