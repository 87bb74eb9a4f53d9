package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.UnresolvedInclude;
import io.annexa.ingestion.ConfigParsers;
import io.annexa.ingestion.ConfigSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Files dropped without their host's includes, read by the production parsers as the inbox routes read them and
 * evaluated by the whole shipped library: no verdict from an absent setting, one evidence_incomplete observation.
 */
class IncompleteEvidenceTest {

    private static final Instant AT = Instant.parse("2026-12-01T00:00:00Z");
    private static RuleLibrary library;

    @TempDir
    Path inbox;

    private EvaluationSession session;

    @BeforeAll
    static void loadLibrary() throws RuleLibraryException {
        library = RuleLibrary.load(ProjectFiles.rules(), ControlCatalog.load());
    }

    @BeforeEach
    void open() {
        session = library.newSession(EvaluationSession.Clock.REALTIME);
    }

    @AfterEach
    void close() {
        session.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            sshd_config    | Include /etc/ssh/sshd_config.d/*.conf\\nPermitRootLogin no\\n        | 1 | /etc/ssh/sshd_config.d/*.conf
            rsyslog.conf   | *.* /var/log/syslog\\n$IncludeConfig /etc/rsyslog.d/*.conf\\n       | 2 | /etc/rsyslog.d/*.conf
            sudoers        | Defaults env_reset\\n@includedir /etc/sudoers.d\\n                   | 2 | /etc/sudoers.d
            logrotate.conf | weekly\\ninclude /etc/logrotate.d\\n                               | 2 | /etc/logrotate.d
            chrony.conf    | pool 2.debian.pool.ntp.org iburst\\nconfdir /etc/chrony/conf.d\\n  | 2 | /etc/chrony/conf.d
            """)
    void everyParserWithIncludesSaysWhichIncludeItDidNotRead(String source, String content, int line, String pattern) throws Exception {
        Path file = Files.writeString(inbox.resolve("web1"), content.replace("\\n", "\n"));

        ConfigSnapshot read = ConfigParsers.forSource(source).orElseThrow().parse(file, "web1", AT);

        assertThat(read.unresolved()).extracting(UnresolvedInclude::getAsset, UnresolvedInclude::getSource, UnresolvedInclude::getFile,
                UnresolvedInclude::getLine, UnresolvedInclude::getPattern)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("web1", source, file.toString(), line, pattern));
        assertThat(read.facts()).contains(read.unresolved().get(0));
    }

    @Test
    void aDroppedSshdConfigWithDropInsGetsNoVerdictFromAbsentSettingsButAnObservation() throws Exception {
        // Ubuntu's stock sshd_config: PasswordAuthentication lives in the cloud image's drop-in, not here
        Path file = Files.writeString(inbox.resolve("web1"), "Include /etc/ssh/sshd_config.d/*.conf\nKbdInteractiveAuthentication no\n"
                + "UsePAM yes\nX11Forwarding yes\nPermitRootLogin yes\n");
        read("sshd_config", file);

        List<Finding> findings = List.copyOf(session.fire().findings());

        assertThat(findings).extracting(Finding::getRuleId).doesNotContain("sshd_password_authentication_disabled",
                "sshd_login_grace_time_limited", "sshd_max_auth_tries_limited", "sshd_macs_strong", "sshd_idle_timeout_set");
        // what the file itself says still counts
        assertThat(findings).extracting(Finding::getRuleId).contains("sshd_root_login_disabled", "sshd_x11_forwarding_disabled");
        assertThat(findings).filteredOn(f -> f.getRuleId().equals("evidence_incomplete")).singleElement().satisfies(f -> {
            assertThat(f.getEvidence()).isEqualTo("the sshd_config evidence of web1 is incomplete: " + file
                    + ":1 includes '/etc/ssh/sshd_config.d/*.conf', not read: the file was read without its host's files (a file"
                    + " dropped into an inbox): drop the host's snapshot (inbox/hosts/<asset>/ or <asset>.tar.gz) to have its"
                    + " includes read. Rules that conclude from a setting being absent give no verdict on it until these are read");
            assertThat(f.getControls()).containsExactly("8.16");
            assertThat(f.getSeverity()).isEqualTo(Severity.LOW);
        });
    }

    @Test
    void ubuntusRsyslogConfWithoutItsDropInsRaisesNoFalseHigh() throws Exception {
        // Ubuntu keeps the auth rule in /etc/rsyslog.d/50-default.conf; its rsyslog.conf has none
        Path file = Files.writeString(inbox.resolve("web1"), "module(load=\"imuxsock\")\n$IncludeConfig /etc/rsyslog.d/*.conf\n");
        read("rsyslog.conf", file);

        List<Finding> findings = List.copyOf(session.fire().findings());

        assertThat(findings).extracting(Finding::getRuleId).doesNotContain("rsyslog_auth_logged", "syslog_forwarding_configured")
                .contains("evidence_incomplete");
    }

    @Test
    void aPamServiceWhoseIncludesWereNotDroppedGetsNoLockoutVerdict() throws Exception {
        Path file = Files.writeString(inbox.resolve("web1__sshd"), "@include common-auth\naccount required pam_nologin.so\n");
        read("pam.d", file);

        List<Finding> findings = List.copyOf(session.fire().findings());

        assertThat(findings).extracting(Finding::getRuleId).doesNotContain("pam_faillock_enabled").contains("evidence_incomplete");
        assertThat(findings).filteredOn(f -> f.getRuleId().equals("evidence_incomplete")).extracting(Finding::getEvidence)
                .singleElement().asString().contains("PAM service sshd includes common-auth (" + file + ":1), which was not read");

        Path commonAuth = Files.writeString(inbox.resolve("web1__common-auth"), "auth required pam_unix.so nullok\n");
        read("pam.d", commonAuth);
        List<Finding> complete = List.copyOf(session.fire().findings());
        assertThat(complete).extracting(Finding::getRuleId).contains("pam_faillock_enabled").doesNotContain("evidence_incomplete");
    }

    private void read(String source, Path file) throws Exception {
        ConfigSnapshot read = ConfigParsers.forSource(source).orElseThrow().parse(file, "web1", AT);
        session.replace(new EvidenceKey(source, "web1", "inbox/" + file.getFileName()), read.facts());
    }
}
