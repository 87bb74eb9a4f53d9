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
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The project's real {@code integrations/*.camel.yaml} routes, started in a real {@link SourceRuntime} with the
 * real default settings of {@code config/annexa.properties}; only the folders and poll periods are the test's.
 */
class SourceRoutesTest {

    private static final String INBOX_ROUTE = "sshd-config-inbox";
    private static final String LOCAL_ROUTE = "sshd-config-local";
    private static final String SAMPLES_ROUTE = "hosts-samples";
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path temp;

    private Path sshdInbox;
    private Path localDir;
    private Path localRoot;
    private final CollectingSink sink = new CollectingSink();
    private IsolatedSources sources;

    /** The scenarios run without the bundled samples, so the sink holds only what the test dropped. */
    @BeforeEach
    void setUp() throws IOException {
        sources = IsolatedSources.in(temp);
        sshdInbox = Files.createDirectories(sources.inbox().resolve("sshd_config"));
        localDir = Files.createDirectories(temp.resolve("local-etc-ssh"));
        localRoot = sources.localRoot();
        sources.local("sshd-config", localDir);
    }

    @AfterEach
    void tearDown() {
        sources.close();
    }

    // ---------------------------------------------------------------- inbox route

    @Test
    void aDroppedFileBecomesFactsOfTheAssetNamedByTheFile() throws Exception {
        sources.start(sink);
        Path web1 = write(sshdInbox.resolve("web1"), """
                # web1
                PermitRootLogin no
                PasswordAuthentication no
                """);

        EvidenceKey key = new EvidenceKey("sshd_config", "web1", INBOX_ROUTE);
        await().atMost(DEADLINE).until(() -> sink.latest(key).isPresent());

        List<Object> facts = sink.latest(key).orElseThrow();
        assertThat(facts).first().isInstanceOfSatisfying(ConfigFile.class, f -> {
            assertThat(f.getAsset()).isEqualTo("web1");
            assertThat(f.getSource()).isEqualTo("sshd_config");
            assertThat(f.getFile()).isEqualTo(web1.toString());
        });
        assertThat(entries(facts)).extracting(ConfigEntry::getAsset, ConfigEntry::getLine, ConfigEntry::getKey,
                ConfigEntry::getValue).containsExactly(
                tuple("web1", 2, "PermitRootLogin", "no"),
                tuple("web1", 3, "PasswordAuthentication", "no"));

        await().atMost(DEADLINE).untilAsserted(() -> assertThat(sources.route(INBOX_ROUTE)).satisfies(r -> {
            assertThat(r.state()).isEqualTo("Started");
            assertThat(r.counters().itemsRead()).isEqualTo(1);
            assertThat(r.counters().lastSuccess()).isPresent();
            assertThat(r.counters().errors()).isZero();
            assertThat(r.counters().deadLetters()).isZero();
        }));
        assertThat(sources.routes()).extracting(SourceRuntime.RouteStatus::routeId, SourceRuntime.RouteStatus::state)
                .contains(tuple(INBOX_ROUTE, "Started"), tuple(LOCAL_ROUTE, "Started"));
        assertThat(sink.keys()).containsExactly(key);
    }

    @Test
    void anAssetCommentInTheFirstLinesWinsOverTheFileNameOnARouteAllowedToUseIt() throws Exception {
        sources.with("annexa.sources.asset-override.routes", "logs-inbox, " + INBOX_ROUTE).start(sink);
        write(sshdInbox.resolve("copied-from-db"), """
                # Copied by the ops team
                # annexa-asset: DB-01.Example.org
                PermitRootLogin prohibit-password
                """);

        EvidenceKey key = new EvidenceKey("sshd_config", "db-01.example.org", INBOX_ROUTE);
        await().atMost(DEADLINE).until(() -> sink.latest(key).isPresent());

        assertThat(key.asset()).isEqualTo("db-01.example.org");
        assertThat(sink.latest(key).orElseThrow()).allSatisfy(fact -> assertThat(fact).satisfiesAnyOf(
                f -> assertThat(f).isInstanceOfSatisfying(ConfigFile.class, c -> assertThat(c.getAsset()).isEqualTo("db-01.example.org")),
                f -> assertThat(f).isInstanceOfSatisfying(ConfigEntry.class, c -> assertThat(c.getAsset()).isEqualTo("db-01.example.org"))));
        assertThat(entries(sink.latest(key).orElseThrow())).extracting(ConfigEntry::getKey, ConfigEntry::getValue)
                .containsExactly(tuple("PermitRootLogin", "prohibit-password"));
        assertThat(sink.keys()).extracting(EvidenceKey::asset).containsOnly("db-01.example.org");
    }

    @Test
    void anAssetCommentIsIgnoredAndCountedOnRoutesNotAllowedToUseIt() throws Exception {
        sources.start(sink);
        // a dropped file claiming to be the production database would replace its evidence and hide its findings
        write(sshdInbox.resolve("dropped-by-anyone"), """
                # annexa-asset: prod-db
                PermitRootLogin no
                """);

        EvidenceKey fileName = new EvidenceKey("sshd_config", "dropped-by-anyone", INBOX_ROUTE);
        await().atMost(DEADLINE).until(() -> sink.latest(fileName).isPresent());

        assertThat(sink.keys()).containsExactly(fileName);
        assertThat(sources.route(INBOX_ROUTE).counters().flags()).containsEntry(SourceMonitor.ASSET_OVERRIDE_IGNORED, 1L);
        assertThat(sources.route(INBOX_ROUTE).counters().errors()).isZero();
    }

    @Test
    void anInvalidAssetCommentOnARouteAllowedToUseItIsDeadLetteredNamingTheFieldNotFiledUnderTheFileName() throws Exception {
        sources.with("annexa.sources.asset-override.routes", INBOX_ROUTE).start(sink);
        String claimed = "a".repeat(300);
        Path copied = write(sshdInbox.resolve("copied-from-db"), "# annexa-asset: " + claimed + "\nPermitRootLogin no\n");

        await().atMost(DEADLINE).until(() -> sources.reasonFiles(INBOX_ROUTE).size() == 1);
        assertThat(sources.reasons(INBOX_ROUTE).get(0)).contains(copied + ": cannot tell which asset this file describes: "
                + "'# annexa-asset:' comment '" + "a".repeat(64) + "… (300 characters)' is not a valid asset name: "
                + "it is 300 characters long, more than 253");
        await().atMost(DEADLINE).untilAsserted(() -> {
            assertThat(sources.route(INBOX_ROUTE).counters().errors()).isEqualTo(1);
            assertThat(sources.route(INBOX_ROUTE).counters().deadLetters()).isEqualTo(1);
        });
        // the comment was meant: falling back to the file name would file a database's settings under "copied-from-db"
        assertThat(sink.keys()).isEmpty();
        assertThat(sources.route(INBOX_ROUTE).counters().flags()).doesNotContainKey(SourceMonitor.ASSET_OVERRIDE_IGNORED);
    }

    @Test
    void aFileWhoseNameIsNoAssetNameIsDeadLetteredNamingTheFieldAndValue() throws Exception {
        sources.start(sink);
        Path odd = write(sshdInbox.resolve("web1;rm -rf"), "PermitRootLogin no\n");

        await().atMost(DEADLINE).until(() -> sources.reasonFiles(INBOX_ROUTE).size() == 1);
        assertThat(sources.reasons(INBOX_ROUTE).get(0)).contains(odd + ": cannot tell which asset this file describes: "
                + "file name 'web1;rm -rf' is not a valid asset name: it has ';' (U+003B) at position 5");
        assertThat(sink.keys()).isEmpty();
    }

    @Test
    void aRewrittenFileIsReadAgainAndReplacesThePreviousRead() throws Exception {
        sources.start(sink);
        Path web1 = sshdInbox.resolve("web1");
        Instant first = Instant.now().minusSeconds(60);
        drop(web1, "Port 22\nPermitRootLogin yes\n", first);

        EvidenceKey key = new EvidenceKey("sshd_config", "web1", INBOX_ROUTE);
        await().atMost(DEADLINE).until(() -> sink.calls(key) == 1);
        // Unchanged: not read again on the following polls.
        await().during(Duration.ofMillis(800)).atMost(DEADLINE).until(() -> sink.calls(key) == 1);
        assertThat(entries(sink.latest(key).orElseThrow())).extracting(ConfigEntry::getKey, ConfigEntry::getValue)
                .containsExactly(tuple("Port", "22"), tuple("PermitRootLogin", "yes"));

        // Same size, other content, other modification time: read again.
        drop(web1, "Port 22\nPermitRootLogin no \n", first.plusSeconds(30));

        await().atMost(DEADLINE).until(() -> sink.calls(key) == 2);
        assertThat(entries(sink.latest(key).orElseThrow())).extracting(ConfigEntry::getKey, ConfigEntry::getValue)
                .containsExactly(tuple("Port", "22"), tuple("PermitRootLogin", "no"));
        assertThat(sink.keys()).containsExactly(key);
        assertThat(sources.route(INBOX_ROUTE).counters().itemsRead()).isEqualTo(2);
        assertThat(sources.route(INBOX_ROUTE).counters().errors()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            a keyword without value          | Port 22\\n# root\\nPermitRootLogin\\n                 | 3 | 'PermitRootLogin' has no value
            a Match block without criteria   | PermitRootLogin no\\nMatch\\n  X11Forwarding no\\n | 2 | 'Match' has no criteria
            """)
    void aMalformedFileIsDeadLetteredAndTheRouteGoesOn(String title, String content, int line, String message) throws Exception {
        sources.start(sink);
        Path broken = write(sshdInbox.resolve("broken"), content.replace("\\n", "\n"));

        await().atMost(DEADLINE).until(() -> sources.reasonFiles(INBOX_ROUTE).size() == 1);
        Path reason = sources.reasonFiles(INBOX_ROUTE).get(0);
        String text = Files.readString(reason);
        assertThat(text).contains("route: " + INBOX_ROUTE)
                .contains("input: " + broken)
                .contains(broken + ":" + line + ": " + message);
        Path copy = reason.resolveSibling(reason.getFileName().toString().replaceFirst("\\.reason$", ""));
        assertThat(copy.getFileName().toString()).endsWith("-broken");
        assertThat(copy).hasSameBinaryContentAs(broken);
        assertThat(broken).exists(); // noop: the inbox keeps its files

        await().atMost(DEADLINE).untilAsserted(() -> {
            SourceMonitor.Counters counters = sources.route(INBOX_ROUTE).counters();
            assertThat(counters.errors()).isEqualTo(1);
            assertThat(counters.deadLetters()).isEqualTo(1);
            assertThat(counters.lastError()).isPresent();
            assertThat(counters.lastErrorMessage()).hasValueSatisfying(m -> assertThat(m).contains(":" + line + ": " + message));
        });
        assertThat(sink.calls(new EvidenceKey("sshd_config", "broken", INBOX_ROUTE))).isZero();
        assertThat(sink.keys()).isEmpty();

        // The route was not stopped: a good file dropped afterwards is read.
        write(sshdInbox.resolve("web2"), "PermitRootLogin no\n");
        EvidenceKey web2 = new EvidenceKey("sshd_config", "web2", INBOX_ROUTE);
        await().atMost(DEADLINE).until(() -> sink.latest(web2).isPresent());
        assertThat(sources.route(INBOX_ROUTE).state()).isEqualTo("Started");
        assertThat(sources.route(INBOX_ROUTE).counters().itemsRead()).isEqualTo(1);
        // Rejected once, not again on every poll.
        assertThat(sources.route(INBOX_ROUTE).counters().errors()).isEqualTo(1);
        assertThat(sources.reasonFiles(INBOX_ROUTE)).hasSize(1);
        assertThat(sink.keys()).containsExactly(web2);
    }

    @Test
    void anOversizedFileIsDeadLetteredAsTooLarge() throws Exception {
        sources.with("annexa.sources.max-file-bytes", "64").start(sink);
        Path big = write(sshdInbox.resolve("big"), "# " + "x".repeat(100) + "\nPermitRootLogin no\n");

        await().atMost(DEADLINE).until(() -> sources.reasonFiles(INBOX_ROUTE).size() == 1);
        assertThat(sources.reasons(INBOX_ROUTE).get(0))
                .contains("input: " + big)
                .contains(big + ": file is " + Files.size(big) + " bytes, more than the 64 ")
                .contains("annexa.sources.max-file-bytes");
        await().atMost(DEADLINE).untilAsserted(() -> {
            assertThat(sources.route(INBOX_ROUTE).counters().errors()).isEqualTo(1);
            assertThat(sources.route(INBOX_ROUTE).counters().deadLetters()).isEqualTo(1);
        });
        assertThat(sink.keys()).isEmpty();
    }

    @Test
    void hiddenAndTemporaryFilesAreIgnored() throws Exception {
        sources.start(sink);
        String valid = "PermitRootLogin no\n";
        write(sshdInbox.resolve(".web1.swp"), valid);
        write(sshdInbox.resolve("x.tmp"), valid);
        write(sshdInbox.resolve("web3.part"), valid);
        write(sshdInbox.resolve(".hidden"), valid);
        write(sshdInbox.resolve("web1"), valid);

        EvidenceKey web1 = new EvidenceKey("sshd_config", "web1", INBOX_ROUTE);
        await().atMost(DEADLINE).until(() -> sink.latest(web1).isPresent());
        // Several more polls (100 ms apart) see the same folder: still only web1.
        await().during(Duration.ofMillis(1000)).atMost(DEADLINE).until(() -> sink.keys().equals(List.of(web1)));
        assertThat(sources.route(INBOX_ROUTE).counters().itemsRead()).isEqualTo(1);
        assertThat(sources.route(INBOX_ROUTE).counters().errors()).isZero();
        assertThat(sources.deadLetters(INBOX_ROUTE)).doesNotExist();
    }

    // ---------------------------------------------------------------- local route

    @Test
    void theLocalConfigurationIsFiledUnderThisHostAndFollowsIncludesUnderTheRoot() throws Exception {
        Path main = write(localDir.resolve("sshd_config"), """
                # this machine
                Include /etc/ssh/sshd_config.d/*.conf
                PermitRootLogin no
                PasswordAuthentication yes
                """);
        Path dropIn = write(Files.createDirectories(localRoot.resolve("etc/ssh/sshd_config.d")).resolve("10-x.conf"), """
                PasswordAuthentication no
                X11Forwarding no
                """);
        sources.start(sink);

        EvidenceKey key = new EvidenceKey("sshd_config", "testhost", LOCAL_ROUTE);
        await().atMost(DEADLINE).until(() -> sink.latest(key).isPresent());

        List<Object> facts = sink.latest(key).orElseThrow();
        assertThat(facts).first().isInstanceOfSatisfying(ConfigFile.class, f -> {
            assertThat(f.getAsset()).isEqualTo("testhost");
            assertThat(f.getFile()).isEqualTo(main.toString());
        });
        // The drop-in is read where the Include stands, so its PasswordAuthentication is the one that counts.
        assertThat(entries(facts)).extracting(ConfigEntry::getAsset, ConfigEntry::getFile, ConfigEntry::getLine,
                ConfigEntry::getKey, ConfigEntry::getValue).containsExactly(
                tuple("testhost", main.toString(), 2, "Include", "/etc/ssh/sshd_config.d/*.conf"),
                tuple("testhost", dropIn.toString(), 1, "PasswordAuthentication", "no"),
                tuple("testhost", dropIn.toString(), 2, "X11Forwarding", "no"),
                tuple("testhost", main.toString(), 3, "PermitRootLogin", "no"));

        // Checked on its schedule, read again only when the main file or what its includes led to changed.
        sources.awaitPolls(LOCAL_ROUTE, 3);
        assertThat(sink.calls(key)).isEqualTo(1);
        Path laterDropIn = write(dropIn.resolveSibling("20-y.conf"), "MaxAuthTries 3\n");
        await().atMost(DEADLINE).until(() -> sink.calls(key) == 2);
        assertThat(entries(sink.latest(key).orElseThrow())).extracting(ConfigEntry::getFile, ConfigEntry::getKey)
                .contains(tuple(laterDropIn.toString(), "MaxAuthTries"));
        write(dropIn, "PasswordAuthentication yes\n");
        await().atMost(DEADLINE).until(() -> sink.calls(key) == 3);
        assertThat(entries(sink.latest(key).orElseThrow())).extracting(ConfigEntry::getFile, ConfigEntry::getKey, ConfigEntry::getValue)
                .contains(tuple(dropIn.toString(), "PasswordAuthentication", "yes"));
        sources.awaitPolls(LOCAL_ROUTE, 3);
        assertThat(sink.calls(key)).isEqualTo(3);
        assertThat(sink.keys()).containsExactly(key);
        assertThat(sources.route(LOCAL_ROUTE).state()).isEqualTo("Started");
        assertThat(sources.route(LOCAL_ROUTE).counters().itemsRead()).isEqualTo(3);
        assertThat(sources.route(LOCAL_ROUTE).counters().errors()).isZero();
        assertThat(sources.route(INBOX_ROUTE).counters().itemsRead()).isZero();
    }

    // ---------------------------------------------------------------- bundled samples

    @Test
    void theBundledSamplesAreReadOnceWhenEnabledByDefault() throws Exception {
        sources.withDefault("annexa.sources.samples.enabled").start(sink);

        EvidenceKey web = new EvidenceKey("sshd_config", "web-01.sample", SAMPLES_ROUTE);
        EvidenceKey bastion = new EvidenceKey("sshd_config", "bastion-01.sample", SAMPLES_ROUTE);
        await().atMost(DEADLINE).until(() -> sink.latest(web).isPresent() && sink.latest(bastion).isPresent());
        assertThat(entries(sink.latest(web).orElseThrow())).extracting(ConfigEntry::getKey, ConfigEntry::getValue)
                .contains(tuple("PermitRootLogin", "yes"));
        // Read once (a snapshot folder is read again only when it changed), never rejected.
        await().during(Duration.ofMillis(1000)).atMost(DEADLINE)
                .until(() -> sink.calls(web) == 1 && sink.calls(bastion) == 1);
        assertThat(sink.keys()).extracting(EvidenceKey::asset).containsOnly("web-01.sample", "bastion-01.sample");
        assertThat(sources.route(SAMPLES_ROUTE).state()).isEqualTo("Started");
        assertThat(sources.route(SAMPLES_ROUTE).counters().itemsRead()).isEqualTo(2);
        assertThat(sources.route(SAMPLES_ROUTE).counters().errors()).isZero();
    }

    @Test
    void theBundledSamplesRouteStaysStoppedWhenDisabled() throws Exception {
        sources.start(sink);
        write(sshdInbox.resolve("web1"), "PermitRootLogin no\n");
        EvidenceKey web1 = new EvidenceKey("sshd_config", "web1", INBOX_ROUTE);
        await().atMost(DEADLINE).until(() -> sink.latest(web1).isPresent());

        assertThat(sources.route(SAMPLES_ROUTE).state()).isEqualTo("Stopped");
        assertThat(sink.keys()).containsExactly(web1);
    }

    // ---------------------------------------------------------------- helpers

    private static Path write(Path file, String content) throws IOException {
        return Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    /** Writes beside the inbox and renames into it, so the route never sees the file before its time is set. */
    private Path drop(Path file, String content, Instant modified) throws IOException {
        Path staged = write(Files.createDirectories(temp.resolve("staging")).resolve(file.getFileName()), content);
        Files.setLastModifiedTime(staged, FileTime.from(modified));
        return Files.move(staged, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static List<ConfigEntry> entries(List<Object> facts) {
        return facts.stream().filter(ConfigEntry.class::isInstance).map(ConfigEntry.class::cast).toList();
    }
}
