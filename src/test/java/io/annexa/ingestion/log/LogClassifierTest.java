package io.annexa.ingestion.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.annexa.evidence.LogEvent;
import io.annexa.evidence.InvalidInputException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LogClassifierTest {

    private static final Instant READ_AT = Instant.parse("2026-01-05T00:00:00Z");

    private final SyslogLineParser parser = new SyslogLineParser(READ_AT, ZoneOffset.UTC);
    private final LogClassifier classifier = new LogClassifier();

    private Classification classify(String line) {
        try {
            SyslogRecord record = parser.parse(line, "test.log", 1);
            return classifier.classify(record.host(), record);
        } catch (InvalidInputException e) {
            throw new AssertionError(e);
        }
    }

    /** The one event the line yields, checked for what every event carries and against the declared vocabulary. */
    private LogEvent event(String line) {
        Classification classification = classify(line);
        assertThat(classification.classified()).as("classified: %s", line).isTrue();
        assertThat(classification.events()).hasSize(1);
        LogEvent event = classification.events().get(0);
        assertThat(event.getRaw()).isEqualTo(line);
        EventVocabularyTest.assertDeclared(event);
        return event;
    }

    private void assertEvent(String line, String kind, Map<String, String> attributes) {
        LogEvent event = event(line);
        assertThat(event.getKind()).isEqualTo(kind);
        assertThat(event.getAttributes()).as(line).isEqualTo(attributes);
    }

    // ---------------------------------------------------------------- OpenSSH_2k.log (real lines)

    @Test
    void carriesAssetTimestampProgramAndRawLine() {
        String line = "Dec 10 06:55:48 LabSZ sshd[24200]: Failed password for invalid user webmaster "
                + "from 173.234.31.186 port 38926 ssh2";

        LogEvent event = event(line);

        assertThat(event.getAsset()).isEqualTo("labsz");
        assertThat(event.getTimestamp()).isEqualTo(Instant.parse("2025-12-10T06:55:48Z"));
        assertThat(event.getProgram()).isEqualTo("sshd");
        assertThat(event.getRaw()).isEqualTo(line);
    }

    @Test
    void sshdPasswordFailureForAnInvalidUser() {
        assertEvent("Dec 10 06:55:48 LabSZ sshd[24200]: Failed password for invalid user webmaster "
                        + "from 173.234.31.186 port 38926 ssh2", "auth_failure",
                Map.of("user", "webmaster", "source_ip", "173.234.31.186", "port", "38926", "method", "password",
                        "invalid_user", "true", "service", "sshd", "reported_by", "sshd"));
    }

    @Test
    void sshdPasswordFailureForAnExistingUser() {
        assertEvent("Dec 10 07:13:43 LabSZ sshd[24227]: Failed password for root from 5.36.59.76 port 42393 ssh2",
                "auth_failure", Map.of("user", "root", "source_ip", "5.36.59.76", "port", "42393",
                        "method", "password", "invalid_user", "false", "service", "sshd", "reported_by", "sshd"));
    }

    @Test
    void sshdFailureOfTheNoneMethod() {
        assertEvent("Dec 10 08:24:40 LabSZ sshd[24363]: Failed none for invalid user 0 from 5.188.10.180 "
                        + "port 49811 ssh2", "auth_failure",
                Map.of("user", "0", "source_ip", "5.188.10.180", "port", "49811", "method", "none",
                        "invalid_user", "true", "service", "sshd", "reported_by", "sshd"));
    }

    @Test
    void keepsAUserNameWithALeadingSpaceVerbatim() {
        // sshd logs "Invalid user %s from": two spaces mean the attacker tried the name " 0101"
        assertEvent("Dec 10 08:24:32 LabSZ sshd[24361]: Invalid user  0101 from 5.188.10.180", "invalid_user",
                Map.of("user", " 0101", "source_ip", "5.188.10.180"));
        assertEvent("Dec 10 08:24:32 LabSZ sshd[24361]: input_userauth_request: invalid user  0101 [preauth]",
                "invalid_user", Map.of("user", " 0101", "preauth", "true"));
        assertEvent("Dec 10 08:24:35 LabSZ sshd[24361]: Failed password for invalid user  0101 "
                        + "from 5.188.10.180 port 36279 ssh2", "auth_failure",
                Map.of("user", " 0101", "source_ip", "5.188.10.180", "port", "36279", "method", "password",
                        "invalid_user", "true", "service", "sshd", "reported_by", "sshd"));
    }

    @Test
    void pamAuthenticationFailureWithHostNameAndUser() {
        assertEvent("Dec 10 07:13:31 LabSZ sshd[24227]: pam_unix(sshd:auth): authentication failure; logname= "
                        + "uid=0 euid=0 tty=ssh ruser= rhost=5.36.59.76.dynamic-dsl-ip.omantel.net.om  user=root",
                "auth_failure", Map.of("service", "sshd", "reported_by", "pam_unix", "method", "password",
                        "tty", "ssh", "source_host", "5.36.59.76.dynamic-dsl-ip.omantel.net.om", "user", "root"));
    }

    @Test
    void pamAuthenticationFailureWithoutUser() {
        assertEvent("Dec 10 06:55:46 LabSZ sshd[24200]: pam_unix(sshd:auth): authentication failure; logname= "
                        + "uid=0 euid=0 tty=ssh ruser= rhost=173.234.31.186 ", "auth_failure",
                Map.of("service", "sshd", "reported_by", "pam_unix", "method", "password", "tty", "ssh",
                        "source_ip", "173.234.31.186"));
    }

    @Test
    void authenticationLimits() {
        assertEvent("Dec 10 07:13:56 LabSZ sshd[24227]: PAM 5 more authentication failures; logname= uid=0 euid=0 "
                        + "tty=ssh ruser= rhost=5.36.59.76.dynamic-dsl-ip.omantel.net.om  user=root",
                "auth_failure_limit", Map.of("count", "5", "service", "sshd", "reported_by", "pam", "user", "root",
                        "source_host", "5.36.59.76.dynamic-dsl-ip.omantel.net.om"));
        assertEvent("Dec 10 07:13:56 LabSZ sshd[24227]: Disconnecting: Too many authentication failures for root "
                + "[preauth]", "auth_failure_limit",
                Map.of("user", "root", "service", "sshd", "reported_by", "sshd", "preauth", "true"));
    }

    @Test
    void invalidUserWithoutPort() {
        assertEvent("Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186",
                "invalid_user", Map.of("user", "webmaster", "source_ip", "173.234.31.186"));
        assertEvent("Dec 10 06:55:46 LabSZ sshd[24200]: input_userauth_request: invalid user webmaster [preauth]",
                "invalid_user", Map.of("user", "webmaster", "preauth", "true"));
    }

    @Test
    void sshdLoginAndItsSession() {
        assertEvent("Dec 10 09:32:20 LabSZ sshd[24680]: Accepted password for fztu from 119.137.62.142 "
                        + "port 49116 ssh2", "auth_success",
                Map.of("user", "fztu", "source_ip", "119.137.62.142", "port", "49116", "method", "password",
                        "service", "sshd"));
        assertEvent("Dec 10 09:32:20 LabSZ sshd[24680]: pam_unix(sshd:session): session opened for user fztu "
                + "by (uid=0)", "session_opened", Map.of("service", "sshd", "user", "fztu", "by_uid", "0"));
        assertEvent("Dec 10 09:45:06 LabSZ sshd[24680]: pam_unix(sshd:session): session closed for user fztu",
                "session_closed", Map.of("service", "sshd", "user", "fztu"));
    }

    @Test
    void disconnects() {
        assertEvent("Dec 10 07:07:45 LabSZ sshd[24206]: Received disconnect from 52.80.34.196: 11: Bye Bye "
                        + "[preauth]", "disconnect",
                Map.of("source_ip", "52.80.34.196", "code", "11", "reason", "Bye Bye", "preauth", "true"));
        assertEvent("Dec 10 07:51:15 LabSZ sshd[24324]: error: Received disconnect from 195.154.37.122: 3: "
                        + "com.jcraft.jsch.JSchException: Auth fail [preauth]", "disconnect",
                Map.of("source_ip", "195.154.37.122", "code", "3",
                        "reason", "com.jcraft.jsch.JSchException: Auth fail", "preauth", "true"));
        assertEvent("Dec 10 09:45:06 LabSZ sshd[24761]: Received disconnect from 119.137.62.142: 11: disconnected "
                        + "by user", "disconnect",
                Map.of("source_ip", "119.137.62.142", "code", "11", "reason", "disconnected by user",
                        "preauth", "false"));
    }

    @Test
    void connectionClosedWithoutPort() {
        assertEvent("Dec 10 06:55:48 LabSZ sshd[24200]: Connection closed by 173.234.31.186 [preauth]",
                "connection_closed", Map.of("source_ip", "173.234.31.186", "preauth", "true"));
    }

    @Test
    void possibleBreakIn() {
        assertEvent("Dec 10 06:55:46 LabSZ sshd[24200]: reverse mapping checking getaddrinfo for "
                        + "ns.marryaldkfaczcz.com [173.234.31.186] failed - POSSIBLE BREAK-IN ATTEMPT!",
                "possible_break_in", Map.of("source_ip", "173.234.31.186", "hostname", "ns.marryaldkfaczcz.com"));
    }

    @Test
    void scannerThatNeverSpokeSsh() {
        assertEvent("Dec 10 07:34:33 LabSZ sshd[24301]: Did not receive identification string from 123.235.32.19",
                "connection_probe", Map.of("source_ip", "123.235.32.19", "reason", "no_identification",
                        "preauth", "false"));
    }

    @Test
    void messageRepeatedIsOneEventCarryingItsCount() {
        String line = "Dec 10 07:13:56 LabSZ sshd[24227]: message repeated 5 times: [ Failed password for root "
                + "from 5.36.59.76 port 42393 ssh2]";

        Classification classification = classify(line);

        assertThat(classification.classified()).isTrue();
        assertThat(classification.events()).singleElement().satisfies(event -> {
            assertThat(event.getRepeat()).isEqualTo(5);
            assertThat(event.getKind()).isEqualTo("auth_failure");
            assertThat(event.getTimestamp()).isEqualTo(Instant.parse("2025-12-10T07:13:56Z"));
            assertThat(event.getRaw()).isEqualTo(line);
            assertThat(event.getAttributes()).isEqualTo(Map.of("user", "root", "source_ip", "5.36.59.76",
                    "port", "42393", "method", "password", "invalid_user", "false", "service", "sshd",
                    "reported_by", "sshd"));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "Dec 10 06:55:46 LabSZ sshd[24200]: pam_unix(sshd:auth): check pass; user unknown",
            "Dec 10 07:13:56 LabSZ sshd[24227]: PAM service(sshd) ignoring max retries; 6 > 3",
            "Dec 10 11:03:53 LabSZ sshd[25457]: fatal: Write failed: Connection reset by peer [preauth]",
            "Jul 27 14:41:57 combo kernel: klogd 1.4.1, log source = /proc/kmsg started.",
            "Jun 30 20:53:04 combo klogind[19272]: Kerberos authentication failed ",
            "Jun 14 15:16:02 combo sshd(pam_unix)[19937]: check pass; user unknown",
            "Jul 25 23:23:13 combo ftpd[26463]: getpeername (ftpd): Transport endpoint is not connected",
            "Jun 19 04:09:02 combo last message repeated 2 times",
            "Dec 10 07:13:56 LabSZ sshd[24227]: message repeated 3 times: [ fatal: Write failed]",
            "Dec 10 07:13:56 LabSZ sshd[24227]: message repeated many times: [ Failed password for root]",
            "Dec 10 07:13:56 LabSZ cupsd[2]: Scheduler shutting down normally.",
            "Dec 10 07:13:56 LabSZ sshd[1]: ",
            "Dec 10 07:13:56 LabSZ sudo[1]:   alice : unable to resolve host web1"})
    void unclassifiedLinesYieldNoEvents(String line) {
        Classification classification = classify(line);

        assertThat(classification.classified()).isFalse();
        assertThat(classification.events()).isEmpty();
    }

    // ---------------------------------------------------------------- Linux_2k.log (real lines)

    @Test
    void oldPamFormatNamesTheServiceInTheTag() {
        assertEvent("Jun 15 02:04:59 combo sshd(pam_unix)[20882]: authentication failure; logname= uid=0 euid=0 "
                        + "tty=NODEVssh ruser= rhost=220-135-151-1.hinet-ip.hinet.net  user=root", "auth_failure",
                Map.of("service", "sshd", "reported_by", "pam_unix", "method", "password", "tty", "NODEVssh",
                        "source_host", "220-135-151-1.hinet-ip.hinet.net", "user", "root"));
        assertEvent("Jul 11 11:33:13 combo gdm(pam_unix)[2803]: authentication failure; logname= uid=0 euid=0 "
                        + "tty=:0 ruser= rhost= ", "auth_failure",
                Map.of("service", "gdm", "reported_by", "pam_unix", "method", "password", "tty", ":0"));
    }

    @Test
    void pamSessionsOfOtherServices() {
        assertEvent("Jun 15 04:06:18 combo su(pam_unix)[21416]: session opened for user cyrus by (uid=0)",
                "session_opened", Map.of("service", "su", "user", "cyrus", "by_uid", "0"));
        assertEvent("Jun 15 04:06:19 combo su(pam_unix)[21416]: session closed for user cyrus",
                "session_closed", Map.of("service", "su", "user", "cyrus"));
        assertEvent("Jul  7 08:06:15 combo login(pam_unix)[2421]: session opened for user root by LOGIN(uid=0)",
                "session_opened", Map.of("service", "login", "user", "root", "by_user", "LOGIN", "by_uid", "0"));
        assertEvent("Jun 17 20:29:26 combo sshd(pam_unix)[30631]: session opened for user test by (uid=509)",
                "session_opened", Map.of("service", "sshd", "user", "test", "by_uid", "509"));
    }

    @Test
    void ftpConnectionsAndLogins() {
        assertEvent("Jun 17 20:55:06 combo ftpd[30755]: connection from 82.252.162.81 "
                        + "(lns-vlq-45-tou-82-252-162-81.adsl.proxad.net) at Fri Jun 17 20:55:06 2005 ",
                "connection_opened", Map.of("service", "ftpd", "source_ip", "82.252.162.81",
                        "hostname", "lns-vlq-45-tou-82-252-162-81.adsl.proxad.net"));
        assertEvent("Jun 20 03:40:59 combo ftpd[8829]: connection from 222.33.90.199 () at Mon Jun 20 03:40:59 2005 ",
                "connection_opened", Map.of("service", "ftpd", "source_ip", "222.33.90.199"));
        assertEvent("Jul 24 02:38:23 combo ftpd[16781]: ANONYMOUS FTP LOGIN FROM 84.102.20.2,  (anonymous)",
                "auth_success", Map.of("service", "ftpd", "user", "anonymous", "source_ip", "84.102.20.2",
                        "method", "anonymous"));
    }

    @Test
    void consoleRootLoginUnderLoginsArgv0Tag() {
        assertEvent("Jul  7 08:06:15 combo  -- root[2421]: ROOT LOGIN ON tty2", "auth_success",
                Map.of("service", "login", "user", "root", "tty", "tty2"));
    }

    @Test
    void kerberosLoginFailure() {
        assertEvent("Jun 30 20:53:04 combo klogind[19272]: Authentication failed from 163.27.187.39 (163.27.187.39): "
                        + "Permission denied in replay cache code ", "auth_failure",
                Map.of("service", "klogind", "reported_by", "klogind", "source_ip", "163.27.187.39",
                        "reason", "Permission denied in replay cache code"));
    }

    @Test
    void logrotateFailureAndServiceStates() {
        assertEvent("Jun 15 04:06:20 combo logrotate: ALERT exited abnormally with [1]", "job_failure",
                Map.of("job", "logrotate", "detail", "exited abnormally with [1]"));
        assertEvent("Jun 19 04:09:02 combo cups: cupsd startup succeeded", "service_state",
                Map.of("unit", "cupsd", "state", "started"));
        assertEvent("Jun 19 04:08:57 combo cups: cupsd shutdown succeeded", "service_state",
                Map.of("unit", "cupsd", "state", "stopped"));
        assertEvent("Jun 19 04:09:11 combo syslogd 1.4.1: restart.", "service_state",
                Map.of("unit", "syslogd", "state", "restarted"));
    }

    // ---------------------------------------------------------------- formats the corpus lacks, as the programs write them

    @Test
    void emptyUserName() {
        assertEvent("Dec 10 08:24:32 LabSZ sshd[1]: Invalid user  from 1.2.3.4", "invalid_user",
                Map.of("user", "", "source_ip", "1.2.3.4"));
        assertEvent("Dec 10 08:24:32 LabSZ sshd[1]: Invalid user  from 1.2.3.4 port 2222", "invalid_user",
                Map.of("user", "", "source_ip", "1.2.3.4", "port", "2222"));
        assertEvent("Dec 10 08:24:32 LabSZ sshd[1]: Failed password for invalid user  from 1.2.3.4 port 22 ssh2",
                "auth_failure", Map.of("user", "", "source_ip", "1.2.3.4", "port", "22", "method", "password",
                        "invalid_user", "true", "service", "sshd", "reported_by", "sshd"));
        assertEvent("Dec 10 08:24:32 LabSZ sshd[1]: input_userauth_request: invalid user  [preauth]",
                "invalid_user", Map.of("user", "", "preauth", "true"));
    }

    @Test
    void ipv6Addresses() {
        assertEvent("Dec 10 08:24:32 LabSZ sshd[1]: Failed password for alice from 2001:db8::7 port 50022 ssh2",
                "auth_failure", Map.of("user", "alice", "source_ip", "2001:db8::7", "port", "50022",
                        "method", "password", "invalid_user", "false", "service", "sshd", "reported_by", "sshd"));
        assertEvent("Dec 10 08:24:32 LabSZ sshd[1]: Invalid user admin from fe80::1%eth0 port 22", "invalid_user",
                Map.of("user", "admin", "source_ip", "fe80::1%eth0", "port", "22"));
        // before OpenSSH 7.3 the address is followed by a colon: the last colon of "2001:db8:::" ends it
        assertEvent("Dec 10 08:24:32 LabSZ sshd[1]: Received disconnect from 2001:db8::: 11: Bye Bye [preauth]",
                "disconnect", Map.of("source_ip", "2001:db8::", "code", "11", "reason", "Bye Bye",
                        "preauth", "true"));
        assertEvent("Dec 10 08:24:32 LabSZ sshd[1]: Connection closed by ::1 port 41000 [preauth]",
                "connection_closed", Map.of("source_ip", "::1", "port", "41000", "preauth", "true"));
    }

    @Test
    void newerOpenSshFormats() {
        assertEvent("Dec 10 08:24:32 web1 sshd[1]: Received disconnect from 139.59.1.2 port 38112:11: Bye Bye "
                        + "[preauth]", "disconnect",
                Map.of("source_ip", "139.59.1.2", "port", "38112", "code", "11", "reason", "Bye Bye",
                        "preauth", "true"));
        assertEvent("Dec 10 08:24:32 web1 sshd[1]: Disconnected from invalid user oracle 139.59.1.2 port 38112 "
                        + "[preauth]", "disconnect",
                Map.of("user", "oracle", "invalid_user", "true", "source_ip", "139.59.1.2", "port", "38112",
                        "preauth", "true"));
        assertEvent("Dec 10 08:24:32 web1 sshd[1]: Disconnected from user alice 10.0.0.5 port 50000",
                "disconnect", Map.of("user", "alice", "invalid_user", "false", "source_ip", "10.0.0.5",
                        "port", "50000", "preauth", "false"));
        assertEvent("Dec 10 08:24:32 web1 sshd[1]: Connection closed by authenticating user root 139.59.1.2 "
                        + "port 38112 [preauth]", "connection_closed",
                Map.of("user", "root", "invalid_user", "false", "source_ip", "139.59.1.2", "port", "38112",
                        "preauth", "true"));
        assertEvent("Dec 10 08:24:32 web1 sshd[1]: Connection reset by 139.59.1.2 port 38112 [preauth]",
                "connection_closed", Map.of("source_ip", "139.59.1.2", "port", "38112", "reason", "reset",
                        "preauth", "true"));
        assertEvent("Dec 10 08:24:32 web1 sshd[1]: error: maximum authentication attempts exceeded for invalid "
                        + "user admin from 139.59.1.2 port 38112 ssh2 [preauth]", "auth_failure_limit",
                Map.of("user", "admin", "invalid_user", "true", "source_ip", "139.59.1.2", "port", "38112",
                        "service", "sshd", "reported_by", "sshd", "preauth", "true"));
        assertEvent("Dec 10 08:24:32 web1 sshd[1]: Disconnecting authenticating user root 139.59.1.2 port 38112: "
                        + "Too many authentication failures [preauth]", "auth_failure_limit",
                Map.of("user", "root", "invalid_user", "false", "source_ip", "139.59.1.2", "port", "38112",
                        "service", "sshd", "reported_by", "sshd", "preauth", "true"));
        assertEvent("Dec 10 08:24:32 web1 sshd-session[1]: Failed publickey for git from 10.0.0.9 port 4022 ssh2: "
                        + "ED25519 SHA256:2b8Qx+Y", "auth_failure",
                Map.of("user", "git", "source_ip", "10.0.0.9", "port", "4022", "method", "publickey",
                        "invalid_user", "false", "service", "sshd", "reported_by", "sshd"));
        assertEvent("Dec 10 08:24:32 web1 sshd[1]: Accepted keyboard-interactive/pam for bob from 10.0.0.9 "
                        + "port 4022 ssh2", "auth_success",
                Map.of("user", "bob", "source_ip", "10.0.0.9", "port", "4022", "method", "keyboard-interactive",
                        "service", "sshd"));
        assertEvent("Dec 10 08:24:32 web1 sshd[1]: Address 10.1.2.3 maps to evil.example, but this does not map "
                        + "back to the address - POSSIBLE BREAK-IN ATTEMPT!", "possible_break_in",
                Map.of("source_ip", "10.1.2.3", "hostname", "evil.example"));
        assertEvent("Dec 10 08:24:32 web1 sshd[1]: Bad protocol version identification 'GET / HTTP/1.1' "
                        + "from 10.1.2.3 port 4444", "connection_probe",
                Map.of("source_ip", "10.1.2.3", "port", "4444", "reason", "bad_protocol_version",
                        "preauth", "false"));
        assertEvent("Dec 10 08:24:32 web1 sshd[1]: Unable to negotiate with 10.1.2.3 port 4444: no matching key "
                        + "exchange method found. Their offer: diffie-hellman-group1-sha1 [preauth]",
                "connection_probe", Map.of("source_ip", "10.1.2.3", "port", "4444",
                        "reason", "unable_to_negotiate", "preauth", "true"));
    }

    @Test
    void sshdStartAndStop() {
        assertEvent("Dec 10 08:24:32 web1 sshd[800]: Server listening on 0.0.0.0 port 22.", "service_state",
                Map.of("unit", "sshd", "state", "started", "address", "0.0.0.0", "port", "22"));
        assertEvent("Dec 10 08:24:32 web1 sshd[800]: Server listening on :: port 2222.", "service_state",
                Map.of("unit", "sshd", "state", "started", "address", "::", "port", "2222"));
        assertEvent("Dec 10 08:24:32 web1 sshd[800]: Received signal 15; terminating.", "service_state",
                Map.of("unit", "sshd", "state", "stopped"));
    }

    @Test
    void sudoCommandsAndRefusals() {
        assertEvent("Dec 10 08:24:32 web1 sudo[9]:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; "
                        + "COMMAND=/usr/bin/id", "privilege_use",
                Map.of("service", "sudo", "user", "alice", "tty", "pts/0", "pwd", "/home/alice",
                        "target_user", "root", "command", "/usr/bin/id", "success", "true"));
        assertEvent("Dec 10 08:24:32 web1 sudo[9]:    alice : 3 incorrect password attempts ; TTY=pts/0 ; "
                        + "PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/tail -n 5 /var/log/auth.log ; echo",
                "privilege_use", Map.of("service", "sudo", "user", "alice", "tty", "pts/0", "pwd", "/home/alice",
                        "target_user", "root", "command", "/usr/bin/tail -n 5 /var/log/auth.log ; echo",
                        "success", "false", "reason", "3 incorrect password attempts"));
        assertEvent("Dec 10 08:24:32 web1 sudo[9]:      bob : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/bob ; "
                        + "USER=root ; COMMAND=/bin/ls /root", "privilege_use",
                Map.of("service", "sudo", "user", "bob", "tty", "pts/1", "pwd", "/home/bob", "target_user", "root",
                        "command", "/bin/ls /root", "success", "false", "reason", "user NOT in sudoers"));
        assertEvent("Dec 10 08:24:32 web1 sudo[9]: pam_unix(sudo:session): session opened for user root(uid=0) "
                        + "by alice(uid=1000)", "session_opened",
                Map.of("service", "sudo", "user", "root", "uid", "0", "by_user", "alice", "by_uid", "1000"));
        assertEvent("Dec 10 08:24:32 web1 sudo[9]: pam_unix(sudo:auth): authentication failure; logname=alice "
                        + "uid=1000 euid=0 tty=/dev/pts/0 ruser=alice rhost=  user=alice", "auth_failure",
                Map.of("service", "sudo", "reported_by", "pam_unix", "method", "password", "tty", "/dev/pts/0",
                        "by_user", "alice", "user", "alice"));
    }

    @Test
    void suSwitchesAndFailures() {
        assertEvent("Dec 10 08:24:32 web1 su[9]: (to root) alice on pts/0", "privilege_use",
                Map.of("service", "su", "user", "alice", "target_user", "root", "tty", "pts/0",
                        "success", "true"));
        assertEvent("Dec 10 08:24:32 web1 su[9]: FAILED SU (to root) alice on pts/0", "privilege_use",
                Map.of("service", "su", "user", "alice", "target_user", "root", "tty", "pts/0",
                        "success", "false"));
        assertEvent("Dec 10 08:24:32 web1 su[9]: Successful su for postgres by root", "privilege_use",
                Map.of("service", "su", "user", "root", "target_user", "postgres", "success", "true"));
        assertEvent("Dec 10 08:24:32 web1 su[9]: FAILED su for root by alice", "privilege_use",
                Map.of("service", "su", "user", "alice", "target_user", "root", "success", "false"));
        assertEvent("Dec 10 08:24:32 web1 su[9]: pam_unix(su:auth): authentication failure; logname=alice "
                        + "uid=1000 euid=0 tty=pts/0 ruser=alice rhost=  user=root", "auth_failure",
                Map.of("service", "su", "reported_by", "pam_unix", "method", "password", "tty", "pts/0",
                        "by_user", "alice", "user", "root"));
        assertEvent("Dec 10 08:24:32 web1 su[9]: pam_unix(su-l:session): session opened for user root(uid=0) "
                + "by alice(uid=1000)", "session_opened",
                Map.of("service", "su-l", "user", "root", "uid", "0", "by_user", "alice", "by_uid", "1000"));
    }

    @Test
    void accountChanges() {
        assertEvent("Dec 10 08:24:32 web1 useradd[9]: new user: name=bob, UID=1001, GID=1001, home=/home/bob, "
                        + "shell=/bin/bash, from=/dev/pts/0", "account_change",
                Map.of("service", "useradd", "action", "create_user", "user", "bob", "uid", "1001", "gid", "1001",
                        "home", "/home/bob", "shell", "/bin/bash"));
        assertEvent("Dec 10 08:24:32 web1 groupadd[9]: new group: name=devs, GID=1002", "account_change",
                Map.of("service", "groupadd", "action", "create_group", "group", "devs", "gid", "1002"));
        assertEvent("Dec 10 08:24:32 web1 usermod[9]: add 'bob' to group 'sudo'", "account_change",
                Map.of("service", "usermod", "action", "add_to_group", "user", "bob", "group", "sudo"));
        assertEvent("Dec 10 08:24:32 web1 userdel[9]: delete user 'bob'", "account_change",
                Map.of("service", "userdel", "action", "delete_user", "user", "bob"));
        assertEvent("Dec 10 08:24:32 web1 userdel[9]: delete `bob' from group `sudo'", "account_change",
                Map.of("service", "userdel", "action", "remove_from_group", "user", "bob", "group", "sudo"));
        assertEvent("Dec 10 08:24:32 web1 userdel[9]: removed group 'bob' owned by 'bob'", "account_change",
                Map.of("service", "userdel", "action", "delete_group", "group", "bob", "user", "bob"));
        assertEvent("Dec 10 08:24:32 web1 groupdel[9]: group 'devs' removed", "account_change",
                Map.of("service", "groupdel", "action", "delete_group", "group", "devs"));
        assertEvent("Dec 10 08:24:32 web1 usermod[9]: change user 'bob' shell from '/bin/sh' to '/bin/bash'",
                "account_change", Map.of("service", "usermod", "action", "modify_user", "user", "bob",
                        "detail", "change user 'bob' shell from '/bin/sh' to '/bin/bash'"));
        assertEvent("Dec 10 08:24:32 web1 usermod[9]: lock user 'bob' password", "account_change",
                Map.of("service", "usermod", "action", "lock_user", "user", "bob"));
        assertEvent("Dec 10 08:24:32 web1 passwd[9]: pam_unix(passwd:chauthtok): password changed for bob",
                "account_change", Map.of("service", "passwd", "reported_by", "pam_unix",
                        "action", "change_password", "user", "bob"));
        assertEvent("Dec 10 08:24:32 web1 chpasswd[9]: pam_unix(chpasswd:chauthtok): password changed for carol",
                "account_change", Map.of("service", "chpasswd", "reported_by", "pam_unix",
                        "action", "change_password", "user", "carol"));
        assertEvent("Dec 10 08:24:32 web1 passwd[9]: password for 'bob' changed by 'root'", "account_change",
                Map.of("service", "passwd", "action", "change_password", "user", "bob", "by_user", "root"));
        assertEvent("Dec 10 08:24:32 web1 gpasswd[9]: user bob added by root to group docker", "account_change",
                Map.of("service", "gpasswd", "action", "add_to_group", "user", "bob", "by_user", "root",
                        "group", "docker"));
    }

    @Test
    void shadowsSecondCopyOfAGroupChangeIsNotCountedTwice() {
        assertThat(classify("Dec 10 08:24:32 web1 usermod[9]: add 'bob' to shadow group 'sudo'").classified())
                .isFalse();
        assertThat(classify("Dec 10 08:24:32 web1 groupadd[9]: group added to /etc/group: name=devs, GID=1002")
                .classified()).isFalse();
    }

    @Test
    void systemdUnits() {
        assertEvent("Dec 10 08:24:32 web1 systemd[1]: Started apt-daily.service - Daily apt download activities.",
                "service_state", Map.of("unit", "apt-daily.service", "description", "Daily apt download activities",
                        "state", "started"));
        assertEvent("Dec 10 08:24:32 web1 systemd[1]: Started Session 5 of user alice.", "service_state",
                Map.of("unit", "Session 5 of user alice", "state", "started"));
        assertEvent("Dec 10 08:24:32 web1 systemd[1]: Stopped OpenBSD Secure Shell server.", "service_state",
                Map.of("unit", "OpenBSD Secure Shell server", "state", "stopped"));
        assertEvent("Dec 10 08:24:32 web1 systemd[1]: nginx.service: Failed with result 'exit-code'.",
                "service_state", Map.of("unit", "nginx.service", "state", "failed", "result", "exit-code"));
        assertEvent("Dec 10 08:24:32 web1 systemd[1]: Failed to start A high performance web server and a reverse "
                + "proxy server.", "service_state",
                Map.of("unit", "A high performance web server and a reverse proxy server", "state", "failed"));
        assertEvent("Dec 10 08:24:32 web1 systemd[1]: Finished logrotate.service - Rotate log files.",
                "service_state", Map.of("unit", "logrotate.service", "description", "Rotate log files",
                        "state", "finished"));
        assertEvent("Dec 10 08:24:32 web1 systemd[1]: pam_unix(systemd-user:session): session opened for user "
                + "alice(uid=1000) by (uid=0)", "session_opened",
                Map.of("service", "systemd-user", "user", "alice", "uid", "1000", "by_uid", "0"));
    }

    @Test
    void scheduledJobFailures() {
        assertEvent("Dec 10 08:24:32 web1 cron[512]: (CRON) error (grandchild #2493 failed with exit status 1)",
                "job_failure", Map.of("job", "cron", "detail", "error (grandchild #2493 failed with exit status 1)"));
        assertEvent("Dec 10 08:24:32 web1 CRON[7]: (root) ERROR (getpwnam() failed)", "job_failure",
                Map.of("job", "cron", "user", "root", "detail", "ERROR (getpwnam() failed)"));
        assertEvent("Dec 10 08:24:32 web1 anacron[7]: Job `cron.daily' terminated (exit status: 1) (mailing output)",
                "job_failure", Map.of("job", "cron.daily", "detail", "(exit status: 1) (mailing output)"));
        assertEvent("Dec 10 08:24:32 web1 anacron[7]: Job `cron.weekly' terminated due to signal 9", "job_failure",
                Map.of("job", "cron.weekly", "detail", "due to signal 9"));
        assertEvent("Dec 10 08:24:32 web1 logrotate[7]: error: skipping \"/var/log/app.log\" because parent "
                        + "directory has insecure permissions", "job_failure",
                Map.of("job", "logrotate", "detail",
                        "skipping \"/var/log/app.log\" because parent directory has insecure permissions"));
        assertEvent("Dec 10 08:24:32 web1 CRON[7]: pam_unix(cron:session): session opened for user root by (uid=0)",
                "session_opened", Map.of("service", "cron", "user", "root", "by_uid", "0"));

        assertThat(classify("Dec 10 08:24:32 web1 CRON[7]: (root) CMD (run-parts /etc/cron.hourly)").classified())
                .isFalse();
        assertThat(classify("Dec 10 08:24:32 web1 anacron[7]: Job `cron.daily' terminated").classified()).isFalse();
    }

    @Test
    void rejectsAnEmptyAsset() {
        SyslogRecord record = new SyslogRecord(READ_AT, "h", "sshd", "1", "Accepted password for a from 1.2.3.4 "
                + "port 1 ssh2", "raw");

        assertThatThrownBy(() -> classifier.classify(" ", record)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void capsAForgedRepeatCountAndNeverExpandsIt() {
        Classification classification = classify("Dec 10 07:13:56 LabSZ sshd[1]: message repeated 999999999999 "
                + "times: [ Failed password for root from 5.36.59.76 port 42393 ssh2]");

        assertThat(classification.events()).singleElement()
                .satisfies(event -> assertThat(event.getRepeat()).isEqualTo(LogClassifier.MAX_REPEATS));
    }

    @Test
    void aHundredThousandRepeatsCostOneEvent() {
        Classification classification = classify("Dec 10 07:13:56 LabSZ sshd[1]: message repeated 100000 "
                + "times: [ Failed password for root from 1.2.3.4 port 22 ssh2]");

        assertThat(classification.events()).hasSize(1);
        assertThat(classification.events().get(0).getRepeat()).isEqualTo(100_000);
    }

    // ---------------------------------------------------------------- the whole corpus

    /**
     * Every line of the loghub files through parser and classifier. The expected numbers were counted with grep
     * on the files, independently of this code (the commands are next to each number); a line either yields
     * events or is counted unclassified.
     */
    @Nested
    class OnTheLoghubCorpus {

        @Test
        void openSsh() throws Exception {
            Tally tally = Tally.of("OpenSSH_2k.log");

            assertThat(tally.lines).isEqualTo(2000);
            assertThat(tally.eventsByKind).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                    // grep -cE 'sshd\[[0-9]+\]: Failed (password|none|publickey|keyboard-interactive[^ ]*) for ' = 522
                    // + 2 lines 'message repeated 5 times: \[ Failed ' x 5 = 10
                    // + grep -cF 'pam_unix(sshd:auth): authentication failure; ' = 494
                    entry("auth_failure", 522 + 2 * 5 + 494),
                    // 'Disconnecting: Too many authentication failures' = 3, 'PAM [0-9]+ more authentication failures?;' = 10
                    entry("auth_failure_limit", 3 + 10),
                    // 'sshd\[[0-9]+\]: Invalid user ' = 113, 'input_userauth_request: invalid user ' = 113
                    entry("invalid_user", 113 + 113),
                    entry("auth_success", 1), // 'sshd\[[0-9]+\]: Accepted '
                    entry("session_opened", 1), // 'pam_unix(sshd:session): session opened for user '
                    entry("session_closed", 1),
                    entry("disconnect", 468), // 'sshd\[[0-9]+\]: (error: )?Received disconnect from '
                    entry("connection_closed", 34), // 'sshd\[[0-9]+\]: Connection closed by '
                    // 'reverse mapping checking getaddrinfo for .* failed - POSSIBLE BREAK-IN ATTEMPT!'
                    entry("possible_break_in", 85),
                    entry("connection_probe", 10))); // 'Did not receive identification string from '
            // the two kinds of auth_failure report the same attempts twice: sshd's lines and PAM's
            assertThat(tally.reporters).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "auth_failure/sshd", 522 + 10, "auth_failure/pam_unix", 494,
                    "auth_failure_limit/sshd", 3, "auth_failure_limit/pam", 10));
            // 'check pass; user unknown' = 135, 'PAM service\(sshd\) ignoring max retries' = 7, 'fatal: ' = 1
            assertThat(tally.unclassified).isEqualTo(135 + 7 + 1);
            assertThat(tally.unclassified * 100.0 / tally.lines).isLessThan(7.5);
            assertThat(tally.invalid).isZero();
        }

        @Test
        void linux() throws Exception {
            Tally tally = Tally.of("Linux_2k.log");

            assertThat(tally.lines).isEqualTo(2000);
            assertThat(tally.eventsByKind).containsExactlyInAnyOrderEntriesOf(Map.of(
                    // ' [a-z]+\(pam_unix\)\[[0-9]+\]: authentication failure; ' = 490 (489 sshd, 1 gdm)
                    // + ' klogind\[[0-9]+\]: Authentication failed from ' = 23
                    "auth_failure", 490 + 23,
                    "session_opened", 123, // ' [a-z]+\(pam_unix\)\[[0-9]+\]: session opened for user '
                    "session_closed", 123,
                    "connection_opened", 909, // ' ftpd\[[0-9]+\]: connection from '
                    "auth_success", 2 + 1, // ' ftpd\[[0-9]+\]: ANONYMOUS FTP LOGIN FROM ', ' ROOT LOGIN ON '
                    "job_failure", 43, // ' logrotate: ALERT exited abnormally'
                    // ': [^ ]+ (startup|shutdown) (succeeded|failed) *.$' = 20, ' syslogd 1\.4\.1: restart\.' = 7
                    "service_state", 20 + 7));
            // kernel 76, 'check pass; user unknown' 117, 'Kerberos authentication failed' 23, ftpd getpeername and
            // 'User unknown timed out' 5, and 38 lines of named, udev, xinetd, snmpd, sysctl, sdpd, rpc.statd, rc,
            // random, network, hcid, gpm, gdm-binary
            assertThat(tally.unclassified).isEqualTo(76 + 117 + 23 + 5 + 38);
            assertThat(tally.invalid).isZero();
        }
    }

    private static final class Tally {

        int lines;
        int unclassified;
        int invalid;
        final Map<String, Integer> eventsByKind = new TreeMap<>();
        final Map<String, Integer> reporters = new TreeMap<>();

        static Tally of(String file) throws IOException, URISyntaxException {
            Path path = Path.of(LogClassifierTest.class.getResource("/corpus/loghub/" + file).toURI());
            SyslogLineParser parser = new SyslogLineParser(READ_AT, ZoneOffset.UTC);
            LogClassifier classifier = new LogClassifier();
            Tally tally = new Tally();
            List<String> lines = Files.readAllLines(path);
            for (int i = 0; i < lines.size(); i++) {
                tally.lines++;
                SyslogRecord record;
                try {
                    record = parser.parse(lines.get(i), file, i + 1);
                } catch (InvalidInputException e) {
                    tally.invalid++;
                    continue;
                }
                Classification classification = classifier.classify(record.host(), record);
                if (!classification.classified()) {
                    tally.unclassified++;
                }
                for (LogEvent event : classification.events()) {
                    EventVocabularyTest.assertDeclared(event);
                    tally.eventsByKind.merge(event.getKind(), event.getRepeat(), Integer::sum);
                    if (!event.attribute("reported_by").isEmpty()) {
                        tally.reporters.merge(event.getKind() + "/" + event.attribute("reported_by"), event.getRepeat(),
                                Integer::sum);
                    }
                }
            }
            return tally;
        }
    }
}
