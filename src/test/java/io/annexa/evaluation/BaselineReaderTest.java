package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.evidence.BaselineValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineReaderTest {

    @TempDir
    Path dir;

    private final List<Problem> problems = new ArrayList<>();

    @Test
    void readsEachSettingWithWhereItIsDeclared() throws IOException {
        List<BaselineValue> baseline = read("""
                baseline:
                  - source: sshd_config
                    assets: ["web*", db1]
                    settings:
                      PermitRootLogin: "no"
                      X11Forwarding: no
                  - source: login.defs
                    file: /etc/login.defs
                    settings:
                      PASS_MAX_DAYS: 90
                """);

        assertThat(problems).isEmpty();
        assertThat(baseline).extracting(BaselineValue::describe).containsExactly(
                "PermitRootLogin no (config/baseline.yml:5)", "X11Forwarding no (config/baseline.yml:6)",
                "PASS_MAX_DAYS 90 (config/baseline.yml:10)");
        BaselineValue rootLogin = baseline.get(0);
        assertThat(rootLogin.appliesTo("web12")).isTrue();
        assertThat(rootLogin.appliesTo("db1")).isTrue();
        assertThat(rootLogin.appliesTo("db10")).isFalse();
        assertThat(rootLogin.isKey("permitrootlogin")).isTrue();
        assertThat(rootLogin.matches(" No ")).isTrue();
        assertThat(rootLogin.matches("prohibit-password")).isFalse();
        BaselineValue ageing = baseline.get(2);
        assertThat(ageing.appliesTo("anything")).isTrue();
        assertThat(ageing.coversFile("/etc/login.defs")).isTrue();
        assertThat(ageing.coversFile("/etc/login.defs.d/x")).isFalse();
    }

    @Test
    void globsAreLiteralExceptForStarAndQuestionMark() throws IOException {
        BaselineValue value = read("""
                baseline:
                  - source: sshd_config
                    assets: "web.?"
                    settings: { PermitRootLogin: "no" }
                """).get(0);
        assertThat(value.appliesTo("web.1")).isTrue();
        assertThat(value.appliesTo("webx1")).isFalse();
    }

    @Test
    void everyProblemIsNamedWithLineAndColumnAndNothingOfAFaultyFileIsUsed() throws IOException {
        List<BaselineValue> baseline = read("""
                baseline:
                  - source: sshd_config
                    settings:
                      PermitRootLogin: "no"
                  - source: sshd
                    setings:
                      X11Forwarding: "no"
                  - source: login.defs
                    settings:
                      PASS_MAX_DAYS: [90, 60]
                """);

        assertThat(baseline).isEmpty();
        assertThat(problems).extracting(Problem::toString).anySatisfy(p -> assertThat(p)
                        .contains("config/baseline.yml:5:13").contains("unknown configuration source 'sshd'").contains("sshd_config"))
                .anySatisfy(p -> assertThat(p).contains("config/baseline.yml:6:5").contains("unknown field 'setings'"))
                .anySatisfy(p -> assertThat(p).contains("config/baseline.yml:10:22").contains("PASS_MAX_DAYS must be a single value"));
    }

    @Test
    void anEmptyOrMissingBaselineDeclaresNothing() throws IOException {
        assertThat(read("baseline: []\n")).isEmpty();
        assertThat(read("baseline:\n")).isEmpty();
        assertThat(BaselineReader.read(dir.resolve("absent.yml"), "config/baseline.yml", problems)).isEmpty();
        assertThat(read("baselines: []\n")).isEmpty();
        assertThat(problems).singleElement().satisfies(p -> assertThat(p.toString()).contains("must hold a list 'baseline:'"));
    }

    private List<BaselineValue> read(String yaml) throws IOException {
        Path file = Files.writeString(dir.resolve("baseline.yml"), yaml);
        return BaselineReader.read(file, "config/baseline.yml", problems);
    }
}
