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
import java.util.Set;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The routes of the login.defs, pwquality.conf, pam.d and sudoers sources ({@code integrations/*.camel.yaml}), in a
 * real {@link SourceRuntime} with the real defaults of {@code config/annexa.properties}; only folders and poll
 * periods are the test's, so this machine's {@code /etc} is never read.
 */
class ConfigRoutesTest {

    private static final Set<String> SOURCES = Set.of("login.defs", "pwquality.conf", "pam.d", "sudoers");
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path temp;

    private Path inbox;
    private Path localEtc;
    private Path localSecurity;
    private Path localPam;
    private Path localRoot;
    private final CollectingSink sink = new CollectingSink();
    private IsolatedSources sources;

    @BeforeEach
    void setUp() throws IOException {
        sources = IsolatedSources.in(temp);
        inbox = sources.inbox();
        for (String source : SOURCES) {
            Files.createDirectories(inbox.resolve(source));
        }
        localEtc = Files.createDirectories(temp.resolve("local-etc"));
        localSecurity = Files.createDirectories(temp.resolve("local-etc-security"));
        localPam = Files.createDirectories(temp.resolve("local-etc-pam.d"));
        localRoot = sources.localRoot();
        sources.local("login-defs", localEtc).local("pwquality", localSecurity).local("pam", localPam).local("sudoers", localEtc);
    }

    @AfterEach
    void tearDown() {
        sources.close();
    }

    // ---------------------------------------------------------------- inbox routes

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            login.defs     | login-defs-inbox | # web1\\nPASS_MAX_DAYS 90\\nUMASK 027\\n                 | PASS_MAX_DAYS=90;UMASK=027
            pwquality.conf | pwquality-inbox  | minlen = 14\\n# comment\\nenforce_for_root\\n           | minlen=14;enforce_for_root=true
            sudoers        | sudoers-inbox    | Defaults use_pty\\n%sudo ALL=(ALL:ALL) ALL\\n@includedir /etc/sudoers.d\\n | Defaults=use_pty;spec=%sudo ALL=(ALL:ALL) ALL;@includedir=/etc/sudoers.d
            """)
    void aFileDroppedInTheInboxBecomesFactsOfTheAssetNamedByTheFile(String source, String route, String content,
                                                                     String expected) throws Exception {
        sources.start(sink);
        Path web1 = write(inbox.resolve(source).resolve("web1"), content.replace("\\n", "\n"));

        EvidenceKey key = new EvidenceKey(source, "web1", route);
        await().atMost(DEADLINE).until(() -> sink.latest(key).isPresent());

        List<Object> facts = sink.latest(key).orElseThrow();
        assertThat(facts).first().isInstanceOfSatisfying(ConfigFile.class, f -> {
                    assertThat(f.getAsset()).isEqualTo("web1");
                    assertThat(f.getSource()).isEqualTo(source);
                    assertThat(f.getFile()).isEqualTo(web1.toString());
                });
        assertThat(entries(facts)).extracting(e -> e.getKey() + "=" + e.getValue())
                .containsExactly(expected.split(";"));
        await().atMost(DEADLINE).untilAsserted(() -> {
            assertThat(sources.route(route).state()).isEqualTo("Started");
            assertThat(sources.route(route).counters().itemsRead()).isEqualTo(1);
            assertThat(sources.route(route).counters().errors()).isZero();
        });
        assertThat(ourKeys()).containsExactly(key);
    }

    @Test
    void eachPamServiceOfAnAssetIsAPieceOfEvidenceOfItsOwn() throws Exception {
        sources.start(sink);
        Path pam = inbox.resolve("pam.d");
        write(pam.resolve("web1__sshd"), "@include common-auth\naccount required pam_nologin.so\n");
        write(pam.resolve("web1__common-auth"), "auth [success=1 default=ignore] pam_unix.so nullok\nauth requisite pam_deny.so\n");

        EvidenceKey sshd = new EvidenceKey("pam.d", "web1", "pam-inbox/sshd");
        EvidenceKey commonAuth = new EvidenceKey("pam.d", "web1", "pam-inbox/common-auth");
        await().atMost(DEADLINE).until(() -> sink.latest(sshd).isPresent() && sink.latest(commonAuth).isPresent());

        assertThat(entries(sink.latest(sshd).orElseThrow()))
                .extracting(ConfigEntry::getAsset, ConfigEntry::getLine, ConfigEntry::getKey, ConfigEntry::getValue, ConfigEntry::getScope)
                .containsExactly(
                        tuple("web1", 1, "@include", "common-auth", "sshd"),
                        tuple("web1", 2, "account", "required pam_nologin.so", "sshd"),
                        tuple("web1", 2, "module:account", "pam_nologin.so", "sshd"));
        assertThat(entries(sink.latest(commonAuth).orElseThrow())).extracting(ConfigEntry::getKey, ConfigEntry::getScope)
                .containsExactly(tuple("auth", "common-auth"), tuple("module:auth", "common-auth"),
                        tuple("auth", "common-auth"), tuple("module:auth", "common-auth"));
        assertThat(ourKeys()).containsExactlyInAnyOrder(sshd, commonAuth);
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(sources.route("pam-inbox").counters().itemsRead()).isEqualTo(2));
    }

    // ---------------------------------------------------------------- local routes

    @Test
    void thisMachinesFilesAreFiledUnderThisHostWithTheirIncludes() throws Exception {
        Path loginDefs = write(localEtc.resolve("login.defs"), "PASS_MAX_DAYS 365\nUMASK 022\n");
        Path pwquality = write(localSecurity.resolve("pwquality.conf"), "minlen = 12\n");
        Path pwqualityDropIn = write(Files.createDirectories(localRoot.resolve("etc/security/pwquality.conf.d"))
                .resolve("50-site.conf"), "minlen = 8\nminclass = 3\n");
        write(localPam.resolve("sshd"), "@include common-auth\n");
        write(localPam.resolve("common-auth"), "auth required pam_faillock.so preauth\n");
        write(localPam.resolve("sshd.dpkg-old"), "auth required pam_permit.so\n");
        write(localPam.resolve(".sshd.swp"), "auth required pam_permit.so\n");
        Path sudoers = write(localEtc.resolve("sudoers"), "Defaults use_pty\n@includedir /etc/sudoers.d\n");
        Path sudoersDropIn = write(Files.createDirectories(localRoot.resolve("etc/sudoers.d")).resolve("ops"),
                "%ops ALL=(root) NOPASSWD: /usr/bin/systemctl\n");
        sources.start(sink);

        EvidenceKey loginDefsKey = new EvidenceKey("login.defs", "testhost", "login-defs-local");
        EvidenceKey pwqualityKey = new EvidenceKey("pwquality.conf", "testhost", "pwquality-local");
        EvidenceKey sshdKey = new EvidenceKey("pam.d", "testhost", "pam-local/sshd");
        EvidenceKey commonAuthKey = new EvidenceKey("pam.d", "testhost", "pam-local/common-auth");
        EvidenceKey sudoersKey = new EvidenceKey("sudoers", "testhost", "sudoers-local");
        List<EvidenceKey> all = List.of(loginDefsKey, pwqualityKey, sshdKey, commonAuthKey, sudoersKey);
        await().atMost(DEADLINE).until(() -> all.stream().allMatch(k -> sink.calls(k) == 1));
        for (String route : List.of("login-defs-local", "pwquality-local", "pam-local", "sudoers-local")) {
            sources.awaitPolls(route, 2);
        }
        assertThat(all).as("read once while nothing changes").allMatch(k -> sink.calls(k) == 1);

        assertThat(rows(loginDefsKey)).containsExactly(
                tuple(loginDefs.toString(), 1, "PASS_MAX_DAYS", "365", ""),
                tuple(loginDefs.toString(), 2, "UMASK", "022", ""));
        // The drop-in is read first; the main file's minlen wins.
        assertThat(rows(pwqualityKey)).containsExactly(
                tuple(pwqualityDropIn.toString(), 2, "minclass", "3", ""),
                tuple(pwquality.toString(), 1, "minlen", "12", ""));
        assertThat(entries(sink.latest(sshdKey).orElseThrow()))
                .extracting(ConfigEntry::getKey, ConfigEntry::getValue, ConfigEntry::getScope)
                .containsExactly(tuple("@include", "common-auth", "sshd"));
        assertThat(entries(sink.latest(commonAuthKey).orElseThrow()))
                .extracting(ConfigEntry::getKey, ConfigEntry::getValue, ConfigEntry::getScope)
                .containsExactly(tuple("auth", "required pam_faillock.so preauth", "common-auth"),
                        tuple("module:auth", "pam_faillock.so preauth", "common-auth"));
        assertThat(rows(sudoersKey)).containsExactly(
                tuple(sudoers.toString(), 1, "Defaults", "use_pty", ""),
                tuple(sudoers.toString(), 2, "@includedir", "/etc/sudoers.d", ""),
                tuple(sudoersDropIn.toString(), 1, "spec", "%ops ALL=(root) NOPASSWD: /usr/bin/systemctl", "%ops"));
        // Package manager leftovers and editor files are not services.
        assertThat(ourKeys()).containsExactlyInAnyOrderElementsOf(all);

        // A changed drop-in is a change of the file that includes it; the others are not read again.
        write(pwqualityDropIn, "minlen = 8\nminclass = 4\n");
        write(sudoersDropIn.resolveSibling("dev"), "%dev ALL=(root) /usr/bin/journalctl\n");
        await().atMost(DEADLINE).until(() -> sink.calls(pwqualityKey) == 2 && sink.calls(sudoersKey) == 2);
        assertThat(rows(pwqualityKey)).contains(tuple(pwqualityDropIn.toString(), 2, "minclass", "4", ""));
        assertThat(rows(sudoersKey)).extracting(row -> row.toList().get(3)).contains("%dev ALL=(root) /usr/bin/journalctl");
        assertThat(List.of(loginDefsKey, sshdKey, commonAuthKey)).allMatch(k -> sink.calls(k) == 1);
        for (String route : List.of("login-defs-local", "pwquality-local", "pam-local", "sudoers-local")) {
            assertThat(sources.route(route).state()).isEqualTo("Started");
            assertThat(sources.route(route).counters().errors()).as(route).isZero();
        }
    }

    // ---------------------------------------------------------------- bad input

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            login.defs     | login-defs-inbox | broken       | UMASK 027\\nPASS_MAX_DAYS\\n                      | 2 | 'PASS_MAX_DAYS' has no value (shadow ignores the line)
            pwquality.conf | pwquality-inbox  | broken       | minlen = fourteen\\n                            | 1 | 'minlen' needs a whole number, not 'fourteen'
            pam.d          | pam-inbox        | broken__sshd | auth required pam_unix.so\\nauth requird pam_deny.so\\n | 2 | unknown control 'requird': use required, requisite, sufficient, optional, include, substack or [return=action ...]
            sudoers        | sudoers-inbox    | broken       | # x\\nalice ALL=(ALL NOPASSWD: ALL\\n              | 2 | unbalanced '(' in the Run as list '(ALL NOPASSWD: ALL'
            """)
    void aMalformedFileIsDeadLetteredWithItsLineAndTheRouteGoesOn(String source, String route, String name, String content,
                                                                  int line, String reason) throws Exception {
        sources.start(sink);
        Path broken = write(inbox.resolve(source).resolve(name), content.replace("\\n", "\n"));

        await().atMost(DEADLINE).until(() -> sources.reasonFiles(route).size() == 1);
        assertThat(sources.reasons(route).get(0))
                .contains("route: " + route)
                .contains("input: " + broken)
                .contains(broken + ":" + line + ": " + reason);
        await().atMost(DEADLINE).untilAsserted(() -> {
            assertThat(sources.route(route).counters().errors()).isEqualTo(1);
            assertThat(sources.route(route).counters().deadLetters()).isEqualTo(1);
        });
        assertThat(ourKeys()).isEmpty();

        // The route was not stopped: a good file dropped afterwards is read.
        String good = source.equals("pam.d") ? "web2__sshd" : "web2";
        write(inbox.resolve(source).resolve(good), "# nothing set\n");
        await().atMost(DEADLINE).until(() -> ourKeys().stream().anyMatch(k -> k.asset().equals("web2")));
        assertThat(sources.route(route).state()).isEqualTo("Started");
    }

    @Test
    void anInboxFileNamedWithoutAPartAfterTheSeparatorIsDeadLettered() throws Exception {
        sources.start(sink);
        Path broken = write(inbox.resolve("pam.d").resolve("web1__"), "auth required pam_unix.so\n");

        await().atMost(DEADLINE).until(() -> sources.reasonFiles("pam-inbox").size() == 1);
        assertThat(sources.reasons("pam-inbox").get(0))
                .contains(broken + ": nothing after '__' in the file name: name it <asset>__<part>");
        assertThat(ourKeys()).isEmpty();
    }

    // ---------------------------------------------------------------- helpers

    /** Only the keys of the sources under test: other sources' routes may deliver too. */
    private List<EvidenceKey> ourKeys() {
        return sink.keys().stream().filter(k -> SOURCES.contains(k.source())).toList();
    }

    private List<Tuple> rows(EvidenceKey key) {
        return entries(sink.latest(key).orElseThrow()).stream()
                .map(e -> tuple(e.getFile(), e.getLine(), e.getKey(), e.getValue(), e.getScope())).toList();
    }

    private static Path write(Path file, String content) throws IOException {
        return Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private static List<ConfigEntry> entries(List<Object> facts) {
        return facts.stream().filter(ConfigEntry.class::isInstance).map(ConfigEntry.class::cast).toList();
    }
}
