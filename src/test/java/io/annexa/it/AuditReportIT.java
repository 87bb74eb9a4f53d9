package io.annexa.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.annexa.ProjectFiles;
import io.annexa.register.policy.AssetInventoryReader;
import io.annexa.register.policy.AssetRecord;
import jakarta.json.JsonObject;
import java.io.File;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * The audit report, the audit trail check and the asset overview on the real Payara Micro, as an auditor's tools
 * would fetch them: the XML report is checked against the schema Annexa itself publishes, the CSV read back with a
 * CSV parser, and the bundled sample host {@code web-01.sample} (nonconforming out of the box) must be in both.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AuditReportIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final String NS = "urn:annexa:audit-report:1";
    private static final String PASSWORD = "report password 0001";
    private static final String SAMPLE = "web-01.sample";
    private static final Set<String> UNFIXED = Set.of("open", "acknowledged", "action-planned", "pending-verification", "reopened");

    @Deployment(testable = false)
    static WebArchive annexa() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("annexa.war")));
    }

    @ArquillianResource
    URL base;

    private AnnexaClient auditor;
    private AnnexaClient viewer;
    private String from;
    private String to;

    @BeforeEach
    void setUp() {
        AnnexaClient admin = new AnnexaClient(URI.create(base.toString()));
        await().atMost(DEADLINE).until(admin::healthy);
        for (String role : List.of("auditor", "viewer")) {
            AnnexaClient.Reply reply = admin.post("api/users",
                    "{\"name\":\"report-" + role + "\",\"password\":\"" + PASSWORD + "\",\"role\":\"" + role + "\"}");
            assertThat(reply.status()).as(reply.body()).isIn(201, 409);
        }
        auditor = admin.as("report-auditor", PASSWORD);
        viewer = admin.as("report-viewer", PASSWORD);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        from = today.minusDays(1).toString();
        to = today.plusDays(1).toString();
        // the samples are read shortly after start
        await().atMost(DEADLINE).until(() -> auditor.list("api/nonconformities?status=open&asset=" + SAMPLE), l -> !l.isEmpty());
    }

    @Test
    void theXmlReportFollowsTheSchemaAnnexaPublishes() throws Exception {
        AnnexaClient.Reply schema = viewer.get("api/schemas/audit-report-1.xsd", "application/xml");
        assertThat(schema.status()).isEqualTo(200);
        assertThat(schema.body()).contains("targetNamespace=\"" + NS + "\"");

        AnnexaClient.Reply report = auditor.get("api/reports/audit?from=" + from + "&to=" + to + "&format=xml", "*/*");

        assertThat(report.status()).as(report.body()).isEqualTo(200);
        assertThat(report.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/xml"));
        assertThat(report.headers().firstValue("Content-Disposition"))
                .hasValue("attachment; filename=\"annexa-audit-" + from + "-" + to + ".xml\"");
        assertThat(report.body()).contains("api/schemas/audit-report-1.xsd");
        validator(schema.body()).validate(new StreamSource(new StringReader(report.body())));

        Element root = parse(report.body());
        assertThat(root.getAttribute("generatedBy")).isEqualTo("report-auditor");
        assertThat(root.getAttribute("from")).isEqualTo(from + "T00:00:00Z");
        Element trail = children(root, "auditTrail").get(0);
        assertThat(trail.getAttribute("valid")).isEqualTo("true");
        assertThat(Long.parseLong(trail.getAttribute("entries"))).isPositive();
        Element rootLogin = children(root, "nonconformity").stream()
                .filter(e -> e.getAttribute("asset").equals(SAMPLE) && e.getAttribute("ruleId").equals("sshd_root_login_disabled"))
                .findFirst().orElseThrow();
        assertThat(rootLogin.getAttribute("annexA")).isEqualTo("A.8.5");
        assertThat(children(rootLogin, "owner")).extracting(Element::getTextContent).containsExactly(sampleOwner().owner());
        List<Element> history = children(children(rootLogin, "history").get(0), "entry");
        assertThat(history).first().satisfies(open -> {
            assertThat(open.getAttribute("action")).isEqualTo("open");
            assertThat(open.getAttribute("actor")).isEqualTo("system");
            assertThat(open.getAttribute("hash")).matches("[0-9a-f]{64}");
        });

        // the Accept header chooses when ?format= is not given; XML when it names neither
        AnnexaClient.Reply byAccept = auditor.get("api/reports/audit?from=" + from + "&to=" + to, "text/csv");
        assertThat(byAccept.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        AnnexaClient.Reply byDefault = auditor.get("api/reports/audit?from=" + from + "&to=" + to, "application/json");
        assertThat(byDefault.status()).isEqualTo(200);
        validator(schema.body()).validate(new StreamSource(new StringReader(byDefault.body())));
    }

    @Test
    void theCsvReportHasAHeaderAndOneRowPerNonconformity() throws Exception {
        AnnexaClient.Reply report = auditor.get("api/reports/audit?from=" + from + "&to=" + to + "&format=csv", "*/*");

        assertThat(report.status()).as(report.body()).isEqualTo(200);
        assertThat(report.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        assertThat(report.headers().firstValue("Content-Disposition"))
                .hasValue("attachment; filename=\"annexa-audit-" + from + "-" + to + ".csv\"");
        try (CSVParser csv = CSVParser.parse(report.body(), CSVFormat.RFC4180.builder().setCommentMarker('#').setHeader()
                .setSkipHeaderRecord(true).get())) {
            assertThat(csv.getHeaderComment()).contains("by report-auditor").contains("audit trail: valid");
            assertThat(csv.getHeaderNames()).startsWith("id", "rule_id", "rule_title", "control", "controls")
                    .contains("asset", "owner", "status", "history_entries", "last_action");
            List<CSVRecord> rows = csv.getRecords();
            assertThat(rows).isNotEmpty().allSatisfy(r -> assertThat(r.size()).isEqualTo(csv.getHeaderNames().size()));
            assertThat(rows).filteredOn(r -> r.get("asset").equals(SAMPLE) && r.get("rule_id").equals("sshd_root_login_disabled"))
                    .singleElement().satisfies(r -> {
                        assertThat(r.get("owner")).isEqualTo(sampleOwner().owner());
                        assertThat(Integer.parseInt(r.get("history_entries"))).isPositive();
                        assertThat(r.get("annex_a")).isEqualTo("A.8.5");
                    });
        }
    }

    @Test
    void theAuditTrailVerifies() {
        JsonObject verification = auditor.get("api/audit/verify").json().asJsonObject();

        assertThat(verification.getBoolean("valid")).isTrue();
        assertThat(verification.getJsonNumber("entries").longValue()).isPositive();
        assertThat(verification.isNull("firstBroken")).isTrue();
    }

    @Test
    void assetsShowTheInventoryWithOpenCountsAndWhatIsNotInIt() throws Exception {
        AssetRecord expected = sampleOwner();
        await().atMost(DEADLINE).untilAsserted(() -> {
            JsonObject assets = viewer.get("api/assets").json().asJsonObject();
            JsonObject sample = assets.getJsonArray("inventory").getValuesAs(JsonObject.class).stream()
                    .filter(a -> !a.isNull("name") && a.getString("name").equals(SAMPLE)).findFirst().orElseThrow();
            assertThat(sample.getString("owner")).isEqualTo(expected.owner());
            assertThat(sample.getString("criticality")).isEqualTo(expected.criticality().label());
            assertThat(sample.getBoolean("decommissioned")).isFalse();
            assertThat(sample.isNull("lastReported")).isFalse();
            long unfixed = auditor.list("api/nonconformities?limit=500&asset=" + SAMPLE).stream()
                    .filter(nc -> UNFIXED.contains(nc.getString("status"))).count();
            assertThat(sample.getInt("openNonconformities")).isPositive().isEqualTo((int) unfixed);

            List<String> unregistered = assets.getJsonArray("unregistered").getValuesAs(JsonObject.class).stream()
                    .map(a -> a.getString("name")).toList();
            assertThat(unregistered).isSorted().doesNotContain(SAMPLE, "bastion-01.sample");
        });
    }

    @Test
    void onlyAuditorsGetTheReportAndTheTrail() {
        String path = "api/reports/audit?from=" + from + "&to=" + to + "&format=xml";
        AnnexaClient.Reply refused = viewer.get(path, "*/*");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("auditor");
        assertThat(viewer.get("api/audit/verify").status()).isEqualTo(403);
        assertThat(auditor.anonymous().get(path, "*/*").status()).isEqualTo(401);
        assertThat(viewer.get("api/assets").status()).isEqualTo(200);
    }

    @Test
    void badParametersAreRefusedNamingThem() {
        assertBadRequest("api/reports/audit?to=" + to, "query parameter from: required");
        assertBadRequest("api/reports/audit?from=" + from + "&to=soon", "query parameter to: 'soon' is neither a date");
        assertBadRequest("api/reports/audit?from=" + to + "&to=" + from, "query parameter to:");
        assertBadRequest("api/reports/audit?from=2020-01-01&to=2024-01-01", "longer than 3 years");
        assertBadRequest("api/reports/audit?from=" + from + "&to=" + to + "&format=pdf", "query parameter format: 'pdf' is not one of csv, xml");
    }

    // ---------------------------------------------------------------- helpers

    private void assertBadRequest(String path, String message) {
        AnnexaClient.Reply reply = auditor.get(path, "*/*");
        assertThat(reply.status()).as("GET %s: %s", path, reply.body()).isEqualTo(400);
        assertThat(reply.json().asJsonObject().getString("error")).contains(message);
    }

    /** The sample host's entry in the shipped config/assets.yml, which the bundle serves. */
    private static AssetRecord sampleOwner() throws Exception {
        return AssetInventoryReader.read(ProjectFiles.root().resolve("config/assets.yml")).find(SAMPLE).orElseThrow();
    }

    private static Validator validator(String xsd) throws Exception {
        // the same hardening as SafeXml.schema: no external DTD or schema fetched
        SchemaFactory schemas = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        schemas.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        schemas.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        schemas.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return schemas.newSchema(new StreamSource(new StringReader(xsd))).newValidator();
    }

    private static Element parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml))).getDocumentElement();
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element e && NS.equals(e.getNamespaceURI()) && name.equals(e.getLocalName())) {
                found.add(e);
            }
        }
        return found;
    }
}
