package io.annexa.ingestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.EvidenceKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evidence whose file is gone is withdrawn: the project's real inbox routes in a real {@link SourceRuntime} on the
 * shipped defaults, polled every 100 ms; only folders and the data directory are the test's.
 */
class EvidenceWithdrawalRoutesTest {

    private static final String SSHD_ROUTE = "sshd-config-inbox";
    private static final String LOGIN_DEFS_ROUTE = "login-defs-inbox";
    private static final EvidenceKey WEB1 = new EvidenceKey("sshd_config", "web1", SSHD_ROUTE);
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path temp;

    private Path sshdInbox;
    private final CollectingSink sink = new CollectingSink();
    private IsolatedSources sources;

    @BeforeEach
    void setUp() throws IOException {
        sources = IsolatedSources.in(temp);
        sshdInbox = Files.createDirectories(sources.inbox().resolve("sshd_config"));
    }

    @AfterEach
    void tearDown() {
        sources.close();
    }

    @Test
    void aDeletedFileIsWithdrawnUnderTheKeyItWasReadWith() throws Exception {
        sources.start(sink);
        Path web1 = write(sshdInbox.resolve("web1"), "PermitRootLogin yes\n");
        await().atMost(DEADLINE).until(() -> sink.holds(WEB1));

        Files.delete(web1);

        await().atMost(DEADLINE).until(() -> !sink.holds(WEB1));
        assertThat(sink.withdrawals()).containsExactly(WEB1);
        await().atMost(DEADLINE).untilAsserted(() ->
                assertThat(sources.route(SSHD_ROUTE).counters().flags()).containsEntry(SourceMonitor.EVIDENCE_WITHDRAWN, 1L));
        sources.checkEvidence();
        assertThat(sink.withdrawals()).as("withdrawn once, not at every check").containsExactly(WEB1);
        assertThat(sources.route(SSHD_ROUTE).counters().errors()).isZero();
    }

    @Test
    void aFileDeletedWhileAnnexaWasDownIsWithdrawnAtTheNextStart() throws Exception {
        sources.start(sink);
        Path web1 = write(sshdInbox.resolve("web1"), "PermitRootLogin yes\n");
        Path web2 = write(sshdInbox.resolve("web2"), "PermitRootLogin no\n");
        EvidenceKey web2Key = new EvidenceKey("sshd_config", "web2", SSHD_ROUTE);
        await().atMost(DEADLINE).until(() -> sink.holds(WEB1) && sink.holds(web2Key));
        sources.close();
        // recorded by name inside the route's folder, which may be elsewhere at the next start (the unpacked samples)
        assertThat(Files.readAllLines(sources.ledger(SSHD_ROUTE))).contains(
                "web1\tsshd_config\tweb1\t" + SSHD_ROUTE,
                "web2\tsshd_config\tweb2\t" + SSHD_ROUTE);

        Files.delete(web1);
        CollectingSink afterRestart = new CollectingSink();
        sources.start(afterRestart);

        // nothing of web1 was read in this run: the withdrawal is all that tells the register it is gone
        await().atMost(DEADLINE).until(() -> afterRestart.withdrawals(WEB1) == 1 && afterRestart.holds(web2Key));
        assertThat(afterRestart.withdrawals()).containsExactly(WEB1);
        assertThat(afterRestart.calls(WEB1)).isZero();
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(Files.readAllLines(sources.ledger(SSHD_ROUTE)))
                .noneMatch(line -> line.startsWith("web1\t"))
                .contains("web2\tsshd_config\tweb2\t" + SSHD_ROUTE));
    }

    @Test
    void aFileThatNoLongerParsesKeepsItsPreviousEvidenceUntilItIsDeleted() throws Exception {
        sources.start(sink);
        Path inbox = Files.createDirectories(sources.inbox().resolve("login.defs"));
        EvidenceKey key = new EvidenceKey("login.defs", "web1", LOGIN_DEFS_ROUTE);
        Path web1 = write(inbox.resolve("web1"), "PASS_MAX_DAYS 90\n");
        await().atMost(DEADLINE).until(() -> sink.holds(key));

        write(inbox.resolve("web1"), "UMASK 027\nPASS_MAX_DAYS\n");
        await().atMost(DEADLINE).until(() -> sources.reasonFiles(LOGIN_DEFS_ROUTE).size() == 1);
        sources.checkEvidence();

        assertThat(sink.withdrawals()).isEmpty();
        assertThat(sink.holds(key)).isTrue();
        assertThat(entries(sink.latest(key).orElseThrow())).extracting(ConfigEntry::getKey, ConfigEntry::getValue)
                .as("the last good read").containsExactly(tuple("PASS_MAX_DAYS", "90"));

        // the file still produced that evidence as far as anybody knows: its deletion withdraws it
        Files.delete(web1);
        await().atMost(DEADLINE).until(() -> sink.withdrawals(key) == 1);
    }

    @Test
    void aFileMovedAwayAndBackUnchangedIsReadAgain() throws Exception {
        sources.start(sink);
        Path web1 = write(sshdInbox.resolve("web1"), "PermitRootLogin yes\n");
        await().atMost(DEADLINE).until(() -> sink.holds(WEB1));
        Path away = Files.createDirectories(temp.resolve("away")).resolve("web1");

        Files.move(web1, away, StandardCopyOption.ATOMIC_MOVE);
        await().atMost(DEADLINE).until(() -> !sink.holds(WEB1));
        // same name, time and size: the route's record of what it read must not hide it
        Files.move(away, web1, StandardCopyOption.ATOMIC_MOVE);

        await().atMost(DEADLINE).until(() -> sink.holds(WEB1));
        assertThat(sink.calls(WEB1)).isEqualTo(2);
        assertThat(sink.withdrawals()).containsExactly(WEB1);
    }

    @Test
    void evidenceAnotherFileStillProducesStaysAndIsReadAgainFromThatFile() throws Exception {
        sources.with("annexa.sources.asset-override.routes", SSHD_ROUTE).start(sink);
        write(sshdInbox.resolve("web1"), "PermitRootLogin no\n");
        await().atMost(DEADLINE).until(() -> sink.holds(WEB1));
        Path copy = write(sshdInbox.resolve("copy-of-web1"), "# annexa-asset: web1\nPermitRootLogin yes\n");
        await().atMost(DEADLINE).until(() -> sink.calls(WEB1) == 2);

        Files.delete(copy);

        // the evidence in force was the copy's: web1's own file is read again to put its content back
        await().atMost(DEADLINE).until(() -> sink.calls(WEB1) == 3);
        assertThat(entries(sink.latest(WEB1).orElseThrow())).extracting(ConfigEntry::getKey, ConfigEntry::getValue)
                .containsExactly(tuple("PermitRootLogin", "no"));
        sources.checkEvidence();
        assertThat(sink.withdrawals()).isEmpty();
        assertThat(sink.holds(WEB1)).isTrue();
    }

    private static Path write(Path file, String content) throws IOException {
        return Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private static List<ConfigEntry> entries(List<Object> facts) {
        return facts.stream().filter(ConfigEntry.class::isInstance).map(ConfigEntry.class::cast).toList();
    }
}
