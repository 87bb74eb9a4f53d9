package io.annexa.ingestion.xccdf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.annexa.control.ControlCatalog;
import io.annexa.evidence.CheckResult;
import io.annexa.evidence.InvalidInputException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class XccdfResultParserTest {

    private static final String RULE = "xccdf_org.ssgproject.content_rule_";
    private static ControlCatalog catalog;
    /** The corpus file, parsed once: every RealScan test reads the same result. */
    private static XccdfReport realScan;

    @TempDir
    Path temp;

    @BeforeAll
    static void parseTheRealScan() throws Exception {
        catalog = ControlCatalog.load();
        realScan = new XccdfResultParser(catalog, XccdfResultParser.DEFAULT_MAX_BYTES).parse(corpus());
    }

    static Path corpus() throws URISyntaxException {
        return Path.of(Objects.requireNonNull(XccdfResultParserTest.class.getResource(
                "/corpus/openscap/debian12-standard-xccdf-results.xml"), "corpus file").toURI());
    }

    private static XccdfReport parse(Path file) throws IOException, InvalidInputException {
        return new XccdfResultParser(catalog, XccdfResultParser.DEFAULT_MAX_BYTES).parse(file);
    }

    private InvalidInputException rejected(Path file) {
        return catchThrowableOfType(InvalidInputException.class, () -> parse(file));
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(temp.resolve(name), content, StandardCharsets.UTF_8);
    }

    /** The real OpenSCAP result; expected numbers counted with grep on the file (see the corpus README). */
    @Nested
    class RealScan {

        @Test
        void everyRuleResultIsReadAndTheNotSelectedOnesAreSkipped() {
            // grep -c '<rule-result' = 355; grep -o '<result>[a-z]*</result>' | sort | uniq -c
            assertThat(realScan.checks().size() + realScan.notSelected()).isEqualTo(355);
            assertThat(realScan.notSelected()).isEqualTo(311);
            Map<String, Long> byResult = realScan.checks().stream()
                    .collect(Collectors.groupingBy(CheckResult::result, Collectors.counting()));
            assertThat(byResult).containsExactlyInAnyOrderEntriesOf(Map.of("pass", 17L, "fail", 1L, "notapplicable", 26L));
        }

        @Test
        void theScannedHostIsTheAsset() throws Exception {
            assertThat(realScan.assets()).containsExactly("vm");
            assertThat(realScan.checks()).allSatisfy(c -> {
                assertThat(c.asset()).isEqualTo("vm");
                assertThat(c.source()).isEqualTo("xccdf");
                assertThat(c.file()).isEqualTo(corpus().toString());
            });
            // each rule-result's own time: 32 at the start of the scan, 12 at its end (grep on the file)
            assertThat(realScan.checks().stream().collect(Collectors.groupingBy(CheckResult::checkedAt, Collectors.counting())))
                    .containsExactlyInAnyOrderEntriesOf(Map.of(Instant.parse("2026-11-27T23:54:33Z"), 32L,
                            Instant.parse("2026-11-27T23:54:35Z"), 12L));
            assertThat(realScan.checksOf("vm")).hasSize(44);
        }

        @Test
        void theFailingRuleCarriesItsTitleAndSeverity() {
            CheckResult systemMap = check(RULE + "file_permissions_systemmap");
            assertThat(systemMap.result()).isEqualTo("fail");
            // the rule and its rule-result both say severity="unknown"; the content gives it no ISO reference
            assertThat(systemMap.severity()).isEqualTo("unknown");
            assertThat(systemMap.title()).isEqualTo("Verify that local System.map file (if exists) is readable only by root");
            assertThat(systemMap.references2013()).isEmpty();
            assertThat(systemMap.controls()).isEmpty();
            assertThat(systemMap.checkedAt()).isEqualTo(Instant.parse("2026-11-27T23:54:33Z"));
        }

        @Test
        void isoReferencesAreTranslatedTo2022Controls() {
            CheckResult telnetd = check(RULE + "package_telnetd_removed");
            assertThat(telnetd.result()).isEqualTo("pass");
            assertThat(telnetd.severity()).isEqualTo("high");
            assertThat(telnetd.title()).isEqualTo("Uninstall the telnet server");
            // the 13 <reference href="https://www.iso.org/standard/54534.html"> of the rule, in the standard's order
            assertThat(telnetd.references2013()).containsExactly("A.6.2.1", "A.6.2.2", "A.9.1.2", "A.11.2.6", "A.12.1.2",
                    "A.12.5.1", "A.12.6.2", "A.13.1.1", "A.13.2.1", "A.14.1.3", "A.14.2.2", "A.14.2.3", "A.14.2.4");
            // per iso27001-2013-mapping.xml: A.12.1.2 and A.14.2.2-4 all became 8.32, A.12.5.1 and A.12.6.2 both 8.19
            assertThat(telnetd.controls()).containsExactly("5.14", "5.15", "6.7", "7.9", "8.1", "8.19", "8.20", "8.26", "8.32");

            CheckResult rootLogin = check(RULE + "sshd_disable_root_login");
            assertThat(rootLogin.result()).isEqualTo("notapplicable");
            assertThat(rootLogin.references2013()).hasSize(31).contains("A.9.4.2");
            assertThat(rootLogin.controls()).contains("8.5"); // A.9.4.2 Secure log-on procedures
        }

        @Test
        void everyIsoReferenceOfTheContentIsKnownToTheCatalog() {
            List<String> references = realScan.checks().stream().flatMap(c -> c.references2013().stream()).distinct().toList();
            assertThat(references).isNotEmpty().allSatisfy(id -> assertThat(catalog.legacy(id)).as(id).isPresent());
            assertThat(realScan.checks()).filteredOn(c -> !c.references2013().isEmpty())
                    .allSatisfy(c -> assertThat(c.controls()).isNotEmpty().allSatisfy(id -> assertThat(catalog.contains(id)).isTrue()));
        }

        private CheckResult check(String ruleId) {
            return realScan.checks().stream().filter(c -> c.ruleId().equals(ruleId)).collect(Collectors.collectingAndThen(
                    Collectors.toList(), list -> {
                        assertThat(list).as(ruleId).hasSize(1);
                        return list.get(0);
                    }));
        }
    }

    // ---------------------------------------------------------------- the three document shapes

    private static final String RULES = """
              <Rule id="r1" severity="high">
                <title xml:lang="en-US">Rule one</title>
                <description>Long <html:b xmlns:html="http://www.w3.org/1999/xhtml">prose</html:b></description>
                <reference href="https://www.iso.org/standard/54534.html">A.12.4.1,A.9.4.2, A.12.4.1</reference>
                <reference href="https://www.cisecurity.org/controls/">5</reference>
              </Rule>
            """;
    private static final String TEST_RESULT = """
              <TestResult id="t" start-time="2025-01-01T10:00:00+01:00" end-time="2025-01-01T10:05:00">
                <target>Web1.Example.org.</target>
                <rule-result idref="r1" severity="low"><result>fail</result></rule-result>
                <rule-result idref="r1" time="2025-01-01T10:01:00Z"><result>error</result></rule-result>
                <rule-result idref="r2"><result>pass</result></rule-result>
              </TestResult>
            """;

    @Test
    void aBenchmarkWithRulesInGroupsAndAResultIsRead() throws Exception {
        XccdfReport report = parse(write("benchmark.xml", """
                <?xml version="1.0"?>
                <Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="b">
                  <Group id="g"><Group id="g2">
                """ + RULES + """
                  </Group></Group>
                """ + TEST_RESULT + """
                </Benchmark>
                """));

        assertThat(report.assets()).containsExactly("web1.example.org");
        assertThat(report.checks()).extracting(CheckResult::ruleId, CheckResult::result, CheckResult::severity, CheckResult::title)
                .containsExactly(
                        tuple("r1", "fail", "low", "Rule one"), // the rule-result's severity wins
                        tuple("r1", "error", "high", "Rule one"),
                        tuple("r2", "pass", "unknown", "")); // no definition in the file
        CheckResult first = report.checks().get(0);
        // one comma-separated reference (older SSG content), deduplicated and in the standard's order
        assertThat(first.references2013()).containsExactly("A.9.4.2", "A.12.4.1");
        assertThat(first.controls()).containsExactly("8.5", "8.15");
        // no time on the rule-result: the end of the test; no offset there: UTC
        assertThat(first.checkedAt()).isEqualTo(Instant.parse("2025-01-01T10:05:00Z"));
        assertThat(report.checks().get(1).checkedAt()).isEqualTo(Instant.parse("2025-01-01T10:01:00Z"));
    }

    @Test
    void aBareTestResultIsReadWithoutRuleDefinitions() throws Exception {
        XccdfReport report = parse(write("bare.xml", TEST_RESULT.replace("<TestResult ",
                "<TestResult xmlns=\"http://checklists.nist.gov/xccdf/1.2\" ")));

        assertThat(report.checks()).extracting(CheckResult::ruleId, CheckResult::result, CheckResult::title)
                .containsExactly(tuple("r1", "fail", ""),
                        tuple("r1", "error", ""), tuple("r2", "pass", ""));
        assertThat(report.checks().get(1).references2013()).isEmpty();
    }

    @Test
    void anArfCollectionIsReadWithRulesFromItsDataStreamAndResultsFromItsReports() throws Exception {
        XccdfReport report = parse(write("arf.xml", """
                <?xml version="1.0"?>
                <arf:asset-report-collection xmlns:arf="http://scap.nist.gov/schema/asset-reporting-format/1.1"
                    xmlns:ds="http://scap.nist.gov/schema/scap/source/1.2" xmlns:xccdf="http://checklists.nist.gov/xccdf/1.2">
                  <arf:report-requests><arf:report-request id="req"><arf:content>
                    <ds:data-stream-collection><ds:component id="c">
                      <Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="b">
                """ + RULES + """
                      </Benchmark>
                    </ds:component></ds:data-stream-collection>
                  </arf:content></arf:report-request></arf:report-requests>
                  <arf:reports><arf:report id="rep"><arf:content>
                """ + TEST_RESULT.replace("<TestResult ", "<TestResult xmlns=\"http://checklists.nist.gov/xccdf/1.2\" ") + """
                  </arf:content></arf:report></arf:reports>
                </arf:asset-report-collection>
                """));

        assertThat(report.assets()).containsExactly("web1.example.org");
        assertThat(report.checks()).hasSize(3);
        assertThat(report.checks().get(1).title()).isEqualTo("Rule one");
        assertThat(report.checks().get(1).controls()).containsExactly("8.5", "8.15");
    }

    // ---------------------------------------------------------------- rejected inputs

    @Test
    void anotherRootElementIsRejectedWithItsLine() throws Exception {
        Path file = write("pom.xml", "<?xml version=\"1.0\"?>\n\n<project xmlns=\"http://maven.apache.org/POM/4.0.0\"/>\n");
        InvalidInputException e = rejected(file);
        assertThat(e.getLine()).isEqualTo(3);
        assertThat(e.getMessage()).startsWith(file + ":3: root element is {http://maven.apache.org/POM/4.0.0}project, not an XCCDF 1.2");
    }

    @Test
    void xccdf11IsRejectedAsSuch() throws Exception {
        Path file = write("old.xml", "<Benchmark xmlns=\"http://checklists.nist.gov/xccdf/1.1\"/>");
        assertThat(rejected(file).getReason()).startsWith("this is XCCDF 1.1; only XCCDF 1.2");
    }

    @Test
    void benchmarkContentWithoutResultsIsRejected() throws Exception {
        Path file = write("content.xml", "<Benchmark xmlns=\"http://checklists.nist.gov/xccdf/1.2\">" + RULES + "</Benchmark>");
        assertThat(rejected(file).getReason()).startsWith("no TestResult: this is benchmark content");
    }

    @Test
    void anUnknownResultIsRejectedWithTheLineOfItsRuleResult() throws Exception {
        Path file = write("odd.xml", """
                <TestResult xmlns="http://checklists.nist.gov/xccdf/1.2" id="t" end-time="2025-01-01T10:05:00Z">
                  <target>web1</target>
                  <rule-result idref="r1"><result>pass</result></rule-result>
                  <rule-result idref="r2"><result>passed</result></rule-result>
                </TestResult>
                """);
        InvalidInputException e = rejected(file);
        assertThat(e.getLine()).isEqualTo(4);
        assertThat(e.getReason()).startsWith("rule-result r2 has result 'passed', not one of error, fail, fixed,");
    }

    @Test
    void aMismatchedTagIsRejectedWithItsLine() throws Exception {
        Path file = write("broken.xml", """
                <TestResult xmlns="http://checklists.nist.gov/xccdf/1.2" id="t">
                  <target>web1</target>
                  <rule-result idref="r1"><result>pass</result></rule-result>
                  <rule-result idref="r2"><result>pass</rsult></rule-result>
                </TestResult>
                """);
        InvalidInputException e = rejected(file);
        assertThat(e.getLine()).isEqualTo(4);
        assertThat(e.getMessage()).startsWith(file + ":4: ").contains("result");
    }

    @Test
    void aTruncatedResultIsRejectedWithTheLineWhereItEnds() throws Exception {
        byte[] whole = Files.readAllBytes(corpus());
        String half = new String(whole, 0, whole.length / 2, StandardCharsets.UTF_8);
        Path file = write("truncated.xml", half);
        long lines = half.lines().count();

        InvalidInputException e = rejected(file);
        assertThat(e.getLine()).isEqualTo(lines);
        assertThat(e.getMessage()).startsWith(file + ":" + lines + ": ").contains("must start and end within the same entity");
    }

    @Test
    void anExternalEntityIsNeverResolved() throws Exception {
        Path secret = write("secret.txt", "s3cr3t-from-disk");
        Path file = write("xxe.xml", """
                <?xml version="1.0"?>
                <!DOCTYPE TestResult [ <!ENTITY xxe SYSTEM "%s"> ]>
                <TestResult xmlns="http://checklists.nist.gov/xccdf/1.2" id="t">
                  <target>&xxe;</target>
                  <rule-result idref="r1"><result>pass</result></rule-result>
                </TestResult>
                """.formatted(secret.toUri()));

        InvalidInputException e = rejected(file);
        assertThat(e.getLine()).isEqualTo(2);
        assertThat(e.getReason()).startsWith("DOCTYPE is not allowed");
        assertThat(e.getMessage()).doesNotContain("s3cr3t");
    }

    @Test
    @Timeout(10)
    void entityExpansionIsNeverAttempted() throws Exception {
        StringBuilder entities = new StringBuilder("<!ENTITY lol0 \"lol\">\n");
        for (int i = 1; i <= 9; i++) {
            entities.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i - 1) + ";").repeat(10)).append("\">\n");
        }
        Path file = write("laughs.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE TestResult [\n" + entities + "]>\n"
                + "<TestResult xmlns=\"http://checklists.nist.gov/xccdf/1.2\"><target>&lol9;</target></TestResult>\n");

        Instant start = Instant.now();
        InvalidInputException e = rejected(file);
        assertThat(e.getReason()).startsWith("DOCTYPE is not allowed");
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aFileAboveTheLimitIsRefusedUnread() throws Exception {
        long size = Files.size(corpus());
        assertThatThrownBy(() -> new XccdfResultParser(catalog, 1_000_000).parse(corpus()))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.getLine()).isZero();
                    assertThat(e.getReason()).isEqualTo("file is " + size + " bytes, more than the 1000000 an XCCDF result may have"
                            + " (annexa.sources.xccdf.max-file-bytes)");
                });
        assertThat(XccdfResultParser.DEFAULT_MAX_BYTES).isGreaterThan(size);
    }

    @Test
    void controlIdsSortByNumber() {
        assertThat(List.of("8.32", "5.10", "A.12.4.1", "5.9", "A.9.4.2").stream().sorted(XccdfResultParser.BY_NUMBER).toList())
                .containsExactly("5.9", "5.10", "8.32", "A.9.4.2", "A.12.4.1");
    }
}
