package io.annexa.ingestion.scenario;

import io.annexa.evidence.ScenarioFacts;
import io.annexa.evidence.ScenarioInput;
import io.annexa.control.ControlCatalog;
import io.annexa.fuzz.FuzzInputs;
import io.annexa.evidence.InvalidInputException;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The readers of the sources that are no configuration file — log lines, OpenSCAP results (XML through
 * SafeXml), account rows (CSV read as the account query's rows), TLS probe results and route silence — fed
 * mutated scenario files of the rules and random bytes, through the same {@link ScenarioInputs} the rule tests
 * use. Each reads the file or refuses it with {@link InvalidInputException} naming the file and a line in it.
 */
class ScenarioInputsFuzzTest {

    private static final Instant OBSERVED = Instant.parse("2026-06-01T00:00:00Z");
    private static final ScenarioInputs INPUTS = new ScenarioInputs(ControlCatalog.load());
    private static final Path WORK = workFolder();

    @Property
    void logScenario(@ForAll("log") byte[] content) {
        readsOrRefuses("log", content);
    }

    @Property
    void xccdfResults(@ForAll("xccdf") byte[] content) {
        readsOrRefuses("xccdf", content);
    }

    @Property
    void accountRows(@ForAll("accounts") byte[] content) {
        readsOrRefuses("accounts", content);
    }

    @Property
    void tlsProbeResult(@ForAll("tls") byte[] content) {
        readsOrRefuses("tls", content);
    }

    @Property
    void routeSilence(@ForAll("source_silent") byte[] content) {
        readsOrRefuses("source_silent", content);
    }

    @Property
    void hostCollections(@ForAll("collection_failed") byte[] content) {
        readsOrRefuses("collection_failed", content);
    }

    @Provide("collection_failed")
    Arbitrary<byte[]> collectionFiles() {
        return FuzzInputs.bytes(FuzzInputs.scenarios("collection_failed"));
    }

    @Provide("log")
    Arbitrary<byte[]> logFiles() {
        List<String> samples = new ArrayList<>(FuzzInputs.scenarios("log"));
        samples.add(String.join("\n", FuzzInputs.samples("src/test/resources/corpus/loghub", "OpenSSH_2k.log").get(0)
                .lines().limit(60).toList()));
        return FuzzInputs.bytes(samples);
    }

    @Provide("xccdf")
    Arbitrary<byte[]> xccdfFiles() {
        return FuzzInputs.bytes(FuzzInputs.scenarios("xccdf"));
    }

    @Provide("accounts")
    Arbitrary<byte[]> accountFiles() {
        return FuzzInputs.bytes(FuzzInputs.scenarios("accounts"));
    }

    @Provide("tls")
    Arbitrary<byte[]> tlsFiles() {
        return FuzzInputs.bytes(FuzzInputs.scenarios("tls"));
    }

    @Provide("source_silent")
    Arbitrary<byte[]> silenceFiles() {
        return FuzzInputs.bytes(FuzzInputs.scenarios("source_silent"));
    }

    private static void readsOrRefuses(String source, byte[] content) {
        Path file = WORK.resolve("scenario.fail." + source);
        try {
            Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ScenarioInput input = INPUTS.forSource(source).orElseThrow();
        InvalidInputException refused = FuzzInputs.bounded(content, () -> {
            try {
                ScenarioFacts facts = input.read(file, "web1", OBSERVED);
                assertThat(facts).isNotNull();
                return null;
            } catch (InvalidInputException e) {
                return e;
            }
        });
        if (refused != null) {
            assertThat(refused.getFile()).as(FuzzInputs.describe(refused.getMessage(), content)).isEqualTo(file.toString());
            assertThat(refused.getLine()).as(FuzzInputs.describe(refused.getMessage(), content)).isBetween(0, FuzzInputs.lineCount(content));
            assertThat(refused.getReason()).isNotBlank();
        }
    }

    private static Path workFolder() {
        try {
            return Files.createTempDirectory("scenario-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
