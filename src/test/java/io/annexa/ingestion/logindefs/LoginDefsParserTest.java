package io.annexa.ingestion.logindefs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.ConfigFile;
import io.annexa.ingestion.ConfigParsers;
import io.annexa.ingestion.ConfigSnapshot;
import io.annexa.evidence.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoginDefsParserTest {

    private static final Instant OBSERVED = Instant.parse("2026-03-01T10:15:30Z");

    @TempDir
    Path dir;

    @Test
    void debianBookwormDefaultYieldsExactlyItsDefinitions() throws Exception {
        Path file = Path.of(Objects.requireNonNull(getClass().getResource("/corpus/debian-bookworm/login.defs")).toURI());

        ConfigSnapshot snapshot = new LoginDefsParser().parse(file, "Web1.example.org.", OBSERVED);

        assertThat(snapshot.file()).isEqualTo(new ConfigFile("web1.example.org", "login.defs", file.toString(), OBSERVED));
        assertThat(rows(snapshot.entries())).containsExactly(
                tuple(35, "MAIL_DIR", "/var/mail"),
                tuple(42, "FAILLOG_ENAB", "yes"),
                tuple(50, "LOG_UNKFAIL_ENAB", "no"),
                tuple(55, "LOG_OK_LOGINS", "no"),
                tuple(61, "SYSLOG_SU_ENAB", "yes"),
                tuple(62, "SYSLOG_SG_ENAB", "yes"),
                tuple(79, "FTMP_FILE", "/var/log/btmp"),
                tuple(87, "SU_NAME", "su"),
                tuple(95, "HUSHLOGIN_FILE", ".hushlogin"),
                tuple(102, "ENV_SUPATH", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                tuple(103, "ENV_PATH", "PATH=/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games"),
                tuple(123, "TTYGROUP", "tty"),
                tuple(124, "TTYPERM", "0600"),
                tuple(149, "ERASECHAR", "0177"),
                tuple(150, "KILLCHAR", "025"),
                tuple(151, "UMASK", "022"),
                tuple(165, "PASS_MAX_DAYS", "99999"),
                tuple(166, "PASS_MIN_DAYS", "0"),
                tuple(167, "PASS_WARN_AGE", "7"),
                tuple(172, "UID_MIN", "1000"),
                tuple(173, "UID_MAX", "60000"),
                tuple(178, "SUB_UID_MIN", "100000"),
                tuple(179, "SUB_UID_MAX", "600100000"),
                tuple(180, "SUB_UID_COUNT", "65536"),
                tuple(185, "GID_MIN", "1000"),
                tuple(186, "GID_MAX", "60000"),
                tuple(191, "SUB_GID_MIN", "100000"),
                tuple(192, "SUB_GID_MAX", "600100000"),
                tuple(193, "SUB_GID_COUNT", "65536"),
                tuple(201, "LOGIN_RETRIES", "5"),
                tuple(206, "LOGIN_TIMEOUT", "60"),
                tuple(214, "CHFN_RESTRICT", "rwh"),
                tuple(220, "DEFAULT_HOME", "yes"),
                tuple(237, "USERGROUPS_ENAB", "yes"),
                tuple(294, "ENCRYPT_METHOD", "SHA512"),
                tuple(332, "NONEXISTENT", "/nonexistent"),
                tuple(346, "PREVENT_NO_AUTH", "superuser"));
        assertThat(snapshot.entries()).allSatisfy(e -> {
            assertThat(e.getAsset()).isEqualTo("web1.example.org");
            assertThat(e.getSource()).isEqualTo("login.defs");
            assertThat(e.getFile()).isEqualTo(file.toString());
            assertThat(e.getScope()).isEmpty();
            assertThat(e.getObservedAt()).isEqualTo(OBSERVED);
        });
        // Commented out in the default: absent, not reported with their example values.
        assertThat(snapshot.entries()).extracting(ConfigEntry::getKey)
                .doesNotContain("SHA_CRYPT_MIN_ROUNDS", "HOME_MODE", "SULOG_FILE", "MAIL_FILE");
    }

    @Test
    void isRegisteredUnderItsSourceName() {
        assertThat(new LoginDefsParser().source()).isEqualTo("login.defs");
        assertThat(ConfigParsers.forSource("login.defs")).get().isInstanceOf(LoginDefsParser.class);
    }

    @Test
    void theLastDefinitionOfAKeyWinsAndIsReportedWhereItStands() throws Exception {
        List<ConfigEntry> entries = parse("""
                PASS_MAX_DAYS 99999
                UMASK 022
                PASS_MAX_DAYS 90
                ENCRYPT_METHOD SHA512
                PASS_MAX_DAYS\t\t60
                """);

        assertThat(rows(entries)).containsExactly(
                tuple(2, "UMASK", "022"),
                tuple(4, "ENCRYPT_METHOD", "SHA512"),
                tuple(5, "PASS_MAX_DAYS", "60"));
    }

    @Test
    void keysAreCaseSensitiveAndUnknownKeysAreKept() throws Exception {
        assertThat(rows(parse("pass_max_days 30\nPASS_MAX_DAYS 90\nALWAYS_SET_PATH yes\n"))).containsExactly(
                tuple(1, "pass_max_days", "30"),
                tuple(2, "PASS_MAX_DAYS", "90"),
                tuple(3, "ALWAYS_SET_PATH", "yes"));
    }

    @Test
    void valuesAreCutAsGetdefCutsThem() throws Exception {
        List<ConfigEntry> entries = parse("""
                ENCRYPT_METHOD "YESCRYPT"
                  ENV_PATH   PATH=/usr/bin:/bin  \t
                UMASK 027 # stricter
                MAIL_DIR "/var/mail" trailing
                SU_NAME ""
                """);

        assertThat(rows(entries)).containsExactly(
                tuple(1, "ENCRYPT_METHOD", "YESCRYPT"),
                tuple(2, "ENV_PATH", "PATH=/usr/bin:/bin"),
                // No trailing comments in login.defs: the tools see "027 # stricter", not 027.
                tuple(3, "UMASK", "027 # stricter"),
                tuple(4, "MAIL_DIR", "/var/mail"),
                tuple(5, "SU_NAME", ""));
    }

    @Test
    void commentsBlankLinesAndCrlfAreIgnored() throws Exception {
        Path file = dir.resolve("login.defs");
        Files.write(file, "# comment\r\n\r\n   # indented\r\n\t\r\nUMASK 077\r\n".getBytes(StandardCharsets.UTF_8));

        assertThat(rows(new LoginDefsParser().parse(file, "web1", OBSERVED).entries()))
                .containsExactly(tuple(5, "UMASK", "077"));
        assertThat(parse("")).isEmpty();
    }

    @Test
    void aKeyWithoutValueIsRejectedWithItsLine() throws Exception {
        Path file = write("UMASK 027\n\nPASS_MAX_DAYS   \n");

        assertThatThrownBy(() -> new LoginDefsParser().parse(file, "web1", OBSERVED))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.getFile()).isEqualTo(file.toString());
                    assertThat(e.getLine()).isEqualTo(3);
                    assertThat(e.getMessage()).isEqualTo(file + ":3: 'PASS_MAX_DAYS' has no value (shadow ignores the line)");
                });
    }

    @Test
    void binaryContentIsRejectedWithItsLine() throws Exception {
        Path file = dir.resolve("login.defs");
        Files.write(file, new byte[] {'U', 'M', 'A', 'S', 'K', ' ', '0', '\n', 'X', 0, '\n'});

        assertThatThrownBy(() -> new LoginDefsParser().parse(file, "web1", OBSERVED))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(file + ":2: NUL byte: binary content, not text");
    }

    private List<ConfigEntry> parse(String content) throws Exception {
        return new LoginDefsParser().parse(write(content), "web1", OBSERVED).entries();
    }

    private Path write(String content) throws Exception {
        return Files.writeString(dir.resolve("login.defs"), content, StandardCharsets.UTF_8);
    }

    private static List<Tuple> rows(List<ConfigEntry> entries) {
        return entries.stream().map(e -> tuple(e.getLine(), e.getKey(), e.getValue())).toList();
    }
}
