package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.EvidenceScope;
import io.annexa.ingestion.ConfigParsers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Truth maintenance of the long-lived session, through the real sshd rules and the real sshd_config parser. */
class EvaluationSessionTest {

    private static final String ROOT_LOGIN = "sshd_root_login_disabled";
    private static final String PASSWORDS = "sshd_password_authentication_disabled";
    private static final String COMPLIANT = "PermitRootLogin no\nPasswordAuthentication no\n";
    private static final String ROOT_ALLOWED = "PermitRootLogin yes\nPasswordAuthentication no\n";

    private static RuleLibrary library;

    @TempDir
    Path dir;

    private EvaluationSession session;
    private Instant clock = Instant.parse("2026-03-01T10:00:00Z");

    @BeforeAll
    static void loadLibrary() throws RuleLibraryException, java.io.IOException {
        library = RuleLibrary.load(ProjectFiles.rulesSubset(java.nio.file.Files.createTempDirectory("annexa-rules"), ProjectFiles.SSHD_RULES),
                ControlCatalog.load());
    }

    @BeforeEach
    void newSession() {
        session = library.newSession(EvaluationSession.Clock.REALTIME);
    }

    @AfterEach
    void closeSession() {
        session.close();
    }

    @Test
    void permitRootLoginYesRaisesAFindingCitingFileAndLine() throws Exception {
        Path file = write("web1/sshd_config", ROOT_ALLOWED);

        read("web1", file);
        EvaluationResult result = session.fire();

        assertThat(result.findings()).singleElement().satisfies(finding -> {
            assertThat(finding.getRuleId()).isEqualTo(ROOT_LOGIN);
            assertThat(finding.getAsset()).isEqualTo("web1");
            assertThat(finding.getControl()).isEqualTo("8.5");
            assertThat(finding.getControls()).containsExactly("8.5", "8.2");
            assertThat(finding.getSeverity()).isEqualTo(Severity.HIGH);
            assertThat(finding.getEvidence())
                    .contains("PermitRootLogin yes")
                    .contains(file + ":1");
        });
        assertThat(result.fired()).isPositive();
    }

    @Test
    void anAbsentSettingIsAFindingToo() throws Exception {
        Path file = write("web1/sshd_config", "PasswordAuthentication no\n");

        read("web1", file);

        assertThat(session.fire().findings()).singleElement().satisfies(finding -> {
            assertThat(finding.getRuleId()).isEqualTo(ROOT_LOGIN);
            assertThat(finding.getEvidence()).contains("PermitRootLogin is not set in " + file);
        });
    }

    @Test
    void rereadingACompliantFileRetractsTheFinding() throws Exception {
        Path file = write("web1/sshd_config", ROOT_ALLOWED);
        read("web1", file);
        EvaluationResult before = session.fire();
        assertThat(before.findings()).extracting(Finding::getRuleId).containsExactly(ROOT_LOGIN);

        write("web1/sshd_config", COMPLIANT);
        read("web1", file);
        EvaluationResult after = session.fire();

        assertThat(after.findings()).isEmpty();
        // a result is a snapshot: later cycles do not change it
        assertThat(before.findings()).extracting(Finding::getRuleId).containsExactly(ROOT_LOGIN);
    }

    @Test
    void rereadingReplacesFactsInsteadOfPilingThemUp() throws Exception {
        Path file = write("web1/sshd_config", COMPLIANT);
        read("web1", file);
        session.fire();
        long compliantFacts = session.factCount();

        for (int i = 0; i < 10; i++) {
            read("web1", file);
            assertThat(session.fire().findings()).isEmpty();
            assertThat(session.factCount()).as("facts after re-read %d", i + 1).isEqualTo(compliantFacts);
        }
    }

    @Test
    void flippingBetweenBadAndGoodLeavesNoFindingOrFactBehind() throws Exception {
        Path file = write("web1/sshd_config", COMPLIANT);
        read("web1", file);
        session.fire();
        long compliantFacts = session.factCount();

        for (int i = 0; i < 10; i++) {
            write("web1/sshd_config", "PermitRootLogin yes\nPasswordAuthentication yes\n");
            read("web1", file);
            assertThat(session.fire().findings()).extracting(Finding::getRuleId)
                    .containsExactlyInAnyOrder(ROOT_LOGIN, PASSWORDS);

            write("web1/sshd_config", COMPLIANT);
            read("web1", file);
            assertThat(session.fire().findings()).isEmpty();
            assertThat(session.factCount()).isEqualTo(compliantFacts);
        }
    }

    @Test
    void assetsAreIndependent() throws Exception {
        Path web1 = write("web1/sshd_config", ROOT_ALLOWED);
        Path web2 = write("web2/sshd_config", COMPLIANT);
        read("web1", web1);
        read("web2", web2);

        assertThat(session.fire().findings()).extracting(Finding::getRuleId, Finding::getAsset)
                .containsExactly(tuple(ROOT_LOGIN, "web1"));

        // web2 breaks: web1's finding stays, web2 gets its own
        write("web2/sshd_config", ROOT_ALLOWED);
        read("web2", web2);
        assertThat(session.fire().findings()).extracting(Finding::getAsset).containsExactlyInAnyOrder("web1", "web2");

        // web1 is fixed: only web2's finding remains
        write("web1/sshd_config", COMPLIANT);
        read("web1", web1);
        assertThat(session.fire().findings()).extracting(Finding::getAsset).containsExactly("web2");
    }

    @Test
    void assetNamesAreNormalisedSoSpellingsMeet() throws Exception {
        Path file = write("web1/sshd_config", ROOT_ALLOWED);
        read("Web1.", file);
        assertThat(session.fire().findings()).extracting(Finding::getAsset).containsExactly("web1");

        write("web1/sshd_config", COMPLIANT);
        read("WEB1", file);
        assertThat(session.fire().findings()).isEmpty();
    }

    @Test
    void observedKeepsEverythingHeldWhileRefreshedHoldsOnlyThisCycle() throws Exception {
        Path web1 = write("web1/sshd_config", ROOT_ALLOWED);
        Path web2 = write("web2/sshd_config", COMPLIANT);
        EvidenceScope web1Scope = new EvidenceScope("sshd_config", "web1");
        EvidenceScope web2Scope = new EvidenceScope("sshd_config", "web2");

        EvaluationResult empty = session.fire();
        assertThat(empty.observed()).isEmpty();
        assertThat(empty.refreshed()).isEmpty();
        assertThat(empty.findings()).isEmpty();

        read("web1", web1);
        EvaluationResult first = session.fire();
        assertThat(first.observed()).containsExactly(web1Scope);
        assertThat(first.refreshed()).containsExactly(web1Scope);

        EvaluationResult idle = session.fire();
        assertThat(idle.observed()).containsExactly(web1Scope);
        assertThat(idle.refreshed()).as("cleared after the previous fire").isEmpty();
        assertThat(idle.fired()).isZero();
        assertThat(idle.findings()).isEqualTo(first.findings());

        read("web2", web2);
        EvaluationResult second = session.fire();
        assertThat(second.observed()).containsExactlyInAnyOrder(web1Scope, web2Scope);
        assertThat(second.refreshed()).containsExactly(web2Scope);

        // the same kind for the same asset from two origins is one scope; re-reading one origin keeps it observed
        session.replace(new EvidenceKey("sshd_config", "web2", "other-route"), parse("web2", web2));
        session.replace(new EvidenceKey("sshd_config", "web2", "test"), parse("web2", web2));
        EvaluationResult third = session.fire();
        assertThat(third.observed()).containsExactlyInAnyOrder(web1Scope, web2Scope);
        assertThat(third.refreshed()).containsExactly(web2Scope);
        assertThat(session.fire().refreshed()).isEmpty();

        // results handed out earlier are not changed by later cycles
        assertThat(first.observed()).containsExactly(web1Scope);
        assertThat(first.refreshed()).containsExactly(web1Scope);
    }

    @Test
    void withdrawingAKeyRetractsItsFindingsAndReportsItsScopeRemoved() throws Exception {
        read("web1", write("web1/sshd_config", ROOT_ALLOWED));
        read("web2", write("web2/sshd_config", ROOT_ALLOWED));
        assertThat(session.fire().findings()).extracting(Finding::getRuleId, Finding::getAsset)
                .containsExactlyInAnyOrder(tuple(ROOT_LOGIN, "web1"), tuple(ROOT_LOGIN, "web2"));

        session.withdraw(new EvidenceKey("sshd_config", "web1", "test"));
        EvaluationResult result = session.fire();

        assertThat(result.findings()).extracting(Finding::getRuleId, Finding::getAsset)
                .as("the finding resting on web1's file went with it").containsExactly(tuple(ROOT_LOGIN, "web2"));
        assertThat(result.removed()).containsExactly(new EvidenceScope("sshd_config", "web1"));
        assertThat(result.observed()).containsExactly(new EvidenceScope("sshd_config", "web2"));
        assertThat(result.refreshed()).isEmpty();
        assertThat(session.evidence()).containsOnlyKeys(new EvidenceKey("sshd_config", "web2", "test"));
        assertThat(session.fire().removed()).as("reported once").isEmpty();
    }

    @Test
    void withdrawingAKeyTheSessionNeverHeldIsReportedRemovedToo() {
        // after a restart: the file went away while Annexa was down, and nothing of it was read since
        session.withdraw(new EvidenceKey("sshd_config", "web1", "sshd-config-inbox"));

        EvaluationResult result = session.fire();

        assertThat(result.removed()).containsExactly(new EvidenceScope("sshd_config", "web1"));
        assertThat(result.observed()).isEmpty();
        assertThat(result.findings()).isEmpty();
    }

    @Test
    void aScopeWithdrawnAndReadAgainInOneCycleIsNotRemoved() throws Exception {
        Path web1 = write("web1/sshd_config", ROOT_ALLOWED);
        read("web1", web1);
        session.fire();

        session.withdraw(new EvidenceKey("sshd_config", "web1", "test"));
        read("web1", web1);
        EvaluationResult result = session.fire();

        assertThat(result.removed()).isEmpty();
        assertThat(result.observed()).containsExactly(new EvidenceScope("sshd_config", "web1"));
        assertThat(result.findings()).extracting(Finding::getAsset).containsExactly("web1");
    }

    @Test
    void aScopeStillHeldUnderAnotherKeyIsNotRemoved() throws Exception {
        Path web1 = write("web1/sshd_config", ROOT_ALLOWED);
        session.replace(new EvidenceKey("sshd_config", "web1", "sshd-config-inbox"), parse("web1", web1));
        session.replace(new EvidenceKey("sshd_config", "web1", "other-inbox"), parse("web1", web1));
        session.fire();

        session.withdraw(new EvidenceKey("sshd_config", "web1", "sshd-config-inbox"));
        EvaluationResult result = session.fire();

        assertThat(result.removed()).as("other-inbox still delivers web1's sshd_config").isEmpty();
        assertThat(result.observed()).containsExactly(new EvidenceScope("sshd_config", "web1"));
        assertThat(result.findings()).extracting(Finding::getAsset).containsExactly("web1");
    }

    @Test
    void aSettingReadUnderAnotherKeyOfTheSameKindCountsAsSetUntilThatReadGoes() throws Exception {
        EvidenceKey files = new EvidenceKey("sshd_config", "web1", "sshd-config-inbox");
        EvidenceKey inForce = new EvidenceKey("sshd_config", "web1", "ssh-collection");
        session.replace(files, parse("web1", write("web1/sshd_config", "PasswordAuthentication no\n")));
        assertThat(session.fire().findings()).extracting(Finding::getEvidence)
                .singleElement().asString().contains("PermitRootLogin is not set");

        session.replace(inForce, parse("web1", write("web1/effective", "PermitRootLogin no\nPasswordAuthentication no\n")));
        assertThat(session.fire().findings()).as("the other read sets it").isEmpty();

        session.replace(files, parse("web1", write("web1/sshd_config", "PasswordAuthentication no\n")));
        assertThat(session.fire().findings()).as("read again beside the other read").isEmpty();

        session.withdraw(inForce);
        assertThat(session.fire().findings()).extracting(Finding::getEvidence)
                .singleElement().asString().contains("PermitRootLogin is not set");
    }

    @Test
    void aSettingInAConditionalBlockIsNotSetGlobally() throws Exception {
        read("web1", write("web1/sshd_config", "PasswordAuthentication no\nMatch User backup\n    PermitRootLogin no\n"));

        assertThat(session.fire().findings()).extracting(Finding::getEvidence)
                .singleElement().asString().contains("PermitRootLogin is not set");
        assertThat(session.factsOfType(io.annexa.evidence.ConfigFile.class)).singleElement().satisfies(file -> {
            assertThat(file.sets("PermitRootLogin")).isTrue();
            assertThat(file.setsGlobally("PermitRootLogin")).isFalse();
            assertThat(file.setsGlobally("PasswordAuthentication")).isTrue();
        });
    }

    @Test
    void firingsAreCountedByRulePackage() throws Exception {
        read("web1", write("web1/sshd_config", ROOT_ALLOWED));
        session.fire();

        String rootLoginPackage = library.rule(ROOT_LOGIN).orElseThrow().drlPackage();
        assertThat(session.firings()).containsEntry(rootLoginPackage, 1L);
    }

    // ---------------------------------------------------------------- helpers

    private Path write(String relative, String content) throws Exception {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    /** One read of {@code file} as the sshd_config of {@code asset}, replacing the previous read. */
    private void read(String asset, Path file) throws Exception {
        session.replace(new EvidenceKey("sshd_config", asset, "test"), parse(asset, file));
    }

    private List<Object> parse(String asset, Path file) throws Exception {
        clock = clock.plusSeconds(60);
        return ConfigParsers.forSource("sshd_config").orElseThrow().parse(file, asset, clock).facts();
    }
}
