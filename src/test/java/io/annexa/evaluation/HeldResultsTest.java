package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.ConfigFile;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.EvidenceScope;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What cluster mode needs of the engine so that no cycle sees part of a set of evidence: a session filled with a whole
 * partition's state keeps its results until it is released, and what the kept cycles re-read is published with the
 * first result after the release; evidence handed over together is applied in one step.
 */
class HeldResultsTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static RuleLibrary library;
    private final List<EvaluationResult> published = new CopyOnWriteArrayList<>();
    private EvaluationEngine engine;

    @BeforeAll
    static void loadLibrary() throws Exception {
        library = RuleLibrary.load(ProjectFiles.rulesSubset(Files.createTempDirectory("annexa-rules"), ProjectFiles.SSHD_RULES[0]),
                ControlCatalog.load());
    }

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void heldResultsAreMergedAndPublishedOnceReleased() {
        engine = new EvaluationEngine(library, published::add, Thread::new);
        engine.holdResults();
        engine.replace(new EvidenceKey("sshd_config", "web1", "test"), sshd("web1", "yes"));
        engine.replace(new EvidenceKey("sshd_config", "web2", "test"), sshd("web2", "no"));
        Object[] applied = new Object[1];
        engine.whenApplied(() -> applied[0] = Boolean.TRUE);
        await().atMost(DEADLINE).until(() -> applied[0] != null && engine.lastCycle() != null);
        assertThat(published).isEmpty();

        engine.releaseResults();

        await().atMost(DEADLINE).until(() -> !published.isEmpty());
        EvaluationResult first = published.get(0);
        assertThat(first.refreshed()).contains(new EvidenceScope("sshd_config", "web1"), new EvidenceScope("sshd_config", "web2"));
        assertThat(first.findings()).extracting(Finding::getAsset).contains("web1").doesNotContain("web2");
    }

    @Test
    void evidenceHandedOverTogetherIsNeverSeenInPart() {
        engine = new EvaluationEngine(library, published::add, Thread::new);
        for (int round = 0; round < 20; round++) {
            String first = "a" + round;
            String second = "b" + round;
            engine.together(sink -> {
                sink.replace(new EvidenceKey("sshd_config", first, "test"), sshd(first, "yes"));
                sink.replace(new EvidenceKey("sshd_config", second, "test"), sshd(second, "yes"));
            });
        }
        await().atMost(DEADLINE).until(() -> published.stream().anyMatch(r -> r.refreshed().contains(new EvidenceScope("sshd_config", "b19"))));
        for (EvaluationResult result : published) {
            for (int round = 0; round < 20; round++) {
                assertThat(result.refreshed().contains(new EvidenceScope("sshd_config", "a" + round)))
                        .isEqualTo(result.refreshed().contains(new EvidenceScope("sshd_config", "b" + round)));
            }
        }
    }

    private static List<Object> sshd(String asset, String rootLogin) {
        Instant now = Instant.now();
        String file = "/etc/ssh/sshd_config";
        return List.of(new ConfigFile(asset, "sshd_config", file, now),
                new ConfigEntry(asset, "sshd_config", file, 1, "PermitRootLogin", rootLogin, "", now));
    }
}
