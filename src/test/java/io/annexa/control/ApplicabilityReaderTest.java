package io.annexa.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.annexa.ProjectFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code config/applicability.yml}: the organisation's Statement of Applicability decisions. */
class ApplicabilityReaderTest {

    private static final ControlCatalog CATALOG = ControlCatalog.load();

    private final ApplicabilityReader reader = new ApplicabilityReader(CATALOG);

    @TempDir
    Path dir;

    @Test
    void aMissingFileMeansEveryControlIsApplicable() {
        assertThat(reader.read(dir.resolve("applicability.yml"))).isEmpty();
    }

    @Test
    void anEmptyFileOrAnEmptyMappingHasNoDecisions() throws IOException {
        assertThat(reader.read(write(""))).isEmpty();
        assertThat(reader.read(write("# nothing decided yet\n"))).isEmpty();
        assertThat(reader.read(write("controls: {}\n"))).isEmpty();
    }

    @Test
    void decisionsAreRead() throws IOException {
        Path file = write("""
                controls:
                  "7.10":
                    applicable: false
                    justification: No removable storage media are used; USB storage is disabled on all endpoints.
                  "8.5":
                    implementation: implemented
                    notes: SSH keys only; see the access control policy, section 4.
                  "5.1":
                    applicable: true
                    justification: >
                      Required by the board.
                    implementation: Partial
                """);

        Map<String, Applicability> decisions = reader.read(file);

        assertThat(decisions).containsOnlyKeys("7.10", "8.5", "5.1");
        assertThat(decisions.get("7.10")).isEqualTo(new Applicability("7.10", false,
                "No removable storage media are used; USB storage is disabled on all endpoints.", null, ""));
        assertThat(decisions.get("8.5")).isEqualTo(new Applicability("8.5", true, "", Implementation.IMPLEMENTED,
                "SSH keys only; see the access control policy, section 4."));
        assertThat(decisions.get("5.1")).isEqualTo(new Applicability("5.1", true, "Required by the board.", Implementation.PARTIAL, ""));
    }

    @Test
    void everyImplementationValueIsAccepted() throws IOException {
        Path file = write("""
                controls:
                  "5.1": {implementation: not_started}
                  "5.2": {implementation: planned}
                  "5.3": {implementation: partial}
                  "5.4": {implementation: implemented}
                """);
        assertThat(reader.read(file)).extractingFromEntries(e -> e.getValue().implementation())
                .containsExactly(Implementation.NOT_STARTED, Implementation.PLANNED, Implementation.PARTIAL, Implementation.IMPLEMENTED);
    }

    @Test
    void controlIdsQuotedOrNotAreTheSameText() throws IOException {
        Map<String, Applicability> quoted = reader.read(write("""
                controls:
                  "8.10":
                    notes: quoted
                """));
        Map<String, Applicability> unquoted = reader.read(write("""
                controls:
                  8.10:
                    notes: unquoted
                  8.1:
                    notes: the other one
                """));
        assertThat(quoted).containsOnlyKeys("8.10");
        assertThat(quoted.get("8.10").notes()).isEqualTo("quoted");
        assertThat(unquoted).containsOnlyKeys("8.10", "8.1");
        assertThat(unquoted.get("8.10").control()).isEqualTo("8.10");
        assertThat(unquoted.get("8.10").notes()).isEqualTo("unquoted");
        assertThat(unquoted.get("8.1").notes()).isEqualTo("the other one");
    }

    @Test
    void anUnknownControlIsReportedWithFileLineAndColumn() throws IOException {
        Path file = write("""
                controls:
                  "8.5":
                    implementation: implemented
                  "9.1":
                    applicable: false
                """);
        CatalogException e = failing(file);
        assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p)
                .startsWith(file + ":4:3: ").contains("'9.1'").contains("not an ISO/IEC 27002:2022 control id"));
    }

    @Test
    void aLegacyControlIdIsNotAccepted() throws IOException {
        Path file = write("""
                controls:
                  A.9.4.2:
                    applicable: false
                """);
        assertThat(failing(file).problems()).singleElement().satisfies(p -> assertThat(p).startsWith(file + ":2:3: ").contains("A.9.4.2"));
    }

    @Test
    void anUnknownFieldIsReported() throws IOException {
        Path file = write("""
                controls:
                  "8.5":
                    implementation: implemented
                    owner: Alice
                """);
        assertThat(failing(file).problems()).singleElement().satisfies(p -> assertThat(p)
                .startsWith(file + ":4:5: ").contains("'owner'").contains("8.5")
                .contains("applicable, implementation, justification, notes"));
    }

    @Test
    void aBadApplicableValueIsReported() throws IOException {
        Path file = write("""
                controls:
                  "7.10":
                    applicable: maybe
                    justification: not sure
                """);
        assertThat(failing(file).problems()).singleElement().satisfies(p -> assertThat(p)
                .startsWith(file + ":3:17: ").contains("'maybe'").contains("true or false").contains("7.10"));
    }

    @Test
    void aBadImplementationIsReported() throws IOException {
        Path file = write("""
                controls:
                  "8.5":
                    implementation: done
                """);
        assertThat(failing(file).problems()).singleElement().satisfies(p -> assertThat(p)
                .startsWith(file + ":3:21: ").contains("'done'")
                .contains("not_started, planned, partial, implemented"));
    }

    @Test
    void aListWhereAValueBelongsIsReported() throws IOException {
        Path file = write("""
                controls:
                  "8.5":
                    notes: [a, b]
                """);
        assertThat(failing(file).problems()).singleElement().satisfies(p -> assertThat(p)
                .startsWith(file + ":3:12: ").contains("'notes'").contains("single value"));
    }

    @Test
    void everyProblemIsReportedAndNothingHalfApplies() throws IOException {
        Path file = write("""
                controls:
                  "8.5":
                    implementation: implemented
                  "9.9":
                    applicable: false
                  "7.10":
                    applicable: no
                    colour: red
                """);
        CatalogException e = failing(file);
        assertThat(e.problems()).hasSize(3);
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith(file + ":4:3: ").contains("9.9"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith(file + ":7:17: ").contains("'no'"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith(file + ":8:5: ").contains("'colour'"));
    }

    /** {@code "8.10"} and {@code 8.10} are the same control: two entries must not silently let the last one win. */
    @Test
    void aControlListedTwiceIsReported() throws IOException {
        Path file = write("""
                controls:
                  "8.10":
                    applicable: false
                    justification: Nothing is deleted.
                  8.10:
                    applicable: true
                """);
        assertThat(failing(file).problems()).singleElement().satisfies(p -> assertThat(p)
                .startsWith(file + ":5:3: ").contains("8.10").contains("twice").contains("line 2"));
    }

    @Test
    void aFieldGivenTwiceIsReported() throws IOException {
        Path file = write("""
                controls:
                  "8.5":
                    notes: first
                    notes: second
                """);
        assertThat(failing(file).problems()).singleElement().satisfies(p -> assertThat(p)
                .startsWith(file + ":4:5: ").contains("'notes'").contains("twice"));
    }

    /** A YAML escape can produce characters XML 1.0 cannot hold; the XML export would no longer parse. */
    @Test
    void aControlCharacterInATextIsReported() throws IOException {
        Path file = write("""
                controls:
                  "7.10":
                    applicable: false
                    justification: "No media\\a at all"
                  "8.5":
                    notes: "tabs\\tand\\nnewlines are fine"
                """);
        assertThat(failing(file).problems()).singleElement().satisfies(p -> assertThat(p)
                .startsWith(file + ":4:20: ").contains("justification").contains("U+0007"));
    }

    @Test
    void tabsNewlinesAndNonAsciiTextAreKept() throws IOException {
        Path file = write("""
                controls:
                  "8.5":
                    notes: "tabs\\tand\\nnewlines, Übersicht, 日本語, 😀"
                """);
        assertThat(reader.read(file).get("8.5").notes()).isEqualTo("tabs\tand\nnewlines, Übersicht, 日本語, 😀");
    }

    @Test
    void aFileWithoutControlsMappingIsReported() throws IOException {
        Path file = write("""
                - "8.5"
                - "7.10"
                """);
        assertThat(failing(file).problems()).singleElement().satisfies(p -> assertThat(p)
                .startsWith(file + ":1:1: ").contains("controls:"));
    }

    @Test
    void aControlWithoutADecisionMappingIsReported() throws IOException {
        Path file = write("""
                controls:
                  "8.5": implemented
                """);
        assertThat(failing(file).problems()).singleElement().satisfies(p -> assertThat(p)
                .startsWith(file + ":2:10: ").contains("8.5"));
    }

    @Test
    void invalidYamlIsReportedWithItsPlace() throws IOException {
        Path file = write("""
                controls:
                  "8.5":
                    notes: "unterminated
                  "8.6":
                """);
        CatalogException e = failing(file);
        assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p)
                .startsWith(file + ":").contains("not valid YAML").matches("(?s).*:\\d+:\\d+: .*"));
        assertThat(e.problems().get(0)).doesNotStartWith(file + ":0:0:");
    }

    @Test
    void theShippedApplicabilityFileReadsWithoutProblems() {
        Path shipped = ProjectFiles.root().resolve("config").resolve("applicability.yml");
        assertThat(shipped).isRegularFile();
        Map<String, Applicability> decisions = reader.read(shipped);
        assertThat(decisions.keySet()).allMatch(CATALOG::contains);
        assertThat(decisions.values()).allSatisfy(d ->
                assertThat(d.applicable() || !d.justification().isBlank()).as("exclusion of %s is justified", d.control()).isTrue());
    }

    private Path write(String content) throws IOException {
        Path sub = Files.createDirectories(dir.resolve("config-" + System.nanoTime()));
        return Files.writeString(sub.resolve("applicability.yml"), content);
    }

    private CatalogException failing(Path file) {
        CatalogException e = catchThrowableOfType(CatalogException.class, () -> reader.read(file));
        assertThat(e).as("reading %s must fail", file).isNotNull();
        return e;
    }
}
