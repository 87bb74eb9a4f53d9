package io.annexa.ingestion.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.annexa.ProjectFiles;
import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.ConfigFile;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real stock Debian 12 host snapshot of the test corpus, read by the production reader. */
class HostSnapshotReaderTest {

    static final Path DEBIAN12 = ProjectFiles.root().resolve("src/test/resources/corpus/debian12-host");
    static final Path DEBIAN12_SSHD_T = ProjectFiles.root().resolve("src/test/resources/corpus/debian12-host-commands/sshd-T");
    private static final Instant AT = Instant.parse("2026-12-01T00:00:00Z");

    @TempDir
    Path temp;

    private final HostSnapshotReader reader = new HostSnapshotReader();

    @Test
    void everyKindOfAStockDebianHostIsReadFromWhereTheHostKeepsIt() throws Exception {
        Map<EvidenceKey, List<Object>> evidence = reader.read(DEBIAN12, "deb12", "hosts-folder-inbox", AT);

        assertThat(evidence.keySet()).extracting(EvidenceKey::source, EvidenceKey::origin).contains(
                tuple("sshd_config", "hosts-folder-inbox"), tuple("login.defs", "hosts-folder-inbox"),
                tuple("pwquality.conf", "hosts-folder-inbox"), tuple("sudoers", "hosts-folder-inbox"),
                tuple("chrony.conf", "hosts-folder-inbox"), tuple("auditd.conf", "hosts-folder-inbox"),
                tuple("audit.rules", "hosts-folder-inbox"), tuple("rsyslog.conf", "hosts-folder-inbox"),
                tuple("logrotate.conf", "hosts-folder-inbox"), tuple("pam.d", "hosts-folder-inbox/sshd"),
                tuple("pam.d", "hosts-folder-inbox/common-auth"), tuple("pam.d", "hosts-folder-inbox/login"));
        assertThat(evidence.keySet()).allSatisfy(key -> assertThat(key.asset()).isEqualTo("deb12"));
        // named as on the host, not by where the snapshot lies
        assertThat(files(evidence)).contains("/etc/ssh/sshd_config", "/etc/login.defs", "/etc/pam.d/common-auth",
                "/etc/chrony/chrony.conf", "/etc/audit/rules.d/*.rules");
        assertThat(entries(evidence, "sshd_config")).extracting(ConfigEntry::describe)
                .contains("KbdInteractiveAuthentication no (/etc/ssh/sshd_config:62)", "UsePAM yes (/etc/ssh/sshd_config:85)");
        // logrotate's include /etc/logrotate.d is followed inside the snapshot
        assertThat(entries(evidence, "logrotate.conf")).extracting(ConfigEntry::getFile).contains("/etc/logrotate.d/rsyslog");
    }

    @Test
    void sshdTIsTheConfigurationInForceAndSaysSoInTheEvidence() throws Exception {
        Path host = copy(DEBIAN12, temp.resolve("deb12"));
        Files.createDirectories(host.resolve(".annexa/commands"));
        Files.copy(DEBIAN12_SSHD_T, host.resolve(HostSnapshotReader.SSHD_EFFECTIVE));
        Files.writeString(host.resolve("etc/ssh/sshd_config"), "\nMatch User backup\n    PasswordAuthentication yes\n",
                java.nio.file.StandardOpenOption.APPEND);

        List<Object> sshd = reader.read(host, "deb12", "hosts-folder-inbox", AT)
                .get(new EvidenceKey("sshd_config", "deb12", "hosts-folder-inbox"));

        assertThat(sshd).first().isInstanceOfSatisfying(ConfigFile.class, f -> assertThat(f.getFile()).isEqualTo("sshd -T"));
        List<ConfigEntry> entries = sshd.stream().filter(ConfigEntry.class::isInstance).map(ConfigEntry.class::cast).toList();
        assertThat(entries).filteredOn(ConfigEntry::isGlobal).extracting(ConfigEntry::describe).contains(
                "PasswordAuthentication yes (sshd -T:30)", "PermitRootLogin without-password (sshd -T:15)",
                "KbdInteractiveAuthentication no (sshd -T:31)", "UsePAM yes (sshd -T:5)", "LoginGraceTime 120 (sshd -T:6)");
        assertThat(entries).filteredOn(ConfigEntry::isGlobal).allSatisfy(e -> assertThat(e.getFile()).isEqualTo("sshd -T"));
        // sshd -T applies no Match block: the files' are kept beside it
        assertThat(entries).filteredOn(e -> !e.isGlobal()).extracting(ConfigEntry::describe)
                .containsExactly("PasswordAuthentication yes in 'Match User backup' (/etc/ssh/sshd_config:125)");
    }

    @Test
    void theLoadedAuditRulesAreEvidenceBesideTheRuleFiles() throws Exception {
        Path host = copy(DEBIAN12, temp.resolve("deb12"));
        Files.createDirectories(host.resolve(".annexa/commands"));
        Files.writeString(host.resolve(HostSnapshotReader.AUDIT_LOADED), "-w /etc/passwd -p wa -k identity\n");

        Map<EvidenceKey, List<Object>> evidence = reader.read(host, "deb12", "hosts-folder-inbox", AT);

        assertThat(evidence.get(new EvidenceKey("audit.rules", "deb12", "hosts-folder-inbox/auditctl-l")))
                .filteredOn(ConfigEntry.class::isInstance).extracting(o -> ((ConfigEntry) o).describe())
                .containsExactly("watch /etc/passwd -p wa -k identity (auditctl -l:1)");
        assertThat(evidence).containsKey(new EvidenceKey("audit.rules", "deb12", "hosts-folder-inbox"));
    }

    @Test
    void aKindTheSnapshotDoesNotHoldHasNoKey() throws Exception {
        Path host = temp.resolve("web1");
        Files.createDirectories(host.resolve("etc/ssh"));
        Files.writeString(host.resolve("etc/ssh/sshd_config"), "PermitRootLogin no\n");

        assertThat(reader.read(host, "web1", "hosts-folder-inbox", AT).keySet())
                .containsExactly(new EvidenceKey("sshd_config", "web1", "hosts-folder-inbox"));
    }

    @Test
    void aFileThatDoesNotParseFailsTheWholeSnapshotNamedAsOnTheHost() throws Exception {
        Path host = temp.resolve("web1");
        Files.createDirectories(host.resolve("etc/ssh"));
        Files.writeString(host.resolve("etc/ssh/sshd_config"), "PermitRootLogin\n");

        assertThatThrownBy(() -> reader.read(host, "web1", "hosts-folder-inbox", AT))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("/etc/ssh/sshd_config:1: 'PermitRootLogin' has no value");
    }

    static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path path : files.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
        return to;
    }

    private static List<String> files(Map<EvidenceKey, List<Object>> evidence) {
        return evidence.values().stream().flatMap(List::stream).filter(ConfigFile.class::isInstance)
                .map(f -> ((ConfigFile) f).getFile()).toList();
    }

    private static List<ConfigEntry> entries(Map<EvidenceKey, List<Object>> evidence, String source) {
        return evidence.entrySet().stream().filter(e -> e.getKey().source().equals(source)).flatMap(e -> e.getValue().stream())
                .filter(ConfigEntry.class::isInstance).map(ConfigEntry.class::cast).toList();
    }
}
