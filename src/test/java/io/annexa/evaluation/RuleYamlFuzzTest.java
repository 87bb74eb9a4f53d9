package io.annexa.evaluation;

import io.annexa.control.ControlCatalog;
import io.annexa.evidence.BaselineValue;
import io.annexa.fuzz.FuzzInputs;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The readers of hand-edited YAML the engine loads: every {@code rule.yml} and {@code config/baseline.yml}.
 * They report problems rather than throw: for any content, a read returns (no exception at all), a refused
 * file has at least one error, and every problem names the file and a line inside it.
 */
class RuleYamlFuzzTest {

    private static final ControlCatalog CATALOG = ControlCatalog.load();
    private static final Path WORK = workFolder();

    @Property
    void ruleYmlIsReadOrReported(@ForAll("ruleYmls") byte[] content) throws IOException {
        Path file = WORK.resolve("sshd_root_login_disabled/rule.yml");
        Files.write(file, content);
        List<Problem> problems = new ArrayList<>();
        Optional<RuleDefinition> definition = FuzzInputs.bounded(content, () -> new RuleMetadataReader(CATALOG)
                .read(file, "rules/x/sshd_root_login_disabled/rule.yml", "x.sshd_root_login_disabled", problems));
        if (definition.isEmpty()) {
            assertThat(problems).anyMatch(Problem::isError);
        }
        namesFileAndLine(problems, "rules/x/sshd_root_login_disabled/rule.yml", content);
    }

    @Property
    void baselineIsReadOrReported(@ForAll("baselines") byte[] content) throws IOException {
        Path file = WORK.resolve("baseline.yml");
        Files.write(file, content);
        List<Problem> problems = new ArrayList<>();
        List<BaselineValue> baseline = FuzzInputs.bounded(content, () -> BaselineReader.read(file, "config/baseline.yml", problems));
        if (problems.stream().anyMatch(Problem::isError)) {
            assertThat(baseline).isEmpty();
        }
        namesFileAndLine(problems, "config/baseline.yml", content);
    }

    private static void namesFileAndLine(List<Problem> problems, String display, byte[] content) {
        for (Problem problem : problems) {
            assertThat(problem.file()).isEqualTo(display);
            assertThat(problem.line()).as(FuzzInputs.describe(problem.toString(), content)).isBetween(0, FuzzInputs.lineCount(content));
            assertThat(problem.message()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<byte[]> ruleYmls() {
        return FuzzInputs.bytes(FuzzInputs.samples("rules/technological/c8_05_secure_authentication", "rule.yml"));
    }

    @Provide
    Arbitrary<byte[]> baselines() {
        List<String> samples = new ArrayList<>(FuzzInputs.samples("config", "baseline.yml"));
        samples.addAll(FuzzInputs.samples("rules/technological/c8_09_configuration_management", "baseline.yml"));
        return FuzzInputs.bytes(samples);
    }

    private static Path workFolder() {
        try {
            Path work = Files.createTempDirectory("rule-yaml-fuzz");
            Files.createDirectories(work.resolve("sshd_root_login_disabled"));
            return work;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
