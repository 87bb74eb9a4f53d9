package io.annexa.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The bundled ISO/IEC 27002:2022 / 27001:2022 / 2013-mapping reference data, and what start-up says
 * when one of its documents is wrong or hostile.
 */
class ControlCatalogTest {

    private static final ControlCatalog CATALOG = ControlCatalog.load();

    private static final List<String> NEW_IN_2022 = List.of(
            "5.7", "5.23", "5.30", "7.4", "8.9", "8.10", "8.11", "8.12", "8.16", "8.23", "8.28");

    private static final String CONTROLS = "iso27002-2022.xml";
    private static final String REQUIREMENTS = "iso27001-2022.xml";
    private static final String MAPPING = "iso27001-2013-mapping.xml";

    @TempDir
    Path dir;

    // ---------------------------------------------------------------- the 2022 controls

    @Test
    void thereAre93ControlsInFourThemes() {
        assertThat(CATALOG.all()).hasSize(93);
        assertThat(CATALOG.all()).extracting(Control::id).doesNotHaveDuplicates();
        Map<String, Long> byTheme = CATALOG.all().stream()
                .collect(Collectors.groupingBy(Control::theme, LinkedHashMap::new, Collectors.counting()));
        assertThat(byTheme).containsExactly(
                Map.entry("organizational", 37L), Map.entry("people", 8L),
                Map.entry("physical", 14L), Map.entry("technological", 34L));
        // the theme is the control's first number
        Map<String, String> themeOfClause = Map.of("5", "organizational", "6", "people", "7", "physical", "8", "technological");
        assertThat(CATALOG.all()).allSatisfy(c ->
                assertThat(c.theme()).as(c.id()).isEqualTo(themeOfClause.get(c.id().substring(0, 1))));
    }

    @Test
    void exactlyTheElevenNewControlsAreNew() {
        assertThat(CATALOG.all()).filteredOn(Control::newIn2022).extracting(Control::id)
                .containsExactlyInAnyOrderElementsOf(NEW_IN_2022);
    }

    @Test
    void everyControlHasAValueInEveryDimensionFromItsVocabulary() {
        assertThat(CATALOG.all()).allSatisfy(c -> {
            assertThat(c.title()).as("title of %s", c.id()).isNotBlank();
            for (Dimension d : Dimension.values()) {
                assertThat(c.values(d)).as("%s of %s", d.key(), c.id())
                        .isNotEmpty()
                        .doesNotHaveDuplicates()
                        .allSatisfy(v -> assertThat(d.vocabulary()).contains(v));
            }
        });
    }

    @Test
    void spotChecksOfTitlesAndAttributes() {
        Control c85 = CATALOG.find("8.5").orElseThrow();
        assertThat(c85.title()).isEqualTo("Secure authentication");
        assertThat(c85.annexA()).isEqualTo("A.8.5");
        assertThat(c85.values(Dimension.CONTROL_TYPE)).containsExactly("Preventive");
        assertThat(c85.values(Dimension.OPERATIONAL_CAPABILITY)).contains("Identity_and_access_management");
        assertThat(c85.has("Protection")).isTrue();
        assertThat(c85.has("Corrective")).isFalse();
        assertThat(CATALOG.find("8.16").orElseThrow().values(Dimension.CONTROL_TYPE)).contains("Detective");
        assertThat(CATALOG.find("9.1")).isEmpty();
        assertThat(CATALOG.contains("8.34")).isTrue();
        assertThat(CATALOG.contains("8.35")).isFalse();
    }

    @Test
    void dimensionParseAcceptsTheHashAndAnyCase() {
        assertThat(Dimension.CONTROL_TYPE.parse("#detective")).contains("Detective");
        assertThat(Dimension.CONTROL_TYPE.parse(" Preventive ")).contains("Preventive");
        assertThat(Dimension.CONTROL_TYPE.parse("Proactive")).isEmpty();
        assertThat(Dimension.byKey("securityDomain")).contains(Dimension.SECURITY_DOMAIN);
        assertThat(Dimension.byKey("SecurityDomain")).isEmpty();
    }

    /** The schema and {@link Dimension} must never drift apart: both list the same values, in the same order. */
    @Test
    void theSchemaEnumeratesExactlyTheDimensionVocabularies() throws Exception {
        Document xsd;
        try (InputStream in = ControlCatalog.class.getResourceAsStream("/catalog/iso27002-2022.xsd")) {
            xsd = domBuilder().parse(in);
        }
        Map<String, Element> simpleTypes = new LinkedHashMap<>();
        NodeList types = xsd.getElementsByTagNameNS(XMLConstants.W3C_XML_SCHEMA_NS_URI, "simpleType");
        for (int i = 0; i < types.getLength(); i++) {
            Element type = (Element) types.item(i);
            simpleTypes.put(type.getAttribute("name"), type);
        }
        Map<String, String> elementTypes = new LinkedHashMap<>();
        NodeList elements = xsd.getElementsByTagNameNS(XMLConstants.W3C_XML_SCHEMA_NS_URI, "element");
        for (int i = 0; i < elements.getLength(); i++) {
            Element element = (Element) elements.item(i);
            elementTypes.put(element.getAttribute("name"), element.getAttribute("type"));
        }
        for (Dimension d : Dimension.values()) {
            String typeName = elementTypes.get(d.key());
            assertThat(typeName).as("element %s in the schema", d.key()).isNotNull().startsWith("c:");
            Element type = simpleTypes.get(typeName.substring(2));
            assertThat(type).as("simple type %s", typeName).isNotNull();
            List<String> enumeration = new ArrayList<>();
            NodeList values = type.getElementsByTagNameNS(XMLConstants.W3C_XML_SCHEMA_NS_URI, "enumeration");
            for (int i = 0; i < values.getLength(); i++) {
                enumeration.add(((Element) values.item(i)).getAttribute("value"));
            }
            assertThat(enumeration).as("xs:enumeration of %s", typeName).containsExactlyElementsOf(d.vocabulary());
        }
    }

    // ---------------------------------------------------------------- 2013 mapping

    @Test
    void the114LegacyControlsHaveUniqueIdsAndMapOnlyToKnownControls() {
        Collection<LegacyControl> legacy = CATALOG.legacyControls();
        assertThat(legacy).hasSize(114);
        assertThat(legacy).extracting(LegacyControl::id).doesNotHaveDuplicates()
                .allMatch(id -> id.matches("A\\.(5|6|7|8|9|1[0-8])\\.\\d+\\.\\d+"));
        assertThat(legacy).allSatisfy(l -> {
            assertThat(l.title()).isNotBlank();
            assertThat(l.mapsTo()).isNotEmpty().allMatch(CATALOG::contains);
        });
    }

    @Test
    void everyOldControlIsReachableFromTheMappingAndNoNewOneIs() {
        Set<String> reachable = CATALOG.legacyControls().stream().flatMap(l -> l.mapsTo().stream())
                .collect(Collectors.toCollection(TreeSet::new));
        List<String> notNew = CATALOG.all().stream().filter(c -> !c.newIn2022()).map(Control::id).toList();
        assertThat(notNew).hasSize(82);
        assertThat(reachable).containsExactlyInAnyOrderElementsOf(notNew).doesNotContainAnyElementsOf(NEW_IN_2022);
    }

    @Test
    void mappingSpotChecks() {
        assertThat(CATALOG.legacy("A.9.4.2").orElseThrow().mapsTo()).containsExactly("8.5");
        assertThat(CATALOG.legacy("A.12.4.1").orElseThrow().mapsTo()).containsExactly("8.15");
        assertThat(CATALOG.legacy("A.5.1.2").orElseThrow().mapsTo()).containsExactly("5.1");
        assertThat(CATALOG.legacy("A.18.2.3").orElseThrow().mapsTo()).containsExactlyInAnyOrder("5.36", "8.8");
        assertThat(CATALOG.legacy("9.4.2")).map(LegacyControl::id).contains("A.9.4.2");
        assertThat(CATALOG.legacy("a.9.4.2")).map(LegacyControl::id).contains("A.9.4.2");
        assertThat(CATALOG.legacy(" A.12.4.1 ")).map(LegacyControl::id).contains("A.12.4.1");
        assertThat(CATALOG.legacy("A.99.1.1")).isEmpty();
        assertThat(CATALOG.legacy("8.5")).isEmpty();
    }

    // ---------------------------------------------------------------- 27001:2022 requirements

    @Test
    void clausesFourToTenWithTheirSubClauses() {
        Map<String, String> all = new LinkedHashMap<>();
        flatten(CATALOG.clauses(), all);
        assertThat(CATALOG.clauses()).extracting(Clause::id).containsExactly("4", "5", "6", "7", "8", "9", "10");
        assertThat(all).containsKeys("4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3", "6.1", "6.1.1", "6.1.2", "6.1.3",
                "6.2", "6.3", "7.1", "7.2", "7.3", "7.4", "7.5", "7.5.1", "7.5.2", "7.5.3", "8.1", "8.2", "8.3",
                "9.1", "9.2", "9.2.1", "9.2.2", "9.3", "9.3.1", "9.3.2", "9.3.3", "10.1", "10.2");
        assertThat(all).containsEntry("10.1", "Continual improvement")
                .containsEntry("10.2", "Nonconformity and corrective action")
                .containsEntry("6.1.3", "Information security risk treatment")
                .containsEntry("6.3", "Planning of changes");
        assertThat(all.values()).allSatisfy(title -> assertThat(title).isNotBlank().isEqualTo(title.strip()));
        Clause ten = CATALOG.clauses().get(6);
        assertThat(ten.title()).isEqualTo("Improvement");
        assertThat(ten.clauses()).extracting(Clause::id).containsExactly("10.1", "10.2");
    }

    @Test
    void annexAHas93EntriesLinkedOneToOne() {
        Map<String, String> annexA = CATALOG.annexA();
        assertThat(annexA).hasSize(93);
        assertThat(annexA.values()).doesNotHaveDuplicates();
        assertThat(Set.copyOf(annexA.values())).isEqualTo(CATALOG.all().stream().map(Control::id).collect(Collectors.toSet()));
        assertThat(annexA).allSatisfy((a, ref) -> assertThat(a).isEqualTo("A." + ref));
        assertThat(CATALOG.all()).allSatisfy(c -> assertThat(annexA).containsEntry(c.annexA(), c.id()));
        assertThat(annexA).containsEntry("A.8.5", "8.5").containsEntry("A.5.1", "5.1").containsEntry("A.8.34", "8.34");
    }

    // ---------------------------------------------------------------- broken documents

    @Test
    void aWrongAttributeValueIsReportedWithFileLineAndValue() throws IOException {
        String original = bundled(CONTROLS);
        String good = "<controlType>Preventive</controlType>";
        String corrupted = original.replaceFirst(good, "<controlType>Proactive</controlType>");
        int line = lineOf(corrupted, "Proactive");
        assertThat(line).isEqualTo(6); // first controlType of 5.1
        Path file = write(CONTROLS, corrupted);

        CatalogException e = loadFailing(Map.of(CONTROLS, file));

        assertThat(e.problems()).isNotEmpty().allSatisfy(p -> assertThat(p).contains(file.getFileName().toString()));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p)
                .contains(file.toUri().toURL().toString() + ":" + line + ":")
                .contains("'Proactive'"));
        assertThat(e.getMessage()).contains("Proactive").contains(CONTROLS + ":" + line + ":");
    }

    @Test
    void everyViolationIsReportedNotJustTheFirst() throws IOException {
        String corrupted = bundled(CONTROLS)
                .replaceFirst("<controlType>Preventive</controlType>", "<controlType>Proactive</controlType>")
                .replaceFirst("theme=\"people\"", "theme=\"human\"");
        Path file = write(CONTROLS, corrupted);

        CatalogException e = loadFailing(Map.of(CONTROLS, file));

        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains(":" + lineOf(corrupted, "Proactive") + ":").contains("Proactive"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains(":" + lineOf(corrupted, "\"human\"") + ":").contains("human"));
    }

    @Test
    void aDuplicateControlIdIsReported() throws IOException {
        String corrupted = bundled(CONTROLS).replaceFirst("<control id=\"5.2\"", "<control id=\"5.1\"");
        Path file = write(CONTROLS, corrupted);

        CatalogException e = loadFailing(Map.of(CONTROLS, file));

        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains(CONTROLS).contains("5.1").containsIgnoringCase("duplicate"));
    }

    @Test
    void aMissingDimensionIsReported() throws IOException {
        // 8.5 loses its security domains
        String original = bundled(CONTROLS);
        int start = original.indexOf("<control id=\"8.5\"");
        int end = original.indexOf("</control>", start);
        String control = original.substring(start, end).replaceAll("\\s*<securityDomain>[^<]*</securityDomain>", "");
        String corrupted = original.substring(0, start) + control + original.substring(end);
        Path file = write(CONTROLS, corrupted);

        CatalogException e = loadFailing(Map.of(CONTROLS, file));

        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains(CONTROLS).contains("securityDomain"));
    }

    @Test
    void malformedXmlIsReportedWithItsLine() throws IOException {
        String original = bundled(CONTROLS);
        String corrupted = original.replaceFirst("<title>Policies for information security</title>", "<title>Policies for information security");
        Path file = write(CONTROLS, corrupted);

        CatalogException e = loadFailing(Map.of(CONTROLS, file));

        // the parser notices at the enclosing end tag of the control
        int closing = lineOf(corrupted, "</control>");
        assertThat(e.problems()).anySatisfy(p -> assertThat(p)
                .startsWith(file.toUri().toURL() + ":" + closing + ":")
                .contains("title"));
    }

    @Test
    void anExternalEntityIsRejectedAndNeverRead() throws IOException {
        String corrupted = bundled(CONTROLS)
                .replaceFirst("<catalog ", "<!DOCTYPE catalog [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n<catalog ")
                .replaceFirst("<title>Policies for information security</title>", "<title>&xxe;</title>");
        Path file = write(CONTROLS, corrupted);

        CatalogException e = loadFailing(Map.of(CONTROLS, file));

        assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p)
                .contains(CONTROLS + ":3:")
                .contains("DOCTYPE is disallowed"));
        assertThat(e.getMessage()).doesNotContain("root:").doesNotContain("/bin/");
        if (Files.isReadable(Path.of("/etc/passwd"))) {
            String firstLine = Files.readAllLines(Path.of("/etc/passwd")).get(0);
            assertThat(e.getMessage()).doesNotContain(firstLine);
        }
    }

    @Test
    void anExternalEntityInTheMappingIsRejectedToo() throws IOException {
        String corrupted = bundled(MAPPING)
                .replaceFirst("<mapping ", "<!DOCTYPE mapping [<!ENTITY xxe SYSTEM \"file:///etc/hostname\">]>\n<mapping ")
                .replaceFirst("title=\"Screening\"", "title=\"&xxe;\"");
        Path file = write(MAPPING, corrupted);

        CatalogException e = loadFailing(Map.of(MAPPING, file));

        assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p).contains(MAPPING).contains("DOCTYPE is disallowed"));
    }

    @Test
    void billionLaughsIsRejectedAtOnce() throws IOException {
        StringBuilder doctype = new StringBuilder("<!DOCTYPE catalog [\n  <!ENTITY lol0 \"lol\">\n");
        for (int i = 1; i <= 10; i++) {
            doctype.append("  <!ENTITY lol").append(i).append(" \"")
                    .append(("&lol" + (i - 1) + ";").repeat(10)).append("\">\n");
        }
        doctype.append("]>\n");
        String corrupted = bundled(CONTROLS)
                .replaceFirst("<catalog ", doctype + "<catalog ")
                .replaceFirst("<title>Policies for information security</title>", "<title>&lol10;</title>");
        Path file = write(CONTROLS, corrupted);

        Instant start = Instant.now();
        CatalogException e = loadFailing(Map.of(CONTROLS, file));
        Duration took = Duration.between(start, Instant.now());

        assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p).contains(CONTROLS).contains("DOCTYPE is disallowed"));
        assertThat(e.getMessage()).doesNotContain("lollollol");
        assertThat(took).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aMappingToAnUnknownControlIsReported() throws IOException {
        String corrupted = bundled(MAPPING).replaceFirst(
                "<control id=\"A.9.4.2\" title=\"Secure log-on procedures\"><mapsTo>8.5</mapsTo>",
                "<control id=\"A.9.4.2\" title=\"Secure log-on procedures\"><mapsTo>8.99</mapsTo>");
        Path file = write(MAPPING, corrupted);

        CatalogException e = loadFailing(Map.of(MAPPING, file));

        assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p)
                .contains(MAPPING).contains("A.9.4.2").contains("8.99"));
    }

    @Test
    void aMappingIdOutsideTheSchemaPatternIsReportedWithItsLine() throws IOException {
        String corrupted = bundled(MAPPING).replaceFirst("<mapsTo>8.15</mapsTo>", "<mapsTo>9.15</mapsTo>");
        Path file = write(MAPPING, corrupted);

        CatalogException e = loadFailing(Map.of(MAPPING, file));

        assertThat(e.problems()).anySatisfy(p -> assertThat(p)
                .contains(MAPPING + ":" + lineOf(corrupted, "9.15") + ":").contains("9.15"));
    }

    @Test
    void anAnnexAEntryPointingAtAnUnknownControlIsReported() throws IOException {
        String corrupted = bundled(REQUIREMENTS).replaceFirst("<control id=\"A.8.5\" ref=\"8.5\"/>", "<control id=\"A.8.5\" ref=\"8.95\"/>");
        Path file = write(REQUIREMENTS, corrupted);

        CatalogException e = loadFailing(Map.of(REQUIREMENTS, file));

        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains(REQUIREMENTS).contains("A.8.5").contains("8.95"));
    }

    @Test
    void problemsInSeveralDocumentsAreReportedTogether() throws IOException {
        Path controls = write(CONTROLS, bundled(CONTROLS).replaceFirst("theme=\"people\"", "theme=\"human\""));
        Path mapping = write(MAPPING, bundled(MAPPING).replaceFirst("<mapping ", "<mapping><oops></mapping>\n<mapping "));

        CatalogException e = loadFailing(Map.of(CONTROLS, controls, MAPPING, mapping));

        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains(CONTROLS).contains("human"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains(MAPPING));
    }

    @Test
    void unchangedCopiesLoadLikeTheBundledDocuments() throws IOException {
        ControlCatalog copy = ControlCatalog.load(new ControlCatalog.Sources(
                url(write(CONTROLS, bundled(CONTROLS))), url(write(REQUIREMENTS, bundled(REQUIREMENTS))),
                url(write(MAPPING, bundled(MAPPING)))));
        assertThat(copy.all()).hasSize(93);
        assertThat(copy.legacyControls()).hasSize(114);
        assertThat(copy.annexA()).isEqualTo(CATALOG.annexA());
    }

    @Test
    void aMissingDocumentIsReported() {
        Path absent = dir.resolve("absent.xml");
        CatalogException e = loadFailing(Map.of(CONTROLS, absent));
        assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p).contains("absent.xml"));
    }

    // ---------------------------------------------------------------- helpers

    private static void flatten(List<Clause> clauses, Map<String, String> into) {
        for (Clause c : clauses) {
            into.put(c.id(), c.title());
            flatten(c.clauses(), into);
        }
    }

    private static DocumentBuilder domBuilder() throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder();
    }

    private static String bundled(String name) throws IOException {
        try (InputStream in = ControlCatalog.class.getResourceAsStream("/catalog/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private Path write(String name, String content) throws IOException {
        Path sub = Files.createDirectories(dir.resolve("copy-" + System.nanoTime()));
        return Files.writeString(sub.resolve(name), content);
    }

    private static int lineOf(String content, String needle) {
        int at = content.indexOf(needle);
        assertThat(at).as("'%s' in the document", needle).isNotNegative();
        return (int) content.substring(0, at).chars().filter(ch -> ch == '\n').count() + 1;
    }

    private static URL url(Path file) {
        try {
            return file.toUri().toURL();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Loads the bundled documents with the given ones replaced, expecting failure. */
    private static CatalogException loadFailing(Map<String, Path> replaced) {
        Function<String, URL> source = name -> replaced.containsKey(name) ? url(replaced.get(name))
                : ControlCatalog.class.getResource("/catalog/" + name);
        ControlCatalog.Sources sources = new ControlCatalog.Sources(source.apply(CONTROLS), source.apply(REQUIREMENTS), source.apply(MAPPING));
        CatalogException e = catchThrowableOfType(CatalogException.class, () -> ControlCatalog.load(sources));
        assertThat(e).as("loading must fail").isNotNull();
        assertThat(e.problems()).isNotEmpty();
        return e;
    }
}
