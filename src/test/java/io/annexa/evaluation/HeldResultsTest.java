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
 * A session filled with a whole partition's state keeps its results until it is released (cluster mode's take-over):
 * no cycle that saw only part of the evidence reaches the register, and what the kept cycles re-read is published
 * with the first result after the release.
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

    private static List<Object> sshd(String asset, String rootLogin) {
        Instant now = Instant.now();
        String file = "/etc/ssh/sshd_config";
        return List.of(new ConfigFile(asset, "sshd_config", file, now),
                new ConfigEntry(asset, "sshd_config", file, 1, "PermitRootLogin", rootLogin, "", now));
    }
}
