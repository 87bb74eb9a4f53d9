package io.annexa.register.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.fuzz.FuzzInputs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@code config/assets.yml} and {@code config/register.yml}, fed mutations of the shipped files and random bytes:
 * each is read or refused with {@link RegisterConfigException}, whose every problem reads
 * {@code file:line:column: field: message} with the line inside the file.
 */
class RegisterConfigFuzzTest {

    private static final Path DIR = workDir();
    private static final Path ASSETS = DIR.resolve("assets.yml");
    private static final Path REGISTER = DIR.resolve("register.yml");

    @Property
    void assetsAreReadOrRefusedNamingLineColumnAndField(@ForAll("assetFiles") byte[] content) throws IOException {
        Files.write(ASSETS, content);
        RegisterConfigException refused = FuzzInputs.bounded(content, () -> {
            try {
                AssetInventory inventory = AssetInventoryReader.read(ASSETS);
                assertThat(inventory.records()).doesNotContainNull();
                return null;
            } catch (RegisterConfigException e) {
                return e;
            }
        });
        checkProblems(refused, ASSETS, content);
    }

    @Property
    void policyIsReadOrRefusedNamingLineColumnAndField(@ForAll("registerFiles") byte[] content) throws IOException {
        Files.write(REGISTER, content);
        RegisterConfigException refused = FuzzInputs.bounded(content, () -> {
            try {
                RegisterPolicy policy = RegisterPolicyReader.read(REGISTER);
                assertThat(policy.recurrenceWindow()).isPositive();
                assertThat(policy.maxRiskAcceptance()).isLessThanOrEqualTo(RegisterPolicyReader.MAX_RISK_ACCEPTANCE);
                return null;
            } catch (RegisterConfigException e) {
                return e;
            }
        });
        checkProblems(refused, REGISTER, content);
    }

    private static void checkProblems(RegisterConfigException refused, Path file, byte[] content) {
        if (refused == null) {
            return;
        }
        Pattern where = Pattern.compile(Pattern.quote(file.toString()) + ":(\\d+):(\\d+): (\\S+): .+", Pattern.DOTALL);
        assertThat(refused.problems()).isNotEmpty();
        for (String problem : refused.problems()) {
            Matcher m = where.matcher(problem);
            assertThat(m.matches()).as(FuzzInputs.describe(problem, content)).isTrue();
            assertThat(Integer.parseInt(m.group(1))).as(FuzzInputs.describe(problem, content)).isBetween(0, FuzzInputs.lineCount(content));
        }
    }

    @Provide
    Arbitrary<byte[]> assetFiles() {
        return FuzzInputs.bytes(FuzzInputs.samples("config", "assets.yml"));
    }

    @Provide
    Arbitrary<byte[]> registerFiles() {
        return FuzzInputs.bytes(FuzzInputs.samples("config", "register.yml"));
    }

    private static Path workDir() {
        try {
            return Files.createTempDirectory("register-config-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
