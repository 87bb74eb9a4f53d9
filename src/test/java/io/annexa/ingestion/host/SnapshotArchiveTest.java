package io.annexa.ingestion.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annexa.evidence.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile archives through the real unpacking: each refused with its reason, nothing written outside the target. */
class SnapshotArchiveTest {

    private static final SnapshotLimits LIMITS = new SnapshotLimits(20, 4096, 16 * 1024);

    @TempDir
    Path temp;

    private Path into;
    private Path archive;

    @BeforeEach
    void folders() throws IOException {
        into = Files.createDirectories(temp.resolve("sandbox").resolve("root"));
        archive = temp.resolve("web1.tar.gz");
    }

    @Test
    void aSnapshotUnpacksWithItsPathsAsOnTheHost() throws Exception {
        try (TarGz tar = TarGz.to(archive)) {
            tar.folder("./etc/ssh/").file("./etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\n")
                    .file("etc/ssh/sshd_config.d/60-cloudimg-settings.conf", "PasswordAuthentication no\n")
                    .file(".annexa/commands/sshd-T", "passwordauthentication no\n");
        }

        SnapshotArchive.unpack(archive, into, LIMITS);

        assertThat(into.resolve("etc/ssh/sshd_config.d/60-cloudimg-settings.conf")).hasContent("PasswordAuthentication no");
        assertThat(into.resolve(".annexa/commands/sshd-T")).exists();
    }

    @Test
    void anEntryClimbingOutOfTheSnapshotIsRefused() throws Exception {
        try (TarGz tar = TarGz.to(archive)) {
            tar.file("etc/ssh/sshd_config", "PermitRootLogin no\n").file("etc/../../../escaped", "owned\n");
        }

        assertRefused("entry 'etc/../../../escaped' refused: leads outside the snapshot ('..')");
        assertThat(temp.resolve("escaped")).doesNotExist();
        assertThat(temp.resolve("sandbox").resolve("escaped")).doesNotExist();
    }

    @Test
    void anAbsoluteEntryIsRefused() throws Exception {
        try (TarGz tar = TarGz.to(archive)) {
            tar.file("/etc/cron.d/evil", "* * * * * root sh\n");
        }

        assertRefused("entry '/etc/cron.d/evil' refused: is an absolute name, outside the snapshot");
    }

    @Test
    void symbolicAndHardLinksAreRefused() throws Exception {
        try (TarGz tar = TarGz.to(archive)) {
            tar.special("etc/ssh/sshd_config", TarConstants.LF_SYMLINK, e -> e.setLinkName("/etc/shadow"));
        }
        assertRefused("entry 'etc/ssh/sshd_config' refused: a symbolic link to '/etc/shadow': a host snapshot holds"
                + " regular files and folders only");

        try (TarGz tar = TarGz.to(archive)) {
            tar.file("etc/passwd", "root:x:0:0::/root:/bin/sh\n").special("etc/sudoers", TarConstants.LF_LINK, e -> e.setLinkName("etc/passwd"));
        }
        assertRefused("entry 'etc/sudoers' refused: a hard link to 'etc/passwd'");
    }

    @Test
    void devicesAndFifosAreRefused() throws Exception {
        try (TarGz tar = TarGz.to(archive)) {
            tar.special("dev/sda", TarConstants.LF_BLK, e -> { });
        }
        assertRefused("entry 'dev/sda' refused: a device");

        try (TarGz tar = TarGz.to(archive)) {
            tar.special("run/pipe", TarConstants.LF_FIFO, e -> { });
        }
        assertRefused("entry 'run/pipe' refused: a FIFO");
    }

    @Test
    void anOversizedFileIsRefusedBeforeItIsWritten() throws Exception {
        try (TarGz tar = TarGz.to(archive)) {
            tar.zeros("etc/huge.conf", 4097);
        }

        assertRefused("entry 'etc/huge.conf' refused: is 4097 bytes, more than the 4096 one file may have"
                + " (annexa.sources.hosts.max-file-bytes)");
        assertThat(into.resolve("etc/huge.conf")).doesNotExist();
    }

    @Test
    void aSizeBombStopsAtTheTotalLimit() throws Exception {
        // 5 files of 4 KiB each, within the per-file limit, 20 KiB together: past the 16 KiB total; compressed to little
        try (TarGz tar = TarGz.to(archive)) {
            for (int i = 0; i < 5; i++) {
                tar.zeros("etc/part" + i, 4096);
            }
        }
        assertThat(Files.size(archive)).isLessThan(1024);

        assertRefused("entry 'etc/part4' refused: takes the snapshot past the 16384 bytes it may hold unpacked"
                + " (annexa.sources.hosts.max-total-bytes)");
        assertThat(bytesUnder(into)).isLessThanOrEqualTo(LIMITS.maxTotalBytes());
    }

    @Test
    void tooManyEntriesAreRefused() throws Exception {
        try (TarGz tar = TarGz.to(archive)) {
            for (int i = 0; i < 21; i++) {
                tar.file("etc/f" + i, "x\n");
            }
        }

        assertRefused("entry 'etc/f20' refused: more than 20 entries (annexa.sources.hosts.max-entries)");
    }

    @Test
    void aNameTwiceIsRefused() throws Exception {
        try (TarGz tar = TarGz.to(archive)) {
            tar.file("etc/ssh/sshd_config", "PermitRootLogin no\n").file("./etc/ssh/sshd_config", "PermitRootLogin yes\n");
        }

        assertRefused("entry './etc/ssh/sshd_config' refused: appears twice");
    }

    @Test
    void somethingElseThanATarGzIsRefused() throws Exception {
        Files.writeString(archive, "PermitRootLogin yes\n");

        assertRefused("not a readable gzip-compressed tar archive");
    }

    private void assertRefused(String reason) {
        assertThatThrownBy(() -> SnapshotArchive.unpack(archive, into, LIMITS))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(archive + ": ")
                .hasMessageContaining(reason);
    }

    private static long bytesUnder(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            long total = 0;
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                total += Files.size(file);
            }
            return total;
        }
    }
}
