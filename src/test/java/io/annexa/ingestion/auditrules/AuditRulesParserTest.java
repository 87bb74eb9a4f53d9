package io.annexa.ingestion.auditrules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.ConfigFile;
import io.annexa.ingestion.ConfigSnapshot;
import io.annexa.evidence.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuditRulesParserTest {

    private static final Instant OBSERVED = Instant.parse("2026-03-01T10:15:30Z");

    @TempDir
    Path root;

    private final AuditRulesParser parser = new AuditRulesParser();

    @Test
    void debianDefaultYieldsItsFourSettings() throws Exception {
        Path file = Path.of(Objects.requireNonNull(getClass().getResource("/corpus/debian-bookworm/audit.rules")).toURI());

        ConfigSnapshot snapshot = parser.parse(file, "web1", OBSERVED);

        assertThat(snapshot.file()).isEqualTo(new ConfigFile("web1", "audit.rules", file.toString(), OBSERVED));
        assertThat(rows(snapshot.entries())).containsExactly(
                tuple(2, "-D", ""),
                tuple(6, "-b", "8192"),
                tuple(9, "--backlog_wait_time", "60000"),
                tuple(12, "-f", "1"));
        assertThat(snapshot.entries()).allSatisfy(e -> assertThat(e.getScope()).isEmpty());
        // No watch and no syscall rule: Debian audits nothing until rules are added.
        assertThat(snapshot.entries()).extracting(ConfigEntry::getKey).doesNotContain("watch", "syscall");
    }

    @Test
    void watchesReadAsPathPermissionsAndKeys() throws Exception {
        assertThat(rows(parse("""
                ## identity
                -w /etc/passwd -p wa -k identity
                  -w /etc/group -k identity -p aw
                -w /etc/shadow
                -W /etc/gshadow -p WA
                -w/etc/sudoers -pwa -kscope -k privileged
                """))).containsExactly(
                tuple(2, "watch", "/etc/passwd -p wa -k identity"),
                tuple(3, "watch", "/etc/group -p wa -k identity"),
                tuple(4, "watch", "/etc/shadow -p rwxa"),
                tuple(5, "unwatch", "/etc/gshadow -p wa"),
                tuple(6, "watch", "/etc/sudoers -p wa -k scope -k privileged"));
    }

    @Test
    void syscallAndFilterRulesReadAsActionListThenTheirOptions() throws Exception {
        assertThat(rows(parse("""
                -a always,exit -F arch=b64 -S execve -k exec
                -a   exit,always   -F arch=b32 -S adjtimex,settimeofday -F key=time-change
                -A always,entry -F arch=b64 -S open -F exit=-EACCES -F auid>=1000 -F auid!=unset -k access
                -a never,exclude -F msgtype=CWD
                -a always,exit -F path=/usr/bin/sudo -F perm=x -F auid>=1000 -k privileged
                -d always,exit -F arch=b64 -S ptrace
                -a always,exit -F arch=b64 -C uid!=euid -F euid=0 -S execve -k setuid
                """))).containsExactly(
                tuple(1, "syscall", "always,exit -F arch=b64 -S execve -k exec"),
                tuple(2, "syscall", "always,exit -F arch=b32 -S adjtimex,settimeofday -F key=time-change"),
                tuple(3, "syscall", "always,exit -F arch=b64 -S open -F exit=-EACCES -F auid>=1000 -F auid!=unset -k access"),
                tuple(4, "filter", "never,exclude -F msgtype=CWD"),
                tuple(5, "syscall", "always,exit -F path=/usr/bin/sudo -F perm=x -F auid>=1000 -k privileged"),
                tuple(6, "delete", "always,exit -F arch=b64 -S ptrace"),
                tuple(7, "syscall", "always,exit -F arch=b64 -C uid!=euid -F euid=0 -S execve -k setuid"));
    }

    @Test
    void settingsKeepTheirOptionAndValue() throws Exception {
        assertThat(rows(parse("""
                -D
                -b 8192
                -r 100
                -i
                --backlog_wait_time=60000
                --loginuid-immutable
                --reset-lost
                -q /mnt,/mnt/data
                -e 2
                """))).containsExactly(
                tuple(1, "-D", ""),
                tuple(2, "-b", "8192"),
                tuple(3, "-r", "100"),
                tuple(4, "-i", ""),
                tuple(5, "--backlog_wait_time", "60000"),
                tuple(6, "--loginuid-immutable", ""),
                tuple(7, "--reset-lost", ""),
                tuple(8, "-q", "/mnt,/mnt/data"),
                tuple(9, "-e", "2"));
    }

    @Test
    void anEscapedSpaceBelongsToThePath() throws Exception {
        assertThat(rows(parse("-w /srv/my\\ app/config -p w -k app\n")))
                .containsExactly(tuple(1, "watch", "/srv/my app/config -p w -k app"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            -x                                      | unknown option '-x'
            --immutable                             | unknown option '--immutable'
            -s                                      | '-s' is an auditctl command, not a rule
            -e 3                                    | '-e 3': must be 0, 1 or 2
            -f                                      | '-f' has no value
            -b lots                                 | '-b lots': must be a number
            -k identity                             | '-k' needs a rule (-a or -w) before it
            -p wa -w /etc/passwd                    | '-p' needs a rule (-a or -w) before it
            -w /etc/passwd -p wz                    | permissions are up to four of r, w, x, a
            -w /etc/passwd -S open                  | '-S' belongs to a syscall rule
            -w etc/passwd                           | must start with '/'
            -w /etc/passwd -a always,exit           | two rules on one line
            -a always,sometimes -S open             | is not action,list
            -a possible,exit -S open                | 'possible' is no longer supported
            -a always,exit -F arch                  | is not a comparison
            -w /etc/passwd wa                       | 'wa' belongs to no option
            -b 8192 # backlog                       | '#' belongs to no option
            """)
    void commandsAuditctlRefusesAreRejectedWithTheirLine(String rule, String reason) throws Exception {
        Path file = write("## rules\n" + rule.strip() + "\n");

        assertThatThrownBy(() -> parser.parse(file, "web1", OBSERVED)).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.getFile()).isEqualTo(file.toString());
            assertThat(e.getLine()).isEqualTo(2);
            assertThat(e.getReason()).contains(reason);
        });
    }

    @Test
    void tabsAreRejectedBecauseAuditctlSplitsAtSpacesOnly() throws Exception {
        Path file = write("-D\n-w\t/etc/passwd\n");

        assertThatThrownBy(() -> parser.parse(file, "web1", OBSERVED)).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.getLine()).isEqualTo(2);
            assertThat(e.getReason()).contains("tab");
        });
    }

    private List<ConfigEntry> parse(String content) throws Exception {
        return parser.parse(write(content), "web1", OBSERVED).entries();
    }

    private Path write(String content) throws IOException {
        return Files.writeString(root.resolve("audit.rules"), content, StandardCharsets.UTF_8);
    }

    private static List<Tuple> rows(List<ConfigEntry> entries) {
        return entries.stream().map(e -> tuple(e.getLine(), e.getKey(), e.getValue())).toList();
    }
}
