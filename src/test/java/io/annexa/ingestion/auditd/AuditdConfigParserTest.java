package io.annexa.ingestion.auditd;

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

class AuditdConfigParserTest {

    private static final Instant OBSERVED = Instant.parse("2026-03-01T10:15:30Z");

    @TempDir
    Path root;

    private final AuditdConfigParser parser = new AuditdConfigParser();

    @Test
    void debianDefaultYieldsEverySettingButTheDoubleHashComments() throws Exception {
        Path file = Path.of(Objects.requireNonNull(getClass().getResource("/corpus/debian-bookworm/auditd.conf")).toURI());

        ConfigSnapshot snapshot = parser.parse(file, "web1", OBSERVED);

        assertThat(snapshot.file()).isEqualTo(new ConfigFile("web1", "auditd.conf", file.toString(), OBSERVED));
        assertThat(rows(snapshot.entries())).containsExactly(
                tuple(5, "local_events", "yes"),
                tuple(6, "write_logs", "yes"),
                tuple(7, "log_file", "/var/log/audit/audit.log"),
                tuple(8, "log_group", "adm"),
                tuple(9, "log_format", "ENRICHED"),
                tuple(10, "flush", "INCREMENTAL_ASYNC"),
                tuple(11, "freq", "50"),
                tuple(12, "max_log_file", "8"),
                tuple(13, "num_logs", "5"),
                tuple(14, "priority_boost", "4"),
                tuple(15, "name_format", "NONE"),
                tuple(17, "max_log_file_action", "ROTATE"),
                tuple(18, "space_left", "75"),
                tuple(19, "space_left_action", "SYSLOG"),
                tuple(20, "verify_email", "yes"),
                tuple(21, "action_mail_acct", "root"),
                tuple(22, "admin_space_left", "50"),
                tuple(23, "admin_space_left_action", "SUSPEND"),
                tuple(24, "disk_full_action", "SUSPEND"),
                tuple(25, "disk_error_action", "SUSPEND"),
                tuple(26, "use_libwrap", "yes"),
                tuple(28, "tcp_listen_queue", "5"),
                tuple(29, "tcp_max_per_addr", "1"),
                tuple(31, "tcp_client_max_idle", "0"),
                tuple(32, "transport", "TCP"),
                tuple(33, "krb5_principal", "auditd"),
                tuple(35, "distribute_network", "no"),
                tuple(36, "q_depth", "2000"),
                tuple(37, "overflow_action", "SYSLOG"),
                tuple(38, "max_restarts", "10"),
                tuple(39, "plugin_dir", "/etc/audit/plugins.d"),
                tuple(40, "end_of_event_timeout", "2"));
        assertThat(snapshot.entries()).allSatisfy(e -> {
            assertThat(e.getSource()).isEqualTo(AuditdConfigParser.SOURCE);
            assertThat(e.getFile()).isEqualTo(file.toString());
            assertThat(e.isGlobal()).isTrue();
        });
        assertThat(snapshot.entries()).extracting(ConfigEntry::getKey).doesNotContain("name", "tcp_listen_port", "krb5_key_file");
    }

    @Test
    void keywordsAreCaseInsensitiveAndTheLastLineOfAKeywordWins() throws Exception {
        assertThat(rows(parse("""
                max_log_file_action = ROTATE
                num_logs = 5
                   Max_Log_File_Action   =   keep_logs
                """))).containsExactly(
                tuple(2, "num_logs", "5"),
                tuple(3, "max_log_file_action", "keep_logs"));
    }

    @Test
    void theActionsThatRunAProgramKeepIt() throws Exception {
        assertThat(rows(parse("disk_full_action = exec /usr/local/sbin/disk-full\nspace_left_action = email\n"))).containsExactly(
                tuple(1, "disk_full_action", "exec /usr/local/sbin/disk-full"),
                tuple(2, "space_left_action", "email"));
    }

    @Test
    void anEmptyFileHasNoEntries() throws Exception {
        assertThat(parse("# nothing configured\n\n")).isEmpty();
    }

    @Test
    void linesAuditdRefusesToStartWithAreRejectedWithTheirLine() throws Exception {
        assertInvalid("num_logs = 5\nmax_log_file_action=keep_logs\n", 2, "needs spaces around '='");
        assertInvalid("num_logs 5\n", 1, "'num_logs' is not followed by ' = '");
        assertInvalid("num_logs\n", 1, "'num_logs' is not followed by ' = '");
        assertInvalid("num_logs = \n", 1, "'num_logs' has no value");
        assertInvalid("num_logs = 5 # five\n", 1, "'num_logs' takes one value, not '5 # five'");
        assertInvalid("disk_full_action = exec /sbin/x now\n", 1, "takes one value");
        assertInvalid("num_logs\t= 5\n", 1, "tab or carriage return");
        assertInvalid("num_logs = 5\r\n", 1, "tab or carriage return");
    }

    private List<ConfigEntry> parse(String content) throws Exception {
        return parser.parse(write(content), "web1", OBSERVED).entries();
    }

    private Path write(String content) throws IOException {
        return Files.writeString(root.resolve("auditd.conf"), content, StandardCharsets.UTF_8);
    }

    private static List<Tuple> rows(List<ConfigEntry> entries) {
        return entries.stream().map(e -> tuple(e.getLine(), e.getKey(), e.getValue())).toList();
    }

    private void assertInvalid(String content, int line, String reason) throws IOException {
        Path file = write(content);
        assertThatThrownBy(() -> parser.parse(file, "web1", OBSERVED)).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.getFile()).isEqualTo(file.toString());
            assertThat(e.getLine()).isEqualTo(line);
            assertThat(e.getReason()).contains(reason);
        });
    }
}
