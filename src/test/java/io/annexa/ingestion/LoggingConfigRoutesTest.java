package io.annexa.ingestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.ConfigFile;
import io.annexa.evidence.EvidenceKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The routes of the time, audit and logging configuration kinds (chrony.conf, auditd.conf, audit.rules,
 * rsyslog.conf, logrotate.conf): the project's real {@code integrations/*.camel.yaml} in a real
 * {@link SourceRuntime} with the real defaults of {@code config/annexa.properties}; only folders and poll
 * periods are the test's.
 */
class LoggingConfigRoutesTest {

    private static final Set<String> SOURCES = Set.of("chrony.conf", "auditd.conf", "audit.rules", "rsyslog.conf", "logrotate.conf");
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path temp;

    private Path inbox;
    private Path localRoot;
    private Path localEtc;
    private Path localChrony;
    private Path localAudit;
    private final CollectingSink sink = new CollectingSink();
    private IsolatedSources sources;

    @BeforeEach
    void setUp() throws IOException {
        sources = IsolatedSources.in(temp);
        inbox = sources.inbox();
        for (String source : SOURCES) {
            Files.createDirectories(inbox.resolve(source));
        }
        localRoot = sources.localRoot();
        localEtc = Files.createDirectories(temp.resolve("local-etc"));
        localChrony = Files.createDirectories(temp.resolve("local-etc-chrony"));
        localAudit = Files.createDirectories(temp.resolve("local-etc-audit"));
        sources.local("chrony", localChrony).local("auditd", localAudit).local("audit-rules", localAudit)
                .local("rsyslog", localEtc).local("logrotate", localEtc);
    }

    @AfterEach
    void tearDown() {
        sources.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            chrony.conf    | chrony-inbox      | pool pool.example.org iburst\\ninclude /etc/chrony/conf.d/*.conf\\n | pool           | pool.example.org iburst
            auditd.conf    | auditd-inbox      | num_logs = 5\\nmax_log_file_action = keep_logs\\n                   | max_log_file_action | keep_logs
            audit.rules    | audit-rules-inbox | -D\\n-w /etc/passwd -p wa -k identity\\n                            | watch          | /etc/passwd -p wa -k identity
            rsyslog.conf   | rsyslog-inbox     | $IncludeConfig /etc/rsyslog.d/*.conf\\n*.* @@logs.example.org\\n    | forward        | tcp logs.example.org:514
            logrotate.conf | logrotate-inbox   | include /etc/logrotate.d\\n/var/log/syslog {\\n  daily\\n  rotate 90\\n}\\n | retention_days | 90
            """)
    void aFileDroppedInTheInboxBecomesFactsOfTheAssetNamedByTheFile(String source, String route, String content, String key,
                                                                    String value) throws Exception {
        sources.start(sink);
        Path web1 = write(inbox.resolve(source).resolve("web1"), content.replace("\\n", "\n"));

        EvidenceKey evidence = new EvidenceKey(source, "web1", route);
        await().atMost(DEADLINE).until(() -> sink.latest(evidence).isPresent());

        List<Object> facts = sink.latest(evidence).orElseThrow();
        assertThat(facts).first().isInstanceOfSatisfying(ConfigFile.class, f -> {
                    assertThat(f.getAsset()).isEqualTo("web1");
                    assertThat(f.getSource()).isEqualTo(source);
                    assertThat(f.getFile()).isEqualTo(web1.toString());
                });
        // Includes are recorded, never followed: they name the other host's files.
        assertThat(entries(facts)).allSatisfy(e -> assertThat(e.getFile()).isEqualTo(web1.toString()))
                .extracting(ConfigEntry::getKey, ConfigEntry::getValue).contains(tuple(key, value));
        await().atMost(DEADLINE).untilAsserted(() -> {
            assertThat(sources.route(route).state()).isEqualTo("Started");
            assertThat(sources.route(route).counters().itemsRead()).isEqualTo(1);
            assertThat(sources.route(route).counters().errors()).isZero();
        });
        assertThat(ourKeys()).containsExactly(evidence);
    }

    @Test
    void thisMachinesFilesAreFiledUnderThisHostWithTheirIncludes() throws Exception {
        write(localChrony.resolve("chrony.conf"), "confdir /etc/chrony/conf.d\nmakestep 1 3\n");
        Path chronyDropIn = write(dir("etc/chrony/conf.d").resolve("10-corp.conf"), "server ntp.example.org iburst\n");
        write(localAudit.resolve("auditd.conf"), "max_log_file_action = ROTATE\n");
        write(localAudit.resolve("audit.rules"), "-D\n-e 2\n");
        write(localEtc.resolve("rsyslog.conf"), "$IncludeConfig /etc/rsyslog.d/*.conf\nauth,authpriv.* /var/log/auth.log\n");
        Path rsyslogDropIn = write(dir("etc/rsyslog.d").resolve("50-remote.conf"), "*.* @logs.example.org\n");
        write(localEtc.resolve("logrotate.conf"), "weekly\nrotate 4\ninclude /etc/logrotate.d\n");
        Path logrotateDropIn = write(dir("etc/logrotate.d").resolve("rsyslog"), "/var/log/auth.log {\n  rotate 13\n}\n");
        sources.start(sink);

        Map<EvidenceKey, Tuple> expected = Map.of(
                new EvidenceKey("chrony.conf", "testhost", "chrony-local"), tuple(chronyDropIn.toString(), "server", "ntp.example.org iburst"),
                new EvidenceKey("auditd.conf", "testhost", "auditd-local"), tuple(localAudit.resolve("auditd.conf").toString(),
                        "max_log_file_action", "ROTATE"),
                new EvidenceKey("audit.rules", "testhost", "audit-rules-local"), tuple(localAudit.resolve("audit.rules").toString(),
                        "-e", "2"),
                new EvidenceKey("rsyslog.conf", "testhost", "rsyslog-local"), tuple(rsyslogDropIn.toString(), "forward",
                        "udp logs.example.org:514"),
                new EvidenceKey("logrotate.conf", "testhost", "logrotate-local"), tuple(logrotateDropIn.toString(),
                        "retention_days", "91"));
        await().atMost(DEADLINE).until(() -> expected.keySet().stream().allMatch(k -> sink.latest(k).isPresent()));

        expected.forEach((key, entry) -> assertThat(entries(sink.latest(key).orElseThrow()))
                .as(key.toString())
                .extracting(ConfigEntry::getFile, ConfigEntry::getKey, ConfigEntry::getValue).contains(entry));
        for (EvidenceKey key : expected.keySet()) {
            sources.awaitPolls(key.origin(), 2);
        }
        assertThat(expected.keySet()).as("read once while nothing changes").allMatch(k -> sink.calls(k) == 1);
        assertThat(ourKeys()).containsExactlyInAnyOrderElementsOf(expected.keySet());

        // A changed drop-in is a change of the file that includes it; the others are not read again.
        write(chronyDropIn, "server ntp2.example.org iburst\n");
        write(rsyslogDropIn, "*.* @@logs.example.org\n");
        write(logrotateDropIn.resolveSibling("apt"), "/var/log/apt/history.log {\n  rotate 12\n  monthly\n}\n");
        EvidenceKey chrony = new EvidenceKey("chrony.conf", "testhost", "chrony-local");
        EvidenceKey rsyslog = new EvidenceKey("rsyslog.conf", "testhost", "rsyslog-local");
        EvidenceKey logrotate = new EvidenceKey("logrotate.conf", "testhost", "logrotate-local");
        await().atMost(DEADLINE).until(() -> List.of(chrony, rsyslog, logrotate).stream().allMatch(k -> sink.calls(k) == 2));
        assertThat(entries(sink.latest(chrony).orElseThrow())).extracting(ConfigEntry::getValue).contains("ntp2.example.org iburst");
        assertThat(entries(sink.latest(rsyslog).orElseThrow())).extracting(ConfigEntry::getValue).contains("tcp logs.example.org:514");
        assertThat(entries(sink.latest(logrotate).orElseThrow())).extracting(ConfigEntry::getFile)
                .contains(logrotateDropIn.resolveSibling("apt").toString());
        assertThat(sink.calls(new EvidenceKey("auditd.conf", "testhost", "auditd-local"))).isEqualTo(1);
        assertThat(sink.calls(new EvidenceKey("audit.rules", "testhost", "audit-rules-local"))).isEqualTo(1);
        for (EvidenceKey key : expected.keySet()) {
            assertThat(sources.route(key.origin()).counters().errors()).as(key.origin()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            chrony.conf    | chrony-inbox      | makestep 1 3\\npool\\n                      | 2 | 'pool' has no value
            auditd.conf    | auditd-inbox      | num_logs = 5\\nnum_logs=6\\n                | 2 | 'num_logs=6': auditd needs spaces around '='
            audit.rules    | audit-rules-inbox | -D\\n-w /etc/passwd -x\\n                   | 2 | unknown option '-x'
            rsyslog.conf   | rsyslog-inbox     | *.* /var/log/all\\nif $msg contains 'x'\\n   | 2 | 'if' without 'then'
            logrotate.conf | logrotate-inbox   | /var/log/a.log {\\n  rotate 4\\n            | 1 | the block of '/var/log/a.log' is never closed
            """)
    void aMalformedFileIsDeadLetteredWithItsLineAndTheRouteGoesOn(String source, String route, String content, int line,
                                                                  String message) throws Exception {
        sources.start(sink);
        Path broken = write(inbox.resolve(source).resolve("broken"), content.replace("\\n", "\n"));

        await().atMost(DEADLINE).until(() -> sources.reasonFiles(route).size() == 1);
        assertThat(sources.reasons(route).get(0)).contains("route: " + route)
                .contains(broken + ":" + line + ": " + message);
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(sources.route(route).counters().deadLetters()).isEqualTo(1));
        assertThat(ourKeys()).isEmpty();

        write(inbox.resolve(source).resolve("web2"), "\n");
        EvidenceKey web2 = new EvidenceKey(source, "web2", route);
        await().atMost(DEADLINE).until(() -> sink.latest(web2).isPresent());
        assertThat(sources.route(route).state()).isEqualTo("Started");
    }

    // ---------------------------------------------------------------- helpers

    private Path dir(String relative) throws IOException {
        return Files.createDirectories(localRoot.resolve(relative));
    }

    /** Only the keys of the sources under test: other sources' routes may deliver too. */
    private List<EvidenceKey> ourKeys() {
        return sink.keys().stream().filter(k -> SOURCES.contains(k.source())).toList();
    }

    private static Path write(Path file, String content) throws IOException {
        return Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private static List<ConfigEntry> entries(List<Object> facts) {
        return facts.stream().filter(ConfigEntry.class::isInstance).map(ConfigEntry.class::cast).toList();
    }
}
