package io.annexa.control;

import io.annexa.fuzz.FuzzInputs;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code config/applicability.yml}, fed mutations of the real file and random bytes: it is read or refused
 * with {@link CatalogException}, whose every problem starts with {@code file:line:column:} inside the file.
 */
class ApplicabilityReaderFuzzTest {

    private static final ApplicabilityReader READER = new ApplicabilityReader(ControlCatalog.load());
    private static final Path FILE = workFile();
    private static final Pattern WHERE = Pattern.compile(Pattern.quote(FILE.toString()) + ":(\\d+):(\\d+): .+", Pattern.DOTALL);

    @Property
    void readOrRefusedNamingLineAndColumn(@ForAll("files") byte[] content) throws IOException {
        Files.write(FILE, content);
        CatalogException refused = FuzzInputs.bounded(content, () -> {
            try {
                Map<String, Applicability> decisions = READER.read(FILE);
                assertThat(decisions.values()).doesNotContainNull();
                return null;
            } catch (CatalogException e) {
                return e;
            }
        });
        if (refused != null) {
            assertThat(refused.problems()).isNotEmpty();
            for (String problem : refused.problems()) {
                var where = WHERE.matcher(problem);
                assertThat(where.matches()).as(FuzzInputs.describe(problem, content)).isTrue();
                assertThat(Integer.parseInt(where.group(1))).as(FuzzInputs.describe(problem, content)).isBetween(0, FuzzInputs.lineCount(content));
            }
        }
    }

    @Provide
    Arbitrary<byte[]> files() {
        return FuzzInputs.bytes(FuzzInputs.samples("config", "applicability.yml"));
    }

    private static Path workFile() {
        try {
            return Files.createTempDirectory("applicability-fuzz").resolve("applicability.yml");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
