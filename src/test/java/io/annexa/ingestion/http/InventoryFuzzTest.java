package io.annexa.ingestion.http;

import io.annexa.ProjectFiles;
import io.annexa.fuzz.FuzzInputs;
import io.annexa.evidence.InvalidInputException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP inventory source: the JSON answer, the mapping file that turns it into items, and the mapping
 * applied to any document. The answer is parsed or refused with {@link InvalidInputException}; a mapping file
 * is read or refused with one naming the file and line; a JSONPath is compiled or refused with
 * IllegalArgumentException (which the mapping reader puts a line on); the extraction of any document yields
 * items and skipped items, or refuses a document whose items path selects nothing.
 */
class InventoryFuzzTest {

    private static final String ANSWER = """
            {"instances": [
               {"id": "i-0abc", "type": "instance", "hostname": "web-01.example.org",
                "network": {"publicIp": "203.0.113.7"}, "disk": {"encrypted": true}, "tags": ["web", "prod"]},
               {"id": 17, "type": null, "hostname": "", "network": [], "disk": {"encrypted": 1.5e3}},
               {"id": "i-0abd", "hostname": "DB1.", "tags": {"a": [1, 2, {"b": null}]}}]}
            """;
    private static final Path WORK = workFolder();
    private static final InventoryMapping MAPPING = mapping();

    @Property
    void answerIsParsedOrRefused(@ForAll("answers") byte[] answer) {
        InvalidInputException refused = FuzzInputs.bounded(answer, () -> {
            try {
                JsonDocuments.parse(answer, "http://inventory.example.org/v1/instances");
                return null;
            } catch (InvalidInputException e) {
                return e;
            }
        });
        if (refused != null) {
            assertThat(refused.getFile()).isEqualTo("http://inventory.example.org/v1/instances");
            assertThat(refused.getLine()).isBetween(0, FuzzInputs.lineCount(answer));
        }
    }

    @Property
    void everyParsedAnswerIsExtractedOrRefused(@ForAll("answers") byte[] answer) {
        Object document;
        try {
            document = JsonDocuments.parse(answer, "answer");
        } catch (InvalidInputException e) {
            return;
        }
        FuzzInputs.bounded(answer, () -> {
            try {
                InventoryMapping.Extraction extraction = MAPPING.extract(document, Instant.EPOCH, "answer");
                assertThat(extraction.items()).doesNotContainNull();
            } catch (InvalidInputException e) {
                assertThat(e.getFile()).isEqualTo("answer");
            }
            return null;
        });
    }

    @Property
    void mappingFileIsReadOrRefusedAtItsLine(@ForAll("mappings") byte[] content) throws IOException {
        Path file = WORK.resolve("mapping.yml");
        Files.write(file, content);
        InvalidInputException refused = FuzzInputs.bounded(content, () -> {
            try {
                InventoryMappingReader.read(file);
                return null;
            } catch (InvalidInputException e) {
                return e;
            }
        });
        if (refused != null) {
            assertThat(refused.getFile()).isEqualTo(file.toString());
            assertThat(refused.getLine()).as(FuzzInputs.describe(refused.getMessage(), content)).isBetween(0, FuzzInputs.lineCount(content));
        }
    }

    @Property
    void jsonPathIsCompiledOrRefused(@ForAll("paths") String expression) {
        FuzzInputs.bounded(expression, () -> {
            try {
                JsonSelector selector = JsonSelector.compile(expression);
                selector.in(JsonDocuments.parse(ANSWER.getBytes(StandardCharsets.UTF_8), "answer"));
            } catch (IllegalArgumentException e) {
                assertThat(e).isNotInstanceOf(NumberFormatException.class).hasMessageContaining("JSONPath");
            }
            return null;
        });
    }

    @Provide
    Arbitrary<byte[]> answers() {
        return FuzzInputs.bytes(List.of(ANSWER, "[]", "{\"instances\": []}", "{\"instances\": {\"id\": \"x\", \"hostname\": \"h\"}}",
                "\uFEFF{\"instances\": [{\"id\": \"1\", \"hostname\": \"h\"}]}"));
    }

    @Provide
    Arbitrary<byte[]> mappings() {
        return FuzzInputs.bytes(FuzzInputs.samples("integrations/mappings", ".yml"));
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.oneOf(FuzzInputs.text(List.of("$.instances[*]", "$.id", "$.network.publicIp", "$..tags[0]",
                "$.instances[?(@.disk.encrypted == true)]", "$['a b'][-1:]", "$.instances.length()", "$[0,1].x")));
    }

    private static InventoryMapping mapping() {
        try {
            return InventoryMappingReader.read(ProjectFiles.integrations().resolve("mappings/cloud-inventory.yml"));
        } catch (InvalidInputException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path workFolder() {
        try {
            return Files.createTempDirectory("inventory-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
