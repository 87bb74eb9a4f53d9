package io.annexa.ingestion.faillock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annexa.ProjectFiles;
import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.InvalidInputException;
import io.annexa.ingestion.ConfigSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** faillock.conf as pam_faillock (Linux-PAM 1.5) reads it, from Debian 12's stock file and variations of it. */
class FaillockConfParserTest {

    private static final Instant AT = Instant.parse("2026-12-01T00:00:00Z");
    private static final Path DEBIAN12 = ProjectFiles.root().resolve("src/test/resources/corpus/debian12-host/etc/security/faillock.conf");

    @TempDir
    Path dir;

    private final FaillockConfParser parser = new FaillockConfParser();

    @Test
    void debiansStockFileSetsNothingButIsRead() throws Exception {
        ConfigSnapshot read = parser.parse(DEBIAN12, "deb12", AT);

        assertThat(read.entries()).isEmpty();
        assertThat(read.file().getFile()).isEqualTo(DEBIAN12.toString());
        assertThat(read.file().getSource()).isEqualTo("faillock.conf");
    }

    @Test
    void theLastLineOfASettingIsInForceAndFlagsAreTrue() throws Exception {
        Path file = Files.writeString(dir.resolve("faillock.conf"), "deny = 3\nunlock_time=900   # fifteen minutes\n"
                + "  even_deny_root\ndeny    10\nDeny = 1\nroot_unlock_time = 60\n");

        assertThat(parser.parse(file, "web1", AT).entries()).extracting(ConfigEntry::getKey, ConfigEntry::getValue, ConfigEntry::getLine)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("unlock_time", "900", 2),
                        org.assertj.core.groups.Tuple.tuple("even_deny_root", "true", 3),
                        org.assertj.core.groups.Tuple.tuple("deny", "10", 4),
                        // strcmp: not deny, an option pam_faillock does not know
                        org.assertj.core.groups.Tuple.tuple("Deny", "1", 5),
                        org.assertj.core.groups.Tuple.tuple("root_unlock_time", "60", 6));
    }

    @Test
    void aLineTooLongForPamFaillockIsRefusedWithItsLine() throws Exception {
        Path file = Files.writeString(dir.resolve("faillock.conf"), "deny = 3\ndir = /" + "x".repeat(1100) + "\n");

        assertThatThrownBy(() -> parser.parse(file, "web1", AT)).isInstanceOf(InvalidInputException.class)
                .hasMessage(file + ":2: line longer than 1023 bytes: pam_faillock refuses the whole file, and every login through it fails");
    }

    @Test
    void anEqualsSignWithoutANameIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("faillock.conf"), "= 3\n");

        assertThatThrownBy(() -> parser.parse(file, "web1", AT)).isInstanceOf(InvalidInputException.class)
                .hasMessage(file + ":1: '=' without a setting name");
    }
}
