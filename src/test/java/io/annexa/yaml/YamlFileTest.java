package io.annexa.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.nodes.MappingNode;

class YamlFileTest {

    @TempDir
    Path temp;

    @Test
    void aProblemQuotingALineBreakShowsItsCodeSoTheMessageStaysOneLine() throws Exception {
        // an anchor with no name: the parser's problem quotes the line break after '&'
        Path file = Files.writeString(temp.resolve("hosts.yml"), "hosts:\n  - name: a\n&\nb: 2\n");

        assertThatThrownBy(() -> YamlFile.read(file, "hosts.yml")).isInstanceOfSatisfying(YamlFile.YamlException.class, e -> {
            assertThat(e.getMessage()).startsWith("not valid YAML: ").contains("\\u000a").doesNotContain("\n");
            assertThat(e.line()).isEqualTo(3);
        });
    }

    @Test
    void nestingUpToTheLimitIsRead() throws Exception {
        Path file = Files.writeString(temp.resolve("deep.yml"), "a: " + "[".repeat(YamlFile.MAX_NESTING - 1) + "]".repeat(YamlFile.MAX_NESTING - 1) + "\n");

        assertThat(YamlFile.read(file, "deep.yml")).get().isInstanceOf(MappingNode.class);
    }

    /** Found by fuzzing config/baseline.yml: thousands of '{' overflowed the stack of the YAML composer. */
    @Test
    void nestingBeyondTheLimitIsRefusedWhereItGoesTooDeep() throws Exception {
        Path file = Files.writeString(temp.resolve("baseline.yml"), "# baseline:\n#     ass" + "{\r".repeat(5000) + "\n");

        assertThatThrownBy(() -> YamlFile.read(file, "baseline.yml")).isInstanceOfSatisfying(YamlFile.YamlException.class, e -> {
            assertThat(e.getMessage()).isEqualTo("mappings and lists nested more than 64 deep");
            assertThat(e.line()).isEqualTo(3 + YamlFile.MAX_NESTING); // the comment ends at the first CR; each line after opens one
            assertThat(e.column()).isEqualTo(1);
        });
    }
}
