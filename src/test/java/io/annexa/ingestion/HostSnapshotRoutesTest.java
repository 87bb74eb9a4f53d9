package io.annexa.ingestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.EvidenceKey;
import io.annexa.ingestion.host.TarGz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host snapshot routes of {@code integrations/hosts.camel.yaml} in a real {@link SourceRuntime} on the shipped
 * defaults, polled every 100 ms: folders and archives dropped into {@code <inbox>/hosts}.
 */
class HostSnapshotRoutesTest {

    private static final String FOLDERS = "hosts-folder-inbox";
    private static final String ARCHIVES = "hosts-archive-inbox";
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path temp;

    private Path hosts;
    private final CollectingSink sink = new CollectingSink();
    private IsolatedSources sources;

    @BeforeEach
    void setUp() throws IOException {
        sources = IsolatedSources.in(temp);
        hosts = Files.createDirectories(sources.inbox().resolve("hosts"));
    }

    @AfterEach
    void tearDown() {
        sources.close();
    }

    @Test
    void aFolderMovedInIsOneSnapshotWithItsIncludesResolvedInsideIt() throws Exception {
        sources.start(sink);
        Path staged = ubuntuCloudImage(temp.resolve("staging").resolve("web1"));
        Files.move(staged, hosts.resolve("web1"));

        EvidenceKey sshd = new EvidenceKey("sshd_config", "web1", FOLDERS);
        await().atMost(DEADLINE).until(() -> sink.holds(sshd));

        assertThat(sink.snapshots()).hasSize(1);
        assertThat(sink.snapshots().get(0).evidence().keySet()).containsExactlyInAnyOrder(sshd,
                new EvidenceKey("login.defs", "web1", FOLDERS));
        assertThat(entries(sink.latest(sshd).orElseThrow())).extracting(ConfigEntry::describe).contains(
                "Include /etc/ssh/sshd_config.d/*.conf (/etc/ssh/sshd_config:1)",
                "PasswordAuthentication no (/etc/ssh/sshd_config.d/60-cloudimg-settings.conf:1)");
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(sources.route(FOLDERS).counters().itemsRead()).isEqualTo(1));
    }

    @Test
    void theBundledSamplesAreReadAsHostSnapshots() throws Exception {
        sources.with("annexa.sources.samples.enabled", "true").start(sink);

        EvidenceKey web01 = new EvidenceKey("sshd_config", "web-01.sample", "hosts-samples");
        EvidenceKey bastionPam = new EvidenceKey("pam.d", "bastion-01.sample", "hosts-samples/common-auth");
        await().atMost(DEADLINE).until(() -> sink.holds(web01) && sink.holds(bastionPam));

        assertThat(entries(sink.latest(web01).orElseThrow())).extracting(ConfigEntry::describe)
                .contains("PermitRootLogin yes (/etc/ssh/sshd_config:3)");
        assertThat(sink.snapshots()).extracting(CollectingSink.Snapshot::asset).containsExactlyInAnyOrder("bastion-01.sample", "web-01.sample");
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(sources.route("hosts-samples").counters().itemsRead()).isEqualTo(2));
    }

    @Test
    void aChangedSnapshotReplacesThePreviousOneAndWhatItNoLongerHoldsIsWithdrawn() throws Exception {
        // files changed in place, deep inside: seen when the snapshot is listed again, at the latest after rescan-ms
        sources.with("annexa.sources.inbox.rescan-ms", "300").start(sink);
        Path web1 = ubuntuCloudImage(hosts.resolve("web1"));
        EvidenceKey sshd = new EvidenceKey("sshd_config", "web1", FOLDERS);
        EvidenceKey loginDefs = new EvidenceKey("login.defs", "web1", FOLDERS);
        await().atMost(DEADLINE).until(() -> sink.holds(sshd) && sink.holds(loginDefs));

        Files.delete(web1.resolve("etc/login.defs"));
        Files.writeString(web1.resolve("etc/ssh/sshd_config.d/50-cloud-init.conf"), "PasswordAuthentication yes\n");

        await().atMost(DEADLINE).until(() -> sink.snapshots().size() == 2);
        assertThat(sink.snapshots().get(1).evidence().keySet()).containsExactly(sshd);
        assertThat(sink.holds(loginDefs)).isFalse();
        assertThat(entries(sink.latest(sshd).orElseThrow())).extracting(ConfigEntry::describe)
                .contains("PasswordAuthentication yes (/etc/ssh/sshd_config.d/50-cloud-init.conf:1)");
    }

    @Test
    void aDeletedSnapshotFolderWithdrawsTheHostsEvidence() throws Exception {
        sources.start(sink);
        Path web1 = ubuntuCloudImage(hosts.resolve("web1"));
        EvidenceKey sshd = new EvidenceKey("sshd_config", "web1", FOLDERS);
        await().atMost(DEADLINE).until(() -> sink.holds(sshd));

        deleteTree(web1);

        await().atMost(DEADLINE).until(() -> !sink.holds(sshd) && !sink.holds(new EvidenceKey("login.defs", "web1", FOLDERS)));
    }

    @Test
    void anArchiveIsUnpackedReadAndForgotten() throws Exception {
        sources.start(sink);
        TarGz.of(ubuntuCloudImage(temp.resolve("staging").resolve("web2")), temp.resolve("web2.tar.gz"));
        Files.move(temp.resolve("web2.tar.gz"), hosts.resolve("web2.tar.gz"));

        EvidenceKey sshd = new EvidenceKey("sshd_config", "web2", ARCHIVES);
        await().atMost(DEADLINE).until(() -> sink.holds(sshd));

        assertThat(entries(sink.latest(sshd).orElseThrow())).extracting(ConfigEntry::getFile)
                .contains("/etc/ssh/sshd_config", "/etc/ssh/sshd_config.d/60-cloudimg-settings.conf");
        try (var left = Files.list(temp.resolve("state").resolve("snapshots-unpacked"))) {
            assertThat(left).as("the unpacked copy is deleted").isEmpty();
        }
        Files.delete(hosts.resolve("web2.tar.gz"));
        await().atMost(DEADLINE).until(() -> !sink.holds(sshd));
    }

    @Test
    void aRefusedArchiveIsDeadLetteredWithItsReasonCountedAndTheRouteGoesOn() throws Exception {
        sources.start(sink);
        try (TarGz tar = TarGz.to(temp.resolve("evil.tar.gz"))) {
            tar.file("etc/ssh/sshd_config", "PermitRootLogin no\n")
                    .special("etc/sudoers", TarConstants.LF_SYMLINK, e -> e.setLinkName("/etc/shadow"));
        }
        Files.move(temp.resolve("evil.tar.gz"), hosts.resolve("evil.tar.gz"));

        await().atMost(DEADLINE).until(() -> !sources.reasons(ARCHIVES).isEmpty());
        assertThat(sources.reasons(ARCHIVES).get(0)).contains("evil.tar.gz: entry 'etc/sudoers' refused: a symbolic link to"
                + " '/etc/shadow': a host snapshot holds regular files and folders only");
        assertThat(sink.keys()).isEmpty();
        assertThat(sources.route(ARCHIVES).counters().flags()).containsEntry(SourceMonitor.SNAPSHOT_REFUSED, 1L);
        assertThat(sources.route(ARCHIVES).counters().deadLetters()).isEqualTo(1);

        TarGz.of(ubuntuCloudImage(temp.resolve("staging").resolve("web3")), hosts.resolve("web3.tar.gz"));
        await().atMost(DEADLINE).until(() -> sink.holds(new EvidenceKey("sshd_config", "web3", ARCHIVES)));
        assertThat(sources.route(ARCHIVES).state()).isEqualTo("Started");
    }

    @Test
    void aFolderWithALinkOutIsRefusedAndTheOthersAreStillRead() throws Exception {
        sources.start(sink);
        Path evil = Files.createDirectories(hosts.resolve("evil").resolve("etc/ssh"));
        Files.createSymbolicLink(evil.resolve("sshd_config"), Path.of("/etc/shadow"));
        ubuntuCloudImage(hosts.resolve("web4"));

        await().atMost(DEADLINE).until(() -> sink.holds(new EvidenceKey("sshd_config", "web4", FOLDERS)));
        await().atMost(DEADLINE).until(() -> !sources.reasons(FOLDERS).isEmpty());
        assertThat(sources.reasons(FOLDERS).get(0)).contains("entry 'etc/ssh/sshd_config' refused: a symbolic link");
        assertThat(sink.keys()).noneMatch(key -> key.asset().equals("evil"));
        assertThat(sources.route(FOLDERS).counters().flags()).containsEntry(SourceMonitor.SNAPSHOT_REFUSED, 1L);
    }

    /** An Ubuntu cloud image's sshd layout (package defaults: the cloud image's drop-in) and a login.defs. */
    static Path ubuntuCloudImage(Path root) throws IOException {
        Files.createDirectories(root.resolve("etc/ssh/sshd_config.d"));
        Files.writeString(root.resolve("etc/ssh/sshd_config"), "Include /etc/ssh/sshd_config.d/*.conf\nKbdInteractiveAuthentication no\n"
                + "UsePAM yes\nX11Forwarding yes\nPrintMotd no\n");
        Files.writeString(root.resolve("etc/ssh/sshd_config.d/60-cloudimg-settings.conf"), "PasswordAuthentication no\n");
        Files.writeString(root.resolve("etc/login.defs"), "PASS_MAX_DAYS 99999\n");
        return root;
    }

    private static List<ConfigEntry> entries(List<Object> facts) {
        return facts.stream().filter(ConfigEntry.class::isInstance).map(ConfigEntry.class::cast).toList();
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
