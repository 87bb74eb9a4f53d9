package io.annexa.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.annexa.bench.FleetBenchmark;
import io.annexa.control.ControlCatalog;
import io.annexa.evaluation.EvaluationResult;
import io.annexa.evaluation.EventRetention;
import io.annexa.evaluation.Finding;
import io.annexa.evaluation.RuleLibrary;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.EvidenceScope;
import io.annexa.evidence.LogEvent;
import io.annexa.evidence.UnresolvedInclude;
import io.annexa.ingestion.ConfigParsers;
import io.annexa.it.kafka.InProcessKafka;
import io.annexa.register.ChangeJournal;
import io.annexa.register.DatabaseMigrations;
import io.annexa.register.Nonconformity;
import io.annexa.register.NonconformityRegister;
import io.annexa.register.NonconformityRepository;
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
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A partition rebuilt by another instance from the topics alone reaches the state its previous owner had live: the same
 * findings, the windows rebuilt (the bursts counted again) without reporting again what the previous owner reported,
 * and a register that does not move. Whatever a session
 * computes from what is not in the topics (arrival order across topics, wall-clock time, what it was told before a
 * compaction) would show here as a finding that differs, or a nonconformity resolved, reopened or counted again.
 */
@Timeout(120)
class PartitionRebuildTest {

    /** One partition: every host is in it, so the take-over rebuilds all of them. */
    private static final int PARTITIONS = 1;
    private static final int PARTITION = 0;
    private static final int HOSTS = 60;
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String SENTINEL = "zz-last.example.org";

    // a member that stops heartbeating leaves the group after 2 s instead of the broker's default 45 s
    @RegisterExtension
    static final InProcessKafka KAFKA = new InProcessKafka().withBrokerConfig(Map.of(
            "group.consumer.session.timeout.ms", "2000",
            "group.consumer.min.session.timeout.ms", "1000",
            "group.consumer.heartbeat.interval.ms", "500",
            "group.consumer.min.heartbeat.interval.ms", "500"));
    private static RuleLibrary library;

    @TempDir
    Path files;
    private TestDatabase database;
    private NonconformityRepository repository;
    private String prefix;
    private KafkaEvidencePublisher sources;
    private final EvidenceCodec codec = new EvidenceCodec(ClusterTopics.MAX_RECORD_BYTES);
    private final List<ClusterNode> nodes = new ArrayList<>();

    /** What one instance recorded for the partition: its last result, every incident it reported, what the register changed. */
    private static final class Recorded {
        final AtomicReference<EvaluationResult> last = new AtomicReference<>();
        final Set<Finding.FindingKey> incidents = Collections.synchronizedSet(new HashSet<>());
        final List<NonconformityRegister.Change> changes = new CopyOnWriteArrayList<>();
    }

    @BeforeEach
    void freshTopicsAndRegister() throws Exception {
        if (library == null) {
            library = RuleLibrary.load(Path.of("rules"), Path.of("config", "rules.yml"), ControlCatalog.load());
        }
        database = TestDatabase.postgres();
        DatabaseMigrations.migrate(database.settings());
        repository = NonconformityRepository.open(database.settings());
        prefix = "r" + UUID.randomUUID().toString().substring(0, 8);
        try (var admin = KAFKA.admin()) {
            ClusterTopics.ensure(admin, settings("sources"), Duration.ofDays(1));
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
    void aPartitionRebuiltFromTheTopicsHasTheLiveFindingsAndLeavesTheRegisterAsItWas() throws Exception {
        Recorded live = new Recorded();
        ClusterNode first = start("node-a", live);
        await().atMost(DEADLINE).until(() -> first.ready() && first.partitions().size() == PARTITIONS);

        publishFleet();
        publishEvents();
        long eventsEnd = eventsEnd();
        // published last, in the same partition: once the session observed it, it has applied all evidence before it
        sources.replace(new EvidenceKey("sshd_config", SENTINEL, "inbox"), sshd(SENTINEL, "PermitRootLogin no\n"));
        await().atMost(DEADLINE).until(() -> caughtUp(first, live, eventsEnd));

        Set<Finding> liveFindings = live.last.get().findings();
        Map<Long, String> registerBefore = register();
        assertThat(liveFindings).extracting(Finding::getRuleId).contains("sshd_root_login_disabled", "evidence_incomplete");
        assertThat(live.incidents).extracting(Finding.FindingKey::ruleId)
                .contains("ssh_brute_force_detected", "ssh_password_guessing_across_users", "ssh_login_after_brute_force");
        assertThat(registerBefore).isNotEmpty();

        first.close();
        nodes.remove(first);
        Recorded rebuilt = new Recorded();
        ClusterNode second = start("node-b", rebuilt);
        await().atMost(DEADLINE).until(() -> second.ready() && second.partitions().size() == PARTITIONS
                && caughtUp(second, rebuilt, eventsEnd));

        assertThat(rebuilt.last.get().findings()).containsExactlyInAnyOrderElementsOf(liveFindings);
        // the bursts were counted again from the events re-read (the windows are rebuilt), but the previous owner had
        // committed those events, so it had reported them: not reported a second time
        assertThat(second.firings().get("ssh_brute_force_detected")).isPositive();
        assertThat(rebuilt.incidents).isEmpty();
        assertThat(register()).isEqualTo(registerBefore);
        assertThat(rebuilt.changes).extracting(change -> change.kind() + " " + change.nonconformity().getRuleId() + " on "
                + change.nonconformity().getAsset() + ": " + change.nonconformity().getEvidenceSummary()).isEmpty();
    }

    /** The instance owns the partition and its last recorded result holds every event and every piece of evidence. */
    private static boolean caughtUp(ClusterNode node, Recorded recorded, long eventsEnd) {
        EvaluationResult last = recorded.last.get();
        return node.recordedUpTo(PARTITION) >= eventsEnd && last != null
                && last.observed().contains(new EvidenceScope("sshd_config", SENTINEL));
    }

    /**
     * The fleet's three files per host, some sshd_config naming an include that cannot be followed (incomplete evidence),
     * one host's root login fixed after it was reported, and one host's sudoers withdrawn after it was read: the topic
     * holds both reads of each, and a rebuild must end at the later.
     */
    private void publishFleet() throws Exception {
        for (int i = 0; i < HOSTS; i++) {
            String host = FleetBenchmark.asset(i);
            for (String kind : FleetBenchmark.KINDS) {
                String content = FleetBenchmark.content(kind, i);
                if (kind.equals("sshd_config") && i % 4 == 1) {
                    content = "Include /etc/ssh/sshd_config.d/*.conf\n" + content;
                }
                sources.replace(new EvidenceKey(kind, host, "inbox"), parse(kind, host, content));
            }
        }
        String fixed = FleetBenchmark.asset(10);
        sources.replace(new EvidenceKey("sshd_config", fixed, "inbox"),
                parse("sshd_config", fixed, FleetBenchmark.content("sshd_config", 10).replace("PermitRootLogin yes", "PermitRootLogin no")));
        sources.withdraw(new EvidenceKey("sudoers", FleetBenchmark.asset(13), "inbox"));
        assertThat(parse("sshd_config", fixed, "Include /etc/ssh/sshd_config.d/*.conf\n"))
                .hasAtLeastOneElementOfType(UnresolvedInclude.class);
    }

    /**
     * A minute of authentication traffic on half the hosts: scattered failures, and on every fifth host a burst from one
     * address trying many user names, ended by a successful login from it; in batches as a log source hands them over.
     */
    private void publishEvents() {
        Instant start = Instant.now().minusSeconds(90);
        List<LogEvent> events = new ArrayList<>();
        for (int i = 0; i < HOSTS; i += 2) {
            String host = FleetBenchmark.asset(i);
            events.add(failure(host, start.plusSeconds(i), "198.51.100." + i, "admin"));
            if (i % 5 == 0) {
                String attacker = "203.0.113." + i;
                IntStream.range(0, 7).forEach(n -> events.add(failure(host, start.plusSeconds(30 + n), attacker, "user" + n)));
                events.add(new LogEvent(host, start.plusSeconds(40), "sshd", "auth_success",
                        Map.of("service", "sshd", "source_ip", attacker, "user", "user6", "method", "password"),
                        "Accepted password for user6 from " + attacker + " port 22 ssh2"));
            }
        }
        events.sort(java.util.Comparator.comparing(LogEvent::getTimestamp));
        for (int from = 0; from < events.size(); from += 25) {
            sources.events(events.subList(from, Math.min(events.size(), from + 25)));
        }
    }

    private static LogEvent failure(String host, Instant at, String address, String user) {
        return new LogEvent(host, at, "sshd", "auth_failure", Map.of("reported_by", "sshd", "source_ip", address, "user", user),
                "Failed password for " + user + " from " + address + " port 22 ssh2");
    }

    private long eventsEnd() throws Exception {
        TopicPartition events = new TopicPartition(prefix + ".events", PARTITION);
        try (var admin = KAFKA.admin()) {
            return admin.listOffsets(Map.of(events, OffsetSpec.latest())).all().get().get(events).offset();
        }
    }

    /** Each nonconformity as the register holds it: rule, asset, status, evidence and how many occurrences it counts. */
    private Map<Long, String> register() {
        return repository.activeDuring(Instant.EPOCH, Instant.now().plusSeconds(60), 10_000).stream()
                .collect(Collectors.toMap(Nonconformity::getId, nc -> String.join(" | ", nc.getRuleId(), nc.getAsset(),
                        nc.getStatus().name(), nc.getEvidenceSummary(),
                        Integer.toString(repository.occurrences(nc.getId(), 0, 10_000).size()))));
    }

    private ClusterNode start(String id, Recorded recorded) {
        RegisterClaims registerClaims = new RegisterClaims(new PartitionLeases(repository, Clock.systemUTC()), id, PARTITIONS,
                scope -> new NonconformityRegister(repository, RegisterPolicy.defaults(), AssetInventory.empty(), Clock.systemUTC(),
                        ChangeJournal.NONE, scope),
                recorded.changes::addAll);
        PartitionRecorder.Claims claims = partition -> watched(registerClaims.claim(partition), recorded);
        ClusterNode node = new ClusterNode(settings(id), library, claims, codec, Executors.defaultThreadFactory(),
                EventRetention.DEFAULT, 20_000, 50_000);
        node.start();
        nodes.add(node);
        return node;
    }

    /** The partition's recorder, remembering what each result it stored held. */
    private static PartitionRecorder watched(PartitionRecorder recorder, Recorded recorded) {
        return new PartitionRecorder() {
            @Override
            public void record(EvaluationResult result, java.util.function.Function<String, java.util.Optional<io.annexa.evaluation.RuleDefinition>> rules) {
                recorder.record(result, rules);
                result.incidents().forEach(incident -> recorded.incidents.add(incident.key()));
                recorded.last.set(result);
            }

            @Override
            public void tick() {
                recorder.tick();
            }

            @Override
            public long epoch() {
                return recorder.epoch();
            }

            @Override
            public void close() {
                recorder.close();
            }
        };
    }

    private ClusterSettings settings(String instance) {
        return new ClusterSettings(KAFKA.bootstrapServers(), prefix, PARTITIONS, instance);
    }

    private List<Object> parse(String kind, String asset, String content) throws Exception {
        Path file = Files.writeString(Files.createTempFile(files, kind, ".conf"), content);
        var snapshot = ConfigParsers.forSource(kind).orElseThrow().parse(file, asset, Instant.now());
        return snapshot.facts();
    }

    private List<Object> sshd(String asset, String content) throws Exception {
        return parse("sshd_config", asset, content);
    }
}
