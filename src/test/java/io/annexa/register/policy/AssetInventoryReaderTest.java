package io.annexa.register.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.annexa.ProjectFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code config/assets.yml}: the asset inventory, every problem named by file, line, column and field. */
class AssetInventoryReaderTest {

    @TempDir
    Path dir;

    @Test
    void theShippedInventoryListsTheBundledSamples() throws RegisterConfigException {
        Path shipped = ProjectFiles.root().resolve("config").resolve("assets.yml");
        assertThat(shipped).isRegularFile();

        AssetInventory inventory = AssetInventoryReader.read(shipped);

        assertThat(inventory.find("web-01.sample")).hasValueSatisfying(web -> {
            assertThat(web.owner()).isEqualTo("web-team");
            assertThat(web.criticality()).isEqualTo(Criticality.HIGH);
            assertThat(web.decommissioned()).isFalse();
        });
        assertThat(inventory.find("bastion-01.sample")).hasValueSatisfying(bastion -> {
            assertThat(bastion.owner()).isEqualTo("platform-team");
            assertThat(bastion.criticality()).isEqualTo(Criticality.CRITICAL);
        });
    }

    @Test
    void aMissingFileIsAnEmptyInventory() throws RegisterConfigException {
        assertThat(AssetInventoryReader.read(dir.resolve("assets.yml")).records()).isEmpty();
    }

    @Test
    void anEmptyFileOrListIsAnEmptyInventory() throws Exception {
        assertThat(AssetInventoryReader.read(write("")).records()).isEmpty();
        assertThat(AssetInventoryReader.read(write("# nothing yet\n")).records()).isEmpty();
        assertThat(AssetInventoryReader.read(write("assets: []\n")).records()).isEmpty();
        assertThat(AssetInventoryReader.read(write("assets:\n  # - name: web-01\n")).records()).isEmpty();
    }

    @Test
    void everyFieldIsRead() throws Exception {
        Path file = write("""
                assets:
                  - name: Web-01.Sample.
                    owner: web-team@example.org
                    criticality: High
                    classification: internal
                    tags: [web, dmz]
                    decommissioned: true
                  - match: "DB-*"
                    owner: dba-team
                    criticality: critical
                """);

        List<AssetRecord> records = AssetInventoryReader.read(file).records();

        assertThat(records).containsExactly(
                new AssetRecord("web-01.sample", "web-team@example.org", Criticality.HIGH, "internal", List.of("web", "dmz"), true),
                new AssetRecord("db-*", "dba-team", Criticality.CRITICAL, "", List.of(), false));
        assertThat(records.get(1).isGlob()).isTrue();
        assertThat(records.get(0).isGlob()).isFalse();
    }

    @Test
    void anUnknownKeyIsReported() throws Exception {
        Path file = write("""
                assets:
                  - name: web-01
                    owner: web-team
                    criticality: high
                    location: rack 4
                """);
        assertThat(problems(file)).singleElement().satisfies(p -> assertThat(p)
                .startsWith(file + ":5:5: assets[0].location: ").contains("unknown key 'location'")
                .contains("classification, criticality, decommissioned, match, name, owner, tags"));
    }

    @Test
    void anUnknownTopLevelKeyIsReported() throws Exception {
        Path file = write("""
                asset:
                  - name: web-01
                """);
        assertThat(problems(file)).hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith(file + ":1:1: asset: ").contains("unknown key 'asset'"))
                .anySatisfy(p -> assertThat(p).startsWith(file + ":1:1: assets: ").contains("missing"));
    }

    @Test
    void aMissingOwnerIsReportedAtItsEntry() throws Exception {
        Path file = write("""
                assets:
                  - name: web-01
                    owner: web-team
                    criticality: high
                  - name: web-02
                    criticality: high
                """);
        assertThat(problems(file)).singleElement().satisfies(p -> assertThat(p)
                .startsWith(file + ":5:5: assets[1].owner: ").contains("missing"));
    }

    @Test
    void aMissingCriticalityIsReported() throws Exception {
        Path file = write("""
                assets:
                  - {name: web-01, owner: web-team}
                """);
        assertThat(problems(file)).singleElement().satisfies(p -> assertThat(p)
                .startsWith(file + ":2:5: assets[0].criticality: ").contains("low, medium, high, critical"));
    }

    @Test
    void aBadCriticalityIsReported() throws Exception {
        Path file = write("""
                assets:
                  - name: web-01
                    owner: web-team
                    criticality: severe
                """);
        assertThat(problems(file)).singleElement().satisfies(p -> assertThat(p)
                .startsWith(file + ":4:18: assets[0].criticality: ").contains("'severe'").contains("low, medium, high, critical"));
    }

    @Test
    void anAssetListedTwiceIsReportedWhateverItsSpelling() throws Exception {
        Path file = write("""
                assets:
                  - name: web-01
                    owner: web-team
                    criticality: high
                  - name: WEB-01.
                    owner: other-team
                    criticality: low
                """);
        assertThat(problems(file)).singleElement().satisfies(p -> assertThat(p)
                .startsWith(file + ":5:11: assets[1].name: ").contains("'web-01'").contains("twice").contains("line 2"));
    }

    @Test
    void aGlobListedTwiceIsReported() throws Exception {
        Path file = write("""
                assets:
                  - {match: "web-*", owner: a, criticality: high}
                  - {match: "WEB-*", owner: b, criticality: low}
                """);
        assertThat(problems(file)).singleElement().satisfies(p -> assertThat(p)
                .startsWith(file + ":3:13: assets[1].match: ").contains("'web-*'").contains("twice"));
    }

    @Test
    void bothNameAndMatchAreReported() throws Exception {
        Path file = write("""
                assets:
                  - name: web-01
                    match: "web-*"
                    owner: web-team
                    criticality: high
                """);
        assertThat(problems(file)).singleElement().satisfies(p -> assertThat(p)
                .startsWith(file + ":3:5: assets[0].match: ").contains("either 'name'").contains("not both"));
    }

    @Test
    void neitherNameNorMatchIsReported() throws Exception {
        Path file = write("""
                assets:
                  - owner: web-team
                    criticality: high
                """);
        assertThat(problems(file)).singleElement().satisfies(p -> assertThat(p)
                .startsWith(file + ":2:5: assets[0].name: ").contains("'name'").contains("'match'"));
    }

    @Test
    void anInvalidAssetNameIsReportedAsAssetNamesDoes() throws Exception {
        Path file = write("""
                assets:
                  - name: "web 01"
                    owner: web-team
                    criticality: high
                """);
        assertThat(problems(file)).singleElement().satisfies(p -> assertThat(p)
                .startsWith(file + ":2:11: assets[0].name: ").contains("not a valid asset name").contains("position 4"));
    }

    @Test
    void aGlobMayHoldOnlyAssetNameCharactersAndWildcards() throws Exception {
        Path file = write("""
                assets:
                  - {match: "web/*", owner: a, criticality: high}
                  - {match: "web-[0-9]", owner: a, criticality: high}
                  - {match: "web-01", owner: a, criticality: high}
                """);
        assertThat(problems(file)).hasSize(3)
                .anySatisfy(p -> assertThat(p).startsWith(file + ":2:13: assets[0].match: ").contains("wildcards"))
                .anySatisfy(p -> assertThat(p).startsWith(file + ":3:13: assets[1].match: ").contains("wildcards"))
                .anySatisfy(p -> assertThat(p).startsWith(file + ":4:13: assets[2].match: ").contains("use 'name'"));
    }

    @Test
    void tooLongTextsAreReported() throws Exception {
        Path file = write("""
                assets:
                  - name: web-01
                    owner: %s
                    criticality: high
                    classification: %s
                    tags: [ok, %s]
                """.formatted("o".repeat(201), "c".repeat(101), "t".repeat(65)));
        assertThat(problems(file)).hasSize(3)
                .anySatisfy(p -> assertThat(p).startsWith(file + ":3:12: assets[0].owner: ").contains("201 characters").contains("200"))
                .anySatisfy(p -> assertThat(p).startsWith(file + ":5:21: assets[0].classification: ").contains("101 characters"))
                .anySatisfy(p -> assertThat(p).startsWith(file + ":6:16: assets[0].tags[1]: ").contains("65 characters"));
    }

    @Test
    void textsAtTheirLimitsAreAccepted() throws Exception {
        Path file = write("""
                assets:
                  - name: web-01
                    owner: %s
                    criticality: high
                    classification: %s
                    tags: %s
                """.formatted("o".repeat(200), "c".repeat(100),
                java.util.stream.IntStream.range(0, 64).mapToObj(i -> i + "t".repeat(60)).toList()));
        AssetRecord record = AssetInventoryReader.read(file).records().get(0);
        assertThat(record.owner()).hasSize(200);
        assertThat(record.tags()).hasSize(64);
    }

    @Test
    void moreThan64TagsAreReported() throws Exception {
        Path file = write("""
                assets:
                  - name: web-01
                    owner: web-team
                    criticality: high
                    tags: %s
                """.formatted(java.util.stream.IntStream.range(0, 65).mapToObj(i -> "t" + i).toList()));
        assertThat(problems(file)).singleElement().satisfies(p -> assertThat(p)
                .startsWith(file + ":5:11: assets[0].tags: ").contains("65 tags").contains("64"));
    }

    @Test
    void aControlCharacterInAnOwnerIsReported() throws Exception {
        Path file = write("""
                assets:
                  - name: web-01
                    owner: "web\\u001bteam"
                    criticality: high
                """);
        assertThat(problems(file)).singleElement().satisfies(p -> assertThat(p)
                .startsWith(file + ":3:12: assets[0].owner: ").contains("U+001B"));
    }

    @Test
    void aBadDecommissionedValueAndAScalarTagsAreReported() throws Exception {
        Path file = write("""
                assets:
                  - name: web-01
                    owner: web-team
                    criticality: high
                    decommissioned: yes
                    tags: web
                """);
        assertThat(problems(file)).hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith(file + ":5:21: assets[0].decommissioned: ").contains("true or false"))
                .anySatisfy(p -> assertThat(p).startsWith(file + ":6:11: assets[0].tags: ").contains("must be a list"));
    }

    @Test
    void aKeyGivenTwiceIsReported() throws Exception {
        Path file = write("""
                assets:
                  - name: web-01
                    owner: web-team
                    owner: other-team
                    criticality: high
                """);
        assertThat(problems(file)).singleElement().satisfies(p -> assertThat(p)
                .startsWith(file + ":4:5: assets[0].owner: ").contains("twice").contains("line 3"));
    }

    @Test
    void anEntryThatIsNotAMappingIsReported() throws Exception {
        Path file = write("""
                assets:
                  - web-01
                """);
        assertThat(problems(file)).singleElement().satisfies(p -> assertThat(p).startsWith(file + ":2:5: assets[0]: "));
    }

    @Test
    void everyProblemIsReportedAtOnceAndNothingHalfApplies() throws Exception {
        Path file = write("""
                assets:
                  - name: web-01
                    owner: web-team
                    criticality: high
                  - name: web-02
                    criticality: urgent
                  - match: "db-*"
                    owner: dba
                    criticality: low
                    colour: red
                """);
        assertThat(problems(file)).hasSize(3)
                .anySatisfy(p -> assertThat(p).startsWith(file + ":5:5: assets[1].owner: "))
                .anySatisfy(p -> assertThat(p).startsWith(file + ":6:18: assets[1].criticality: "))
                .anySatisfy(p -> assertThat(p).startsWith(file + ":10:5: assets[2].colour: "));
    }

    @Test
    void invalidYamlIsReportedWithItsPlace() throws Exception {
        Path file = write("""
                assets:
                  - name: "web-01
                    owner: x
                """);
        assertThat(problems(file)).singleElement().satisfies(p -> assertThat(p)
                .matches(java.util.regex.Pattern.quote(file.toString()) + ":[1-9]\\d*:[1-9]\\d*: \\(file\\): not valid YAML.*"));
    }

    @Test
    void aFileLargerThanFourMebibytesIsRefusedBeforeItIsParsed() throws Exception {
        Path file = write("assets: []\n" + "#".repeat((int) AssetInventoryReader.MAX_BYTES));
        assertThat(problems(file)).singleElement().satisfies(p -> assertThat(p)
                .startsWith(file + ":0:0: (file): ").contains("more than the 4194304 bytes allowed"));
    }

    @Test
    void moreThanAHundredThousandEntriesAreRefused() throws Exception {
        Path file = write("assets:\n" + "- 0\n".repeat(AssetInventoryReader.MAX_ENTRIES + 1));
        assertThat(problems(file)).singleElement().satisfies(p -> assertThat(p)
                .startsWith(file + ":2:1: assets: ").contains("100001 entries").contains("100000"));
    }

    @Test
    void aFloodOfProblemsIsCutShortAndSaysSo() throws Exception {
        Path file = write("assets:\n" + "- 0\n".repeat(500));
        List<String> problems = problems(file);
        assertThat(problems).hasSize(ConfigYaml.MAX_PROBLEMS + 1);
        assertThat(problems.get(ConfigYaml.MAX_PROBLEMS)).startsWith(file + ":0:0: (file): 300 more problems");
    }

    private Path write(String content) throws IOException {
        Path sub = Files.createDirectories(dir.resolve("config-" + System.nanoTime()));
        return Files.writeString(sub.resolve("assets.yml"), content);
    }

    private static List<String> problems(Path file) {
        RegisterConfigException e = catchThrowableOfType(RegisterConfigException.class, () -> AssetInventoryReader.read(file));
        assertThat(e).as("reading %s must fail", file).isNotNull();
        assertThat(e.getMessage()).contains(e.problems().get(0));
        return e.problems();
    }
}
