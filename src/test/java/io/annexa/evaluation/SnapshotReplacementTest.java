package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.ConfigFile;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.EvidenceScope;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One host snapshot replaces the previous one across every kind at once, through the real sshd rules. */
class SnapshotReplacementTest {

    private static final String ORIGIN = "hosts-folder-inbox";
    private static final EvidenceKey SSHD = new EvidenceKey("sshd_config", "web1", ORIGIN);
    private static final EvidenceKey LOGIN_DEFS = new EvidenceKey("login.defs", "web1", ORIGIN);
    private static final EvidenceKey PAM_SSHD = new EvidenceKey("pam.d", "web1", ORIGIN + "/sshd");
    private static final EvidenceKey INBOX_FILE = new EvidenceKey("sshd_config", "web1", "sshd-config-inbox");

    private static RuleLibrary library;
    private EvaluationSession session;
    private EvaluationEngine engine;

    @BeforeAll
    static void loadLibrary() throws Exception {
        library = RuleLibrary.load(ProjectFiles.rulesSubset(java.nio.file.Files.createTempDirectory("annexa-rules"),
                ProjectFiles.SSHD_RULES), ControlCatalog.load());
    }

    @AfterEach
    void close() {
        if (session != null) {
            session.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void kindsTheNewSnapshotLacksAreWithdrawnAndReportedRemovedInTheSameCycle() {
        session = library.newSession(EvaluationSession.Clock.REALTIME);
        session.replace(INBOX_FILE, sshd("web1", "no"));
        session.replaceSnapshot("web1", ORIGIN, snapshot(SSHD, sshd("web1", "yes"), LOGIN_DEFS, loginDefs(), PAM_SSHD, List.of()));
        EvaluationResult first = session.fire();
        assertThat(first.findings()).extracting(Finding::getRuleId).containsExactly("sshd_root_login_disabled");
        assertThat(first.observed()).contains(scope("login.defs"), scope("pam.d"));

        session.replaceSnapshot("web1", ORIGIN, snapshot(SSHD, sshd("web1", "no")));
        EvaluationResult second = session.fire();

        assertThat(second.findings()).isEmpty();
        assertThat(second.removed()).containsExactlyInAnyOrder(scope("login.defs"), scope("pam.d"));
        assertThat(second.refreshed()).containsExactly(scope("sshd_config"));
        assertThat(second.observed()).containsExactly(scope("sshd_config"));
        assertThat(session.evidence()).containsOnlyKeys(SSHD, INBOX_FILE);
    }

    @Test
    void anotherOriginsEvidenceOfTheSameHostIsLeftAlone() {
        session = library.newSession(EvaluationSession.Clock.REALTIME);
        session.replace(INBOX_FILE, sshd("web1", "yes"));
        session.replaceSnapshot("web1", ORIGIN, snapshot(SSHD, sshd("web1", "no")));
        session.replaceSnapshot("web1", ORIGIN, Map.of());

        assertThat(session.evidence()).containsOnlyKeys(INBOX_FILE);
        assertThat(session.fire().findings()).extracting(Finding::getEvidence)
                .containsExactly("root may log in over SSH: PermitRootLogin yes (/etc/ssh/sshd_config:1)");
    }

    @Test
    void aKeyOfAnotherAssetOrOriginIsRefused() {
        session = library.newSession(EvaluationSession.Clock.REALTIME);

        assertThatThrownBy(() -> session.replaceSnapshot("web2", ORIGIN, snapshot(SSHD, sshd("web1", "no"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not of the snapshot of web2");
        assertThatThrownBy(() -> session.replaceSnapshot("web1", "hosts", snapshot(INBOX_FILE, sshd("web1", "no"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theEngineAppliesASnapshotAsOneInput() {
        List<EvaluationResult> results = new CopyOnWriteArrayList<>();
        engine = new EvaluationEngine(library, results::add, runnable -> {
            Thread thread = new Thread(runnable);
            thread.setDaemon(true);
            return thread;
        });
        engine.replaceSnapshot("web1", ORIGIN, snapshot(SSHD, sshd("web1", "yes"), LOGIN_DEFS, loginDefs()));
        await().atMost(Duration.ofSeconds(30)).until(() -> results.stream().anyMatch(r -> !r.findings().isEmpty()));

        engine.replaceSnapshot("web1", ORIGIN, snapshot(SSHD, sshd("web1", "no")));
        await().atMost(Duration.ofSeconds(30)).until(() -> results.stream().anyMatch(r -> r.removed().contains(scope("login.defs"))));

        // every result sees one snapshot whole: the root login and login.defs come and go together
        assertThat(results).allSatisfy(result -> assertThat(result.findings().isEmpty())
                .isEqualTo(!result.observed().contains(scope("login.defs"))));
    }

    private static EvidenceScope scope(String source) {
        return new EvidenceScope(source, "web1");
    }

    private static Map<EvidenceKey, List<Object>> snapshot(Object... keysAndFacts) {
        Map<EvidenceKey, List<Object>> snapshot = new LinkedHashMap<>();
        for (int i = 0; i < keysAndFacts.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<Object> facts = (List<Object>) keysAndFacts[i + 1];
            snapshot.put((EvidenceKey) keysAndFacts[i], facts);
        }
        return snapshot;
    }

    private static List<Object> sshd(String asset, String rootLogin) {
        Instant now = Instant.parse("2026-12-01T00:00:00Z");
        String file = "/etc/ssh/sshd_config";
        return List.of(new ConfigFile(asset, "sshd_config", file, now),
                new ConfigEntry(asset, "sshd_config", file, 1, "PermitRootLogin", rootLogin, "", now),
                new ConfigEntry(asset, "sshd_config", file, 2, "PasswordAuthentication", "no", "", now));
    }

    private static List<Object> loginDefs() {
        Instant now = Instant.parse("2026-12-01T00:00:00Z");
        return List.of(new ConfigFile("web1", "login.defs", "/etc/login.defs", now),
                new ConfigEntry("web1", "login.defs", "/etc/login.defs", 1, "PASS_MAX_DAYS", "90", "", now));
    }
}
