package io.annexa.ingestion.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.annexa.ProjectFiles;
import io.annexa.evidence.InventoryItem;
import io.annexa.evidence.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Mapping files: how they are read, how they turn JSON into items, and how they complain. */
class InventoryMappingTest {

    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    private static final String LABEL = "http://inventory.test/api";

    @TempDir
    Path temp;

    // ---------------------------------------------------------------- mapping

    @Test
    void theShippedExampleMapsTheAnswerItsCommentDescribes() throws Exception {
        InventoryMapping mapping = InventoryMappingReader.read(ProjectFiles.integrations().resolve("mappings/cloud-inventory.yml"));

        InventoryMapping.Extraction extraction = extract(mapping, """
                {"instances": [
                   {"id": "i-0abc", "type": "instance", "hostname": "web-01.example.org",
                    "network": {"publicIp": "203.0.113.7"}, "disk": {"encrypted": true}, "tags": ["web", "prod"]}]}
                """);

        assertThat(extraction.skipped()).isEmpty();
        assertThat(extraction.items()).containsExactly(new InventoryItem("web-01.example.org", "cloud-inventory", "instance",
                "i-0abc", Map.of("public_ip", "203.0.113.7", "encrypted", "true", "tags", "[\"web\",\"prod\"]"), NOW));
    }

    @Test
    void itemsGetTheirKindIdAssetAndAttributesFromTheirOwnFields() throws Exception {
        InventoryMapping mapping = mapping("""
                source: cloud-inventory
                items: "$.instances[*]"
                kindPath: "$.type"
                id: "$.id"
                asset: "$.hostname"
                attributes:
                  public_ip: "$.network.publicIp"
                  encrypted: "$.disk.encrypted"
                  cores: "$.cpu.cores"
                  size_gb: "$.disk.sizeGb"
                  labels: "$.labels"
                """);

        InventoryMapping.Extraction extraction = extract(mapping, """
                {"instances": [
                  {"id": "i-1", "type": "instance", "hostname": "WEB-01.Example.org.",
                   "network": {"publicIp": "203.0.113.7"}, "disk": {"encrypted": true, "sizeGb": 20.5},
                   "cpu": {"cores": 8}, "labels": {"env": "prod"}},
                  {"id": 2, "type": "volume", "hostname": "db-01",
                   "network": {"publicIp": null}, "disk": {"encrypted": false}}
                ]}
                """);

        assertThat(extraction.skipped()).isEmpty();
        assertThat(extraction.items()).extracting(InventoryItem::getAsset, InventoryItem::getSource, InventoryItem::getKind,
                InventoryItem::getId, InventoryItem::getObservedAt).containsExactly(
                tuple("web-01.example.org", "cloud-inventory", "instance", "i-1", NOW),
                tuple("db-01", "cloud-inventory", "volume", "2", NOW));
        assertThat(extraction.items().get(0).getAttributes()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "public_ip", "203.0.113.7", "encrypted", "true", "cores", "8", "size_gb", "20.5", "labels", "{\"env\":\"prod\"}"));
        // null and absent values are no attribute at all, not the text "null"
        assertThat(extraction.items().get(1).getAttributes()).containsExactlyInAnyOrderEntriesOf(Map.of("encrypted", "false"));
        assertThat(extraction.items().get(1).attribute("public_ip")).isEmpty();
    }

    @Test
    void aConstantKindAndAssetNameApplyToEveryItem() throws Exception {
        InventoryMapping mapping = mapping("""
                source: buckets
                items: "$.buckets"
                kind: bucket
                id: "$.name"
                assetName: AWS-Prod.
                attributes:
                  public: "$.acl.public"
                """);

        InventoryMapping.Extraction extraction = extract(mapping, """
                {"buckets": [{"name": "logs", "acl": {"public": false}}, {"name": "www", "acl": {"public": true}}]}
                """);

        assertThat(extraction.items()).extracting(InventoryItem::getAsset, InventoryItem::getKind, InventoryItem::getId,
                i -> i.attribute("public")).containsExactly(
                tuple("aws-prod", "bucket", "logs", "false"),
                tuple("aws-prod", "bucket", "www", "true"));
    }

    @Test
    void anItemWithoutIdOrAssetIsSkippedWithItsIndexAndTheOthersStay() throws Exception {
        InventoryMapping mapping = mapping("""
                source: cloud-inventory
                items: "$.instances[*]"
                kind: instance
                id: "$.id"
                asset: "$.hostname"
                """);

        InventoryMapping.Extraction extraction = extract(mapping, """
                {"instances": [
                  {"id": "i-0", "hostname": "web-01"},
                  {"hostname": "web-02"},
                  {"id": "i-2", "hostname": null},
                  {"id": {"region": "eu"}, "hostname": "web-03"},
                  {"id": "i-4", "hostname": "..."},
                  {"id": "  ", "hostname": "web-05"},
                  "not an object",
                  {"id": "i-7", "hostname": "web-07"}
                ]}
                """);

        assertThat(extraction.items()).extracting(InventoryItem::getId).containsExactly("i-0", "i-7");
        assertThat(extraction.skipped()).containsExactly(
                "item [1] of $.instances[*]: id path $.id selects nothing",
                "item [2] of $.instances[*]: asset path $.hostname selects nothing",
                "item [3] of $.instances[*]: id path $.id selects {\"region\":\"eu\"}, not a single value",
                "item [4] of $.instances[*]: asset '...' is not a valid asset name: it has no characters besides dots",
                "item [5] of $.instances[*]: id path $.id selects an empty value",
                "item [6] of $.instances[*]: id path $.id selects nothing");
    }

    @Test
    void anEmptyListIsAnEmptyInventoryButAMissingOneIsNotTheDocumentTheMappingExpects() throws Exception {
        InventoryMapping mapping = mapping("""
                source: cloud-inventory
                items: "$.instances[*]"
                kind: instance
                id: "$.id"
                asset: "$.hostname"
                """);

        assertThat(extract(mapping, "{\"instances\": []}").items()).isEmpty();
        assertThatThrownBy(() -> extract(mapping, "{\"error\": \"rate limited\"}"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.getFile()).isEqualTo(LABEL);
                    assertThat(e.getReason()).isEqualTo("the items path $.instances[*] of mapping " + temp.resolve("mapping.yml")
                            + " selects nothing in this document");
                });
    }

    // ---------------------------------------------------------------- complaints about the mapping file

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            items      | 2 | 'items': '$.instances[*' is not a valid JSONPath
            id         | 4 | 'id': '$.id[?(@.x ==)]' is not a valid JSONPath
            attribute  | 7 | attribute 'public_ip': '$.network..' is not a valid JSONPath
            """)
    void aBadJsonPathIsReportedWithItsLineWhenTheMappingIsLoaded(String field, int line, String message) throws IOException {
        String good = """
                source: cloud-inventory
                items: "$.instances[*]"
                kind: instance
                id: "$.id"
                asset: "$.hostname"
                attributes:
                  public_ip: "$.network.publicIp"
                """;
        String broken = switch (field) {
            case "items" -> good.replace("\"$.instances[*]\"", "\"$.instances[*\"");
            case "id" -> good.replace("\"$.id\"", "\"$.id[?(@.x ==)]\"");
            default -> good.replace("\"$.network.publicIp\"", "\"$.network..\"");
        };
        Path file = write(broken);

        assertThatThrownBy(() -> InventoryMappingReader.read(file)).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.getFile()).isEqualTo(file.toString());
            assertThat(e.getLine()).isEqualTo(line);
            assertThat(e.getReason()).startsWith(message);
            assertThat(e.getMessage()).startsWith(file + ":" + line + ": " + message);
        });
    }

    @Test
    void everyProblemOfTheFileIsReportedAtOnceInFileOrderEachWithItsLine() throws IOException {
        Path file = write("""
                source: cloud inventory
                items: "$.instances[*]"
                kind: instance
                kindPath: "$.type"
                hostname: "$.hostname"
                attributes:
                  public_ip: [a, b]
                """);

        assertThatThrownBy(() -> InventoryMappingReader.read(file)).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.getLine()).isEqualTo(1);
            assertThat(e.getReason()).isEqualTo("source 'cloud inventory' must be letters, digits, '.', '_' or '-'"
                    + "; line 1: 'id' is missing"
                    + "; line 1: 'assetName' (the same for every item) or 'asset' (a JSONPath into each item) is missing"
                    + "; line 4: give either 'kind' or 'kindPath', not both"
                    + "; line 5: unknown field 'hostname'; a mapping has source, items, kind or kindPath, id, asset or assetName, attributes"
                    + "; line 7: attribute 'public_ip' must be a JSONPath in quotes, such as \"$.id\"");
        });
    }

    @Test
    void aFileThatIsNotYamlOrNotAMappingIsReportedWithItsLine() throws IOException {
        Path notYaml = write("source: x\nitems: \"$.a\n");
        assertThatThrownBy(() -> InventoryMappingReader.read(notYaml)).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.getMessage()).startsWith(notYaml + ":3: not valid YAML"));

        Path list = write("- source: x\n");
        assertThatThrownBy(() -> InventoryMappingReader.read(list)).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.getMessage()).isEqualTo(list + ":1: a mapping needs the fields source, items, kind or kindPath, "
                        + "id, asset or assetName, attributes"));

        Path missing = temp.resolve("absent.yml");
        assertThatThrownBy(() -> InventoryMappingReader.read(missing)).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.getMessage()).isEqualTo(missing + ": no such mapping file"));
    }

    // ---------------------------------------------------------------- JSON

    @Test
    void invalidJsonIsRejectedWithTheLineWhereItBreaks() {
        byte[] body = "{\"instances\": [\n  {\"id\": 1},\n  {\"id\": 2,}\n]}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> JsonDocuments.parse(body, LABEL)).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.getFile()).isEqualTo(LABEL);
            assertThat(e.getLine()).isEqualTo(3);
            assertThat(e.getReason()).startsWith("not valid JSON");
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            <html><body>Service Unavailable</body></html>
            {id: 1}
            "{""a"": 1} trailing"
            "{""a"": [1, 2"
            """)
    void whatLenientParsersWouldAcceptIsNotJson(String body) {
        assertThatThrownBy(() -> JsonDocuments.parse(body.getBytes(StandardCharsets.UTF_8), LABEL))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("not valid JSON");
    }

    @Test
    void aByteOrderMarkAndOtherUnicodeEncodingsAreRead() throws Exception {
        byte[] withBom = "\uFEFF{\"a\": \"é\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(JsonDocuments.parse(withBom, LABEL)).isEqualTo(Map.of("a", "é"));
        assertThat(JsonDocuments.parse("{\"a\": \"é\"}".getBytes(StandardCharsets.UTF_16LE), LABEL)).isEqualTo(Map.of("a", "é"));
    }

    // ---------------------------------------------------------------- helpers

    /** Found by fuzzing: an answer or an item that is JSON null escaped as IllegalArgumentException "root can not be null". */
    @Test
    void jsonNullIsNoDocumentAndNoItem() throws Exception {
        InventoryMapping mapping = InventoryMappingReader.read(ProjectFiles.integrations().resolve("mappings/cloud-inventory.yml"));

        assertThatThrownBy(() -> extract(mapping, "null")).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.getReason()).contains("selects nothing in this document"));
        assertThat(extract(mapping, "{\"instances\": [null]}").skipped())
                .containsExactly("item [0] of $.instances[*]: id path $.id selects nothing");
    }

    /** Found by fuzzing: JsonPath evaluates a function with a number argument into a NullPointerException. */
    @Test
    void aFunctionPathJsonPathCannotEvaluateSelectsNothing() throws Exception {
        Object answer = JsonDocuments.parse("{\"instances\": [{\"id\": \"i-1\"}]}".getBytes(StandardCharsets.UTF_8), LABEL);

        assertThat(JsonSelector.compile("\t\n$.instances.length(1.5)").in(answer)).isEmpty();
    }

    /** Found by fuzzing: a number whose exponent exceeds an int escaped as NumberFormatException. */
    @Test
    void aNumberBeyondBigDecimalIsInvalidJson() {
        assertThatThrownBy(() -> JsonDocuments.parse("{\"instances\": [{\"id\": 1e99999999999}]}".getBytes(StandardCharsets.UTF_8), LABEL))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.getFile()).isEqualTo(LABEL);
                    assertThat(e.getReason()).startsWith("a number is out of range");
                });
    }

    /** Found by fuzzing: a path of thousands of steps overflowed the stack of the JSONPath compiler. */
    @Test
    void aJsonPathOfThousandsOfStepsIsRefusedNotCompiled() throws IOException {
        String endless = "$.aaaaaaa" + "/../../..\u2028".repeat(2000);
        Path file = write("""
                source: cloud-inventory
                items: "%s"
                kind: instance
                id: "$.id"
                asset: "$.hostname"
                """.formatted(endless));

        assertThatThrownBy(() -> JsonSelector.compile(endless)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the JSONPath is longer than 1000 characters");
        assertThatThrownBy(() -> InventoryMappingReader.read(file)).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.getLine()).isEqualTo(2);
            assertThat(e.getReason()).contains("longer than 1000 characters");
        });
    }

    private InventoryMapping mapping(String yaml) throws Exception {
        return InventoryMappingReader.read(write(yaml));
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(temp.resolve("mapping.yml"), yaml, StandardCharsets.UTF_8);
    }

    private static InventoryMapping.Extraction extract(InventoryMapping mapping, String json) throws InvalidInputException {
        return mapping.extract(JsonDocuments.parse(json.getBytes(StandardCharsets.UTF_8), LABEL), NOW, LABEL);
    }
}
