package io.annexa.ingestion.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annexa.evidence.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogScenarioTest {

    private static final Instant OBSERVED = Instant.parse("2026-06-01T00:00:00Z");

    @TempDir
    Path temp;

    @Test
    void eachLineBecomesItsEvents() throws Exception {
        Path file = Files.writeString(temp.resolve("one.fail.log"),
                "# a comment\n\nMay 31 23:00:01 web1 sshd[1]: Failed password for root from 192.0.2.9 port 22 ssh2\r\n");

        assertThat(LogScenario.read(file, "web1", OBSERVED).events()).hasSize(1);
    }

    /** Found by fuzzing: a byte that is not UTF-8 ended in a MalformedInputException naming neither file nor line. */
    @Test
    void invalidUtf8IsRefusedAtItsLine() throws Exception {
        Path file = Files.write(temp.resolve("bad.fail.log"),
                "May 31 23:00:01 web1 sshd[1]: ok\nMay 31 23:00:02 web1 sshd[1]: \u00e9\n".getBytes(StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> LogScenario.read(file, "web1", OBSERVED)).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.getFile()).isEqualTo(file.toString());
            assertThat(e.getLine()).isEqualTo(2);
            assertThat(e.getReason()).isEqualTo("invalid UTF-8");
        });
    }

    /** Found by fuzzing once host names were validated: a host that is no asset name escaped as an undeclared exception. */
    @Test
    void aHostThatIsNoAssetNameIsRefusedAtItsLine() throws Exception {
        Path file = Files.writeString(temp.resolve("host.fail.log"),
                "May 31 23:00:01 web1 sshd[1]: Failed password for root from 192.0.2.9 port 22 ssh2\n"
                        + "May 31 23:00:02 w\u00e9b1 sshd[1]: Failed password for root from 192.0.2.9 port 22 ssh2\n");

        assertThatThrownBy(() -> LogScenario.read(file, "web1", OBSERVED)).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.getLine()).isEqualTo(2);
            assertThat(e.getReason()).contains("not a valid asset name");
        });
    }
}
