package io.annexa.ingestion.xccdf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.annexa.evidence.CheckResult;
import io.annexa.evidence.EvidenceKey;
import io.annexa.ingestion.CollectingSink;
import io.annexa.ingestion.IsolatedSources;
import io.annexa.ingestion.SourceMonitor;
import io.annexa.ingestion.SourceRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The project's real {@code integrations/openscap.camel.yaml}, started with every other route of the project in a
 * real {@link SourceRuntime} on the default settings; only folders, poll periods and the samples are the test's,
 * so nothing reads this machine's own files.
 */
class XccdfRouteTest {

    private static final String ROUTE = "xccdf-inbox";
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final EvidenceKey VM = new EvidenceKey("xccdf", "vm", ROUTE);

    @TempDir
    Path temp;

    private Path inbox;
    private final CollectingSink sink = new CollectingSink();
    private IsolatedSources sources;

    @BeforeEach
    void setUp() throws IOException {
        sources = IsolatedSources.in(temp);
        inbox = sources.inbox();
    }

    @AfterEach
    void tearDown() {
        sources.close();
    }

    @Test
    void aDroppedScanResultBecomesCheckResultsOfTheScannedHost() throws Exception {
        sources.start(sink);
        // nobody created it: the route does when it starts
        Path folder = inbox.resolve("xccdf");
        assertThat(folder).isDirectory();

        drop(Files.readAllBytes(XccdfResultParserTest.corpus()), folder.resolve("debian12-results.xml"));

        await().atMost(DEADLINE).until(() -> sink.latest(VM).isPresent());
        List<Object> facts = sink.latest(VM).orElseThrow();
        assertThat(facts).hasSize(44).allSatisfy(f -> assertThat(f).isInstanceOf(CheckResult.class));
        assertThat(facts.stream().map(CheckResult.class::cast).collect(Collectors.groupingBy(CheckResult::result, Collectors.counting())))
                .containsExactlyInAnyOrderEntriesOf(Map.of("pass", 17L, "fail", 1L, "notapplicable", 26L));
        assertThat(facts).map(CheckResult.class::cast).filteredOn(c -> c.result().equals("fail")).singleElement()
                .satisfies(c -> {
                    assertThat(c.ruleId()).isEqualTo("xccdf_org.ssgproject.content_rule_file_permissions_systemmap");
                    assertThat(c.file()).isEqualTo(folder.resolve("debian12-results.xml").toString());
                });

        await().atMost(DEADLINE).untilAsserted(() -> assertThat(route().counters()).satisfies(c -> {
            assertThat(c.itemsRead()).isEqualTo(44);
            assertThat(c.errors()).isZero();
            assertThat(c.lastSuccess()).isPresent();
        }));
        // read once: the unchanged file is not handed over again on the following polls
        await().during(Duration.ofMillis(800)).atMost(DEADLINE).until(() -> sink.calls(VM) == 1);
        assertThat(route().state()).isEqualTo("Started");
        assertThat(sink.keys()).containsExactly(VM);
    }

    @Test
    void aHostMissingFromANewerResultOfTheSameFileIsWithdrawnAndADeletedResultWithdrawsItsHosts() throws Exception {
        sources.start(sink);
        Path results = inbox.resolve("xccdf").resolve("nightly.xml");
        byte[] vmScan = Files.readAllBytes(XccdfResultParserTest.corpus());
        drop(vmScan, results);
        await().atMost(DEADLINE).until(() -> sink.holds(VM));

        // the same file, next night: the scan reached db1 only
        byte[] db1Scan = new String(vmScan, StandardCharsets.UTF_8).replace("<target>vm</target>", "<target>db1</target>")
                .getBytes(StandardCharsets.UTF_8);
        drop(db1Scan, results);
        EvidenceKey db1 = new EvidenceKey("xccdf", "db1", ROUTE);

        await().atMost(DEADLINE).until(() -> sink.holds(db1) && !sink.holds(VM));
        assertThat(sink.latest(db1).orElseThrow()).hasSize(44);
        assertThat(sink.withdrawals()).containsExactly(VM);
        await().atMost(DEADLINE).untilAsserted(() ->
                assertThat(route().counters().flags()).containsEntry(SourceMonitor.EVIDENCE_WITHDRAWN, 1L));

        Files.delete(results);
        await().atMost(DEADLINE).until(() -> !sink.holds(db1));
        assertThat(sink.withdrawals()).containsExactly(VM, db1);
    }

    @Test
    void aHostAnotherResultFileStillHasIsNotWithdrawn() throws Exception {
        sources.start(sink);
        byte[] vmScan = Files.readAllBytes(XccdfResultParserTest.corpus());
        drop(vmScan, inbox.resolve("xccdf").resolve("monday.xml"));
        Path tuesday = drop(vmScan, inbox.resolve("xccdf").resolve("tuesday.xml"));
        await().atMost(DEADLINE).until(() -> sink.calls(VM) == 2);

        Files.delete(tuesday);

        // monday.xml still has vm: it is read again rather than vm withdrawn
        await().atMost(DEADLINE).until(() -> sink.calls(VM) == 3);
        sources.checkEvidence();
        assertThat(sink.withdrawals()).isEmpty();
        assertThat(sink.latest(VM).orElseThrow()).map(CheckResult.class::cast).extracting(CheckResult::file)
                .containsOnly(inbox.resolve("xccdf").resolve("monday.xml").toString());
    }

    /**
     * A scan written to a new file at each run: the newer result replaces the older one, and a host it left out is
     * withdrawn, though the older file stays in the folder; a restart, which reads every file again, does not bring it back.
     */
    @Test
    void aNewerScanOfTheSameProfileInAnotherFileSupersedesTheOlderOneAndWithdrawsTheHostsItLeftOut() throws Exception {
        sources.start(sink);
        Path folder = inbox.resolve("xccdf");
        String real = Files.readString(XccdfResultParserTest.corpus(), StandardCharsets.UTF_8);
        EvidenceKey db1 = new EvidenceKey("xccdf", "db1", ROUTE);
        drop(withHosts(real, "vm", "db1").getBytes(StandardCharsets.UTF_8), folder.resolve("scan-2026-11-27.xml"));
        await().atMost(DEADLINE).until(() -> sink.holds(VM) && sink.holds(db1));

        // the next night's run reached vm only
        Path tuesday = drop(real.replace("2026-11-27T23:54", "2026-11-28T23:54").getBytes(StandardCharsets.UTF_8),
                folder.resolve("scan-2026-11-28.xml"));

        await().atMost(DEADLINE).until(() -> !sink.holds(db1));
        assertThat(sink.withdrawals()).containsExactly(db1);
        assertThat(files(sink, VM)).containsOnly(tuesday.toString());
        assertThat(folder.resolve("scan-2026-11-27.xml")).exists();

        sources.close();
        CollectingSink afterRestart = new CollectingSink();
        sources = IsolatedSources.in(temp);
        sources.start(afterRestart);
        sources.awaitPolls(ROUTE, 2);
        assertThat(afterRestart.calls(db1)).as("the superseded file is not taken in again").isZero();
        assertThat(files(afterRestart, VM)).containsOnly(tuesday.toString());

        // changed, the older file is judged again: still older than the file in force, still superseded
        Files.setLastModifiedTime(folder.resolve("scan-2026-11-27.xml"), java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
        sources.awaitPolls(ROUTE, 2);
        assertThat(afterRestart.calls(db1)).isZero();
    }

    /** One result file per host, the usual way: a newer scan of one host says nothing about the others, nor another profile's. */
    @Test
    void resultsSharingNoHostOrOfAnotherProfileNeverSupersedeEachOther() throws Exception {
        sources.start(sink);
        Path folder = inbox.resolve("xccdf");
        String real = Files.readString(XccdfResultParserTest.corpus(), StandardCharsets.UTF_8);
        EvidenceKey db1 = new EvidenceKey("xccdf", "db1", ROUTE);
        EvidenceKey web1 = new EvidenceKey("xccdf", "web1", ROUTE);
        drop(withHosts(real, "db1").getBytes(StandardCharsets.UTF_8), folder.resolve("db1.xml"));
        drop(withHosts(real, "web1").getBytes(StandardCharsets.UTF_8), folder.resolve("web1-standard.xml"));
        await().atMost(DEADLINE).until(() -> sink.holds(db1) && sink.holds(web1));

        // later: vm with the same profile, and web1 with another profile
        String later = real.replace("2026-11-27T23:54", "2026-11-28T23:54");
        drop(later.getBytes(StandardCharsets.UTF_8), folder.resolve("vm.xml"));
        Path anssi = drop(withHosts(later.replace("content_profile_standard\"/>", "content_profile_anssi_bp28_minimal\"/>"), "web1")
                .getBytes(StandardCharsets.UTF_8), folder.resolve("web1-anssi.xml"));
        await().atMost(DEADLINE).until(() -> sink.holds(VM) && files(sink, web1).contains(anssi.toString()));
        sources.awaitPolls(ROUTE, 2);
        assertThat(sink.withdrawals()).isEmpty();
        assertThat(sink.holds(db1)).isTrue();

        // the standard profile's result of web1 is still in force: it takes over when the other is deleted
        Files.delete(anssi);
        await().atMost(DEADLINE).until(() -> files(sink, web1).contains(folder.resolve("web1-standard.xml").toString()));
        assertThat(sink.withdrawals()).isEmpty();
    }

    @Test
    void aTruncatedResultIsDeadLetteredWithItsLineAndTheRouteGoesOn() throws Exception {
        sources.start(sink);
        byte[] whole = Files.readAllBytes(XccdfResultParserTest.corpus());
        byte[] half = java.util.Arrays.copyOf(whole, whole.length / 2);
        long lines = new String(half, StandardCharsets.UTF_8).lines().count();
        Path broken = drop(half, inbox.resolve("xccdf").resolve("broken.xml"));

        await().atMost(DEADLINE).until(() -> sources.reasonFiles(ROUTE).size() == 1);
        assertThat(sources.reasons(ROUTE).get(0))
                .contains("route: " + ROUTE)
                .contains("input: " + broken)
                .contains("reason: " + broken + ":" + lines + ": XML document structures must start and end within the same entity");
        await().atMost(DEADLINE).untilAsserted(() -> {
            assertThat(route().counters().errors()).isEqualTo(1);
            assertThat(route().counters().deadLetters()).isEqualTo(1);
        });
        assertThat(sink.keys()).isEmpty();

        drop(whole, inbox.resolve("xccdf").resolve("good.xml"));
        await().atMost(DEADLINE).until(() -> sink.latest(VM).isPresent());
        assertThat(route().state()).isEqualTo("Started");
        assertThat(route().counters().errors()).isEqualTo(1);
    }

    @Test
    void aResultAboveTheConfiguredLimitIsDeadLetteredAsTooLarge() throws Exception {
        sources.with(XccdfResultParser.MAX_BYTES_SETTING, "1000000").start(sink);
        Path big = drop(Files.readAllBytes(XccdfResultParserTest.corpus()), inbox.resolve("xccdf").resolve("big.xml"));

        await().atMost(DEADLINE).until(() -> sources.reasonFiles(ROUTE).size() == 1);
        assertThat(sources.reasons(ROUTE).get(0)).contains("reason: " + big + ": file is " + Files.size(big)
                + " bytes, more than the 1000000 an XCCDF result may have (annexa.sources.xccdf.max-file-bytes)");
        assertThat(sink.keys()).isEmpty();
    }

    @Test
    void aFailureTheNextScanDoesNotEvaluateStaysEvidenceAcrossARestartUntilAScanEvaluatesIt() throws Exception {
        String systemMap = "xccdf_org.ssgproject.content_rule_file_permissions_systemmap";
        String real = Files.readString(XccdfResultParserTest.corpus(), StandardCharsets.UTF_8);
        // a week later, with a tailored profile that leaves the System.map check out
        String later = real.replace("2026-11-27T23:54", "2026-12-04T08:12");
        String withoutSystemMap = later.replaceFirst("(?s)<rule-result idref=\"" + systemMap + "\".*?</rule-result>", "");
        String systemMapPasses = later.replaceFirst("(?s)(<rule-result idref=\"" + systemMap + "\".*?<result>)fail(</result>)", "$1pass$2");
        sources.start(sink);
        Path folder = inbox.resolve("xccdf");
        drop(real.getBytes(StandardCharsets.UTF_8), folder.resolve("scan.xml"));
        await().atMost(DEADLINE).until(() -> failures().contains(systemMap + " fail 2026-11-27T23:54:33Z"));

        drop(withoutSystemMap.getBytes(StandardCharsets.UTF_8), folder.resolve("scan.xml"));
        await().atMost(DEADLINE).until(() -> sink.latest(VM).orElseThrow().stream().map(CheckResult.class::cast)
                .anyMatch(c -> c.checkedAt().toString().startsWith("2026-12-04")));
        assertThat(failures()).as("the earlier failure, with its own time and file").containsExactly(systemMap + " fail 2026-11-27T23:54:33Z");

        sources.close();
        CollectingSink afterRestart = new CollectingSink();
        sources = IsolatedSources.in(temp);
        sources.start(afterRestart);
        await().atMost(DEADLINE).until(() -> afterRestart.latest(VM).isPresent());
        assertThat(afterRestart.latest(VM).orElseThrow()).map(CheckResult.class::cast).filteredOn(c -> c.result().equals("fail"))
                .extracting(c -> c.ruleId() + " " + c.checkedAt()).containsExactly(systemMap + " 2026-11-27T23:54:33Z");

        drop(systemMapPasses.getBytes(StandardCharsets.UTF_8), folder.resolve("scan.xml"));
        await().atMost(DEADLINE).until(() -> afterRestart.latest(VM).orElseThrow().stream().map(CheckResult.class::cast)
                .noneMatch(c -> c.result().equals("fail")));
    }

    /** The real scan's one TestResult, once per host, in one file. */
    private static String withHosts(String real, String... hosts) {
        java.util.regex.Matcher testResult = java.util.regex.Pattern.compile("(?s)  <TestResult .*?</TestResult>\n").matcher(real);
        assertThat(testResult.find()).isTrue();
        StringBuilder all = new StringBuilder();
        for (String host : hosts) {
            all.append(testResult.group().replace("<target>vm</target>", "<target>" + host + "</target>"));
        }
        return real.substring(0, testResult.start()) + all + real.substring(testResult.end());
    }

    /** The files the host's results in force came from. */
    private static List<String> files(CollectingSink sink, EvidenceKey key) {
        return sink.latest(key).orElse(List.of()).stream().map(CheckResult.class::cast).map(CheckResult::file).distinct().toList();
    }

    private List<String> failures() {
        return sink.latest(VM).orElse(List.of()).stream().map(CheckResult.class::cast).filter(c -> c.result().equals("fail"))
                .map(c -> c.ruleId() + " " + c.result() + " " + c.checkedAt()).toList();
    }

    private SourceRuntime.RouteStatus route() {
        return sources.route(ROUTE);
    }

    /** Writes beside the inbox and renames into it, so the route never sees half a file. */
    private Path drop(byte[] content, Path target) throws IOException {
        Path staged = Files.write(Files.createDirectories(temp.resolve("staging")).resolve(target.getFileName()), content);
        return Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
    }
}
