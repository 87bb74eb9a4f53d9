package io.annexa.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.evaluation.EvaluationResult;
import io.annexa.evaluation.EventRetention;
import io.annexa.evaluation.Finding;
import io.annexa.evaluation.RuleDefinition;
import io.annexa.evaluation.RuleLibrary;
import io.annexa.evidence.LogEvent;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A partition taken over replays the events its previous owner had already evaluated, to rebuild the windows. A burst
 * among them was reported by that owner: fired again here (with another count when part of it slid out of the window
 * read back) it must not become a new occurrence. A burst completed by events after the previous owner's commit is
 * reported.
 */
class ReplayedIncidentsTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static RuleLibrary library;
    private final EvidenceCodec codec = new EvidenceCodec(ClusterTopics.MAX_RECORD_BYTES);
    private final List<EvaluationResult> recorded = new CopyOnWriteArrayList<>();
    private PartitionWorker worker;

    @BeforeAll
    static void loadLibrary() throws Exception {
        library = RuleLibrary.load(ProjectFiles.rulesSubset(Files.createTempDirectory("annexa-rules"),
                "technological/c8_16_monitoring_activities/ssh_brute_force_detected"), ControlCatalog.load());
    }

    @AfterEach
    void close() {
        worker.close();
    }

    @Test
    void aBurstAmongTheEventsThePreviousOwnerCommittedIsNotReportedAgainOneAfterIs() throws Exception {
        worker = new PartitionWorker(0, library, recorder(), codec, Thread::new, 20_000, 50_000, EventRetention.DEFAULT, new AtomicLong());
        worker.evidenceLoaded();
        worker.reportedBefore(6);

        List<ConsumerRecord<String, byte[]>> replayed = records(0, "web-1.example.org");
        worker.events(replayed);
        await().atMost(DEADLINE).until(() -> worker.durableOffset() == 6);
        assertThat(incidents()).isEmpty();
        // the session did fire the burst: it is the report that is left out
        assertThat(worker.engine().firings().get("ssh_brute_force_detected")).isPositive();

        worker.events(records(6, "web-2.example.org"));
        await().atMost(DEADLINE).until(() -> worker.durableOffset() == 12);
        assertThat(incidents()).extracting(Finding::getAsset).containsOnly("web-2.example.org");
    }

    private List<Finding> incidents() {
        List<Finding> all = new ArrayList<>();
        recorded.forEach(result -> all.addAll(result.incidents()));
        return all;
    }

    /** Six sshd failures from one address against {@code host}, one per record, at offsets {@code first}.. */
    private List<ConsumerRecord<String, byte[]>> records(long first, String host) throws Exception {
        Instant now = Instant.now();
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            LogEvent failure = new LogEvent(host, now.minusSeconds(6 - i), "sshd", "auth_failure",
                    Map.of("reported_by", "sshd", "source_ip", "203.0.113.9", "user", "user" + i),
                    "Failed password for user" + i + " from 203.0.113.9 port 22 ssh2");
            records.add(new ConsumerRecord<>("annexa.events", 0, first + i, host, codec.events(List.of(failure))));
        }
        return records;
    }

    private PartitionRecorder recorder() {
        return new PartitionRecorder() {
            @Override
            public void record(EvaluationResult result, Function<String, Optional<RuleDefinition>> rules) {
                recorded.add(result);
            }

            @Override
            public void tick() {
            }

            @Override
            public long epoch() {
                return 1;
            }

            @Override
            public void close() {
            }
        };
    }
}
