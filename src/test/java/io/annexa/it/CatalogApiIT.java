package io.annexa.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.awaitility.core.ConditionTimeoutException;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * The reference data and the Statement of Applicability as the REST API serves them from the real WAR
 * on Payara Micro: controls and their filters, requirements, the 2013 mapping, the SoA in JSON, CSV
 * and XML, and the schema the XML follows.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CatalogApiIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String SOA_NS = "urn:annexa:soa:1";

    @Deployment(testable = false)
    static WebArchive annexa() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("annexa.war")));
    }

    @ArquillianResource
    URL base;

    @TempDir
    Path dir;

    private AnnexaClient api;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Set once Annexa did not become ready: the remaining tests fail at once, with the same reason. */
    private static volatile String notReady;

    @BeforeEach
    void setUp() {
        api = new AnnexaClient(URI.create(base.toString()));
        assertThat(notReady).as("Annexa is not ready").isNull();
        try {
            await().atMost(DEADLINE).until(api::healthy);
            // the catalog is loaded during start-up; wait until the API answers with it, not 503
            await().atMost(DEADLINE).until(() -> api.get("api/controls").status() == 200);
        } catch (ConditionTimeoutException e) {
            notReady = "not ready within " + DEADLINE + "; /health: " + lastReply("health") + "; /api/controls: " + lastReply("api/controls");
            throw new AssertionError(notReady, e);
        }
    }

    private String lastReply(String path) {
        try {
            AnnexaClient.Reply reply = api.get(path);
            return reply.status() + " " + reply.body();
        } catch (UncheckedIOException e) {
            return e.getMessage();
        }
    }

    // ---------------------------------------------------------------- controls

    @Test
    void allControlsAreListed() {
        List<JsonObject> controls = api.list("api/controls");
        assertThat(controls).hasSize(93);
        assertThat(controls).extracting(c -> c.getString("id")).doesNotHaveDuplicates().contains("5.1", "8.34");
        assertThat(controls).allSatisfy(c -> {
            assertThat(c.getString("title")).isNotBlank();
            assertThat(c.getString("annexA")).isEqualTo("A." + c.getString("id"));
            assertThat(c.getString("monitoring")).isIn("automated", "partial", "manual");
            assertThat(c.getString("status")).isIn("compliant", "nonconforming", "not_evaluated", "not_applicable");
            JsonObject attributes = c.getJsonObject("attributes");
            assertThat(attributes.keySet()).containsExactlyInAnyOrder("controlType", "securityProperty",
                    "cybersecurityConcept", "operationalCapability", "securityDomain");
            attributes.values().forEach(v -> assertThat(strings(v.asJsonArray())).isNotEmpty().allMatch(s -> s.startsWith("#")));
        });
    }

    @Test
    void controlsAreFiltered() {
        assertThat(api.list("api/controls?theme=people")).hasSize(8)
                .allSatisfy(c -> assertThat(c.getString("theme")).isEqualTo("people"));
        assertThat(api.list("api/controls?theme=Technological")).hasSize(34);
        assertThat(api.list("api/controls?new=true")).extracting(c -> c.getString("id"))
                .containsExactlyInAnyOrder("5.7", "5.23", "5.30", "7.4", "8.9", "8.10", "8.11", "8.12", "8.16", "8.23", "8.28");
        assertThat(api.list("api/controls?new=false")).hasSize(82);

        List<JsonObject> detective = api.list("api/controls?attribute=%23Detective");
        assertThat(detective).isNotEmpty().hasSizeLessThan(93)
                .allSatisfy(c -> assertThat(attribute(c, "controlType")).contains("#Detective"));
        assertThat(api.list("api/controls?attribute=detective")).hasSameSizeAs(detective);
        assertThat(api.list("api/controls?attribute=%23Resilience")).isNotEmpty()
                .allSatisfy(c -> assertThat(attribute(c, "securityDomain")).contains("#Resilience"));

        List<JsonObject> corrective = api.list("api/controls?controlType=Corrective");
        assertThat(corrective).isNotEmpty().hasSizeLessThan(93)
                .allSatisfy(c -> assertThat(attribute(c, "controlType")).contains("#Corrective"));
        assertThat(api.list("api/controls?controlType=%23corrective")).hasSameSizeAs(corrective);

        assertThat(api.list("api/controls?securityDomain=Resilience")).isNotEmpty().hasSizeLessThan(93)
                .allSatisfy(c -> assertThat(attribute(c, "securityDomain")).contains("#Resilience"));

        // filters combine
        assertThat(api.list("api/controls?theme=technological&controlType=Detective"))
                .isNotEmpty()
                .allSatisfy(c -> {
                    assertThat(c.getString("theme")).isEqualTo("technological");
                    assertThat(attribute(c, "controlType")).contains("#Detective");
                });
    }

    @Test
    void monitoringFilterFollowsTheRules() {
        List<JsonObject> manual = api.list("api/controls?monitoring=manual");
        assertThat(manual).isNotEmpty().allSatisfy(c -> {
            assertThat(c.getString("monitoring")).isEqualTo("manual");
            assertThat(c.getJsonArray("rules")).isEmpty();
        });
        assertThat(manual).extracting(c -> c.getString("id")).contains("5.1").doesNotContain("8.5", "8.2");
        assertThat(api.list("api/controls?monitoring=automated")).extracting(c -> c.getString("id")).contains("8.5", "8.2");
        // partial: only cited beside another main control; which ones depends on the library of the day
        assertThat(api.list("api/controls?monitoring=partial")).allSatisfy(c -> {
            assertThat(c.getString("monitoring")).isEqualTo("partial");
            assertThat(c.getJsonArray("rules")).isNotEmpty();
        });
        int total = manual.size() + api.list("api/controls?monitoring=automated").size()
                + api.list("api/controls?monitoring=partial").size();
        assertThat(total).isEqualTo(93);
    }

    @Test
    void badFilterValuesSayWhatIsAllowed() {
        assertBadRequest("api/controls?theme=human", "human", "organizational, people, physical, technological");
        assertBadRequest("api/controls?controlType=Proactive", "Proactive", "#Preventive, #Detective, #Corrective");
        assertBadRequest("api/controls?new=maybe", "maybe", "true, false");
        assertBadRequest("api/controls?monitoring=sometimes", "sometimes", "automated, partial, manual");
        assertBadRequest("api/controls?status=green", "green", "compliant");
        assertBadRequest("api/controls?attribute=%23Proactive", "#Proactive", "#Detective");
        assertBadRequest("api/controls?colour=red", "colour", "theme");
        assertBadRequest("api/controls?colour=red", "colour", "controlType");
    }

    @Test
    void oneControlWithItsAttributesRulesAndFormerIds() {
        AnnexaClient.Reply reply = api.get("api/controls/8.5");
        assertThat(reply.status()).isEqualTo(200);
        JsonObject detail = reply.json().asJsonObject();
        JsonObject control = detail.getJsonObject("control");
        assertThat(control.getString("id")).isEqualTo("8.5");
        assertThat(control.getString("title")).isEqualTo("Secure authentication");
        assertThat(control.getString("theme")).isEqualTo("technological");
        assertThat(control.getString("annexA")).isEqualTo("A.8.5");
        assertThat(attribute(control, "controlType")).containsExactly("#Preventive");
        assertThat(attribute(control, "operationalCapability")).contains("#Identity_and_access_management");
        assertThat(strings(control.getJsonArray("rules")))
                .contains("sshd_root_login_disabled", "sshd_password_authentication_disabled");
        assertThat(control.getString("monitoring")).isEqualTo("automated");
        assertThat(strings(control.getJsonArray("formerly"))).contains("A.9.4.2");
        assertThat(detail.getJsonArray("nonconformities")).isNotNull();
    }

    @Test
    void anOldControlIdSaysWhatItBecame() {
        AnnexaClient.Reply reply = api.get("api/controls/A.9.4.2");
        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.json().asJsonObject().getString("error")).contains("A.9.4.2").contains("became 8.5");
        AnnexaClient.Reply unknown = api.get("api/controls/9.99");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).contains("9.99").doesNotContain("became");
    }

    // ---------------------------------------------------------------- requirements and mapping

    @Test
    void requirementsHaveClausesAndAnnexA() {
        JsonObject requirements = api.get("api/requirements").json().asJsonObject();
        assertThat(requirements.getString("standard")).isEqualTo("ISO/IEC 27001:2022");
        List<JsonObject> clauses = requirements.getJsonArray("clauses").getValuesAs(JsonObject.class);
        assertThat(clauses).extracting(c -> c.getString("id")).containsExactly("4", "5", "6", "7", "8", "9", "10");
        List<JsonObject> all = new ArrayList<>();
        flatten(clauses, all);
        assertThat(all).extracting(c -> c.getString("id"))
                .contains("4.1", "6.1.3", "6.3", "9.2.1", "9.2.2", "9.3.1", "9.3.2", "9.3.3", "10.1", "10.2");
        assertThat(all).filteredOn(c -> c.getString("id").equals("10.2")).singleElement()
                .satisfies(c -> assertThat(c.getString("title")).isEqualTo("Nonconformity and corrective action"));

        List<JsonObject> annexA = requirements.getJsonArray("annexA").getValuesAs(JsonObject.class);
        assertThat(annexA).hasSize(93);
        assertThat(annexA).allSatisfy(a -> assertThat(a.getString("id")).isEqualTo("A." + a.getString("control")));
        assertThat(annexA).extracting(a -> a.getString("control")).doesNotHaveDuplicates();
        assertThat(annexA).filteredOn(a -> a.getString("id").equals("A.8.5")).singleElement()
                .satisfies(a -> assertThat(a.getString("title")).isEqualTo("Secure authentication"));
    }

    @Test
    void theMappingFrom2013() {
        List<JsonObject> all = api.list("api/mappings/iso27001-2013");
        assertThat(all).hasSize(114);
        assertThat(all).extracting(m -> m.getString("id")).doesNotHaveDuplicates();

        JsonObject logon = api.get("api/mappings/iso27001-2013/A.9.4.2").json().asJsonObject();
        assertThat(logon.getString("id")).isEqualTo("A.9.4.2");
        assertThat(logon.getJsonArray("mapsTo").getValuesAs(JsonObject.class)).singleElement().satisfies(t -> {
            assertThat(t.getString("id")).isEqualTo("8.5");
            assertThat(t.getString("title")).isEqualTo("Secure authentication");
        });
        JsonObject review = api.get("api/mappings/iso27001-2013/A.18.2.3").json().asJsonObject();
        assertThat(review.getJsonArray("mapsTo").getValuesAs(JsonObject.class)).extracting(t -> t.getString("id"))
                .containsExactlyInAnyOrder("5.36", "8.8");

        AnnexaClient.Reply unknown = api.get("api/mappings/iso27001-2013/A.99.1.1");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).contains("A.99.1.1");
    }

    // ---------------------------------------------------------------- Statement of Applicability

    @Test
    void soaAsJson() {
        AnnexaClient.Reply reply = api.get("api/soa");
        assertThat(reply.status()).isEqualTo(200);
        JsonObject soa = reply.json().asJsonObject();
        assertThat(soa.getString("standard")).isEqualTo("ISO/IEC 27001:2022");
        assertThat(soa.getString("generatedAt")).isNotBlank();
        assertThat(soa.getJsonArray("problems")).isNotNull();
        List<JsonObject> controls = soa.getJsonArray("controls").getValuesAs(JsonObject.class);
        assertThat(controls).hasSize(93);
        assertThat(controls).filteredOn(c -> c.getString("id").equals("8.5")).singleElement()
                .satisfies(c -> assertThat(c.getString("monitoring")).isEqualTo("automated"));
    }

    @Test
    void soaAsCsv() throws IOException {
        HttpResponse<String> response = send("api/soa?format=csv", "application/json");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        assertThat(response.headers().firstValue("Content-Disposition"))
                .hasValueSatisfying(d -> assertThat(d).contains("statement-of-applicability.csv"));
        try (CSVParser csv = CSVParser.parse(response.body(), CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get())) {
            assertThat(csv.getHeaderNames()).startsWith("control", "annex_a", "title").contains("status", "monitoring", "justification");
            List<CSVRecord> records = csv.getRecords();
            assertThat(records).hasSize(93);
            assertThat(records).filteredOn(r -> r.get("control").equals("8.5")).singleElement().satisfies(r -> {
                assertThat(r.get("title")).isEqualTo("Secure authentication");
                assertThat(r.get("monitoring")).isEqualTo("automated");
            });
        }
        assertThat(send("api/soa", "text/csv").headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
    }

    @Test
    void soaAsXmlFollowsThePublishedSchema() throws Exception {
        HttpResponse<String> schema = send("api/schemas/soa-1.xsd", "application/xml");
        assertThat(schema.statusCode()).isEqualTo(200);
        assertThat(schema.body()).contains("targetNamespace=\"" + SOA_NS + "\"");
        Path xsd = Files.writeString(dir.resolve("soa-1.xsd"), schema.body());

        HttpResponse<String> response = send("api/soa", "application/xml");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/xml"));
        String xml = response.body();
        assertThat(xml).contains("api/schemas/soa-1.xsd");

        // main classes (SafeXml) are not on failsafe's class path for a WAR: the same hardened factory, by hand
        SchemaFactory schemas = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        schemas.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        schemas.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        schemas.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        Validator validator = schemas.newSchema(xsd.toFile()).newValidator();
        validator.validate(new StreamSource(new StringReader(xml)));

        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
        NodeList controls = doc.getDocumentElement().getElementsByTagNameNS(SOA_NS, "control");
        assertThat(controls.getLength()).isEqualTo(93);

        // ?format=xml gives the same document type whatever the Accept header says
        HttpResponse<String> byFormat = send("api/soa?format=xml", "application/json");
        assertThat(byFormat.statusCode()).isEqualTo(200);
        validator.validate(new StreamSource(new StringReader(byFormat.body())));
        Element root = factory.newDocumentBuilder().parse(new InputSource(new StringReader(byFormat.body()))).getDocumentElement();
        assertThat(root.getLocalName()).isEqualTo("statementOfApplicability");
    }

    @Test
    void unknownFormatsAndSchemasAreRefused() {
        assertBadRequest("api/soa?format=pdf", "pdf", "csv, json, xml");
        HttpResponse<String> nope = send("api/schemas/nope.xsd", "application/xml, */*");
        assertThat(nope.statusCode()).isEqualTo(404);
        assertThat(nope.body()).contains("nope.xsd").contains("soa-1.xsd");
    }

    // ---------------------------------------------------------------- helpers

    private void assertBadRequest(String path, String value, String allowed) {
        AnnexaClient.Reply reply = api.get(path);
        assertThat(reply.status()).as("GET %s", path).isEqualTo(400);
        JsonObject error = reply.json().asJsonObject();
        assertThat(error.getInt("status")).isEqualTo(400);
        assertThat(error.getString("error")).as("GET %s", path).contains("'" + value + "'").contains(allowed);
    }

    private static List<String> attribute(JsonObject control, String dimension) {
        return strings(control.getJsonObject("attributes").getJsonArray(dimension));
    }

    private static List<String> strings(JsonArray array) {
        return array.getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }

    private static void flatten(List<JsonObject> clauses, List<JsonObject> into) {
        for (JsonObject c : clauses) {
            into.add(c);
            flatten(c.getJsonArray("clauses").getValuesAs(JsonObject.class), into);
        }
    }

    private HttpResponse<String> send(String path, String accept) {
        URI uri = URI.create(base.toString().endsWith("/") ? base.toString() : base + "/").resolve(path);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).header("Accept", accept)
                .header("Authorization", AnnexaClient.basic(AnnexaClient.ADMIN, AnnexaClient.adminPassword())).GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + uri + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
