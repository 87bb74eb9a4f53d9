package io.annexa.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Payara Micro's command line as the launcher completes it: the port, and clustering and phone-home off. */
class AnnexaLauncherTest {

    @Test
    void portOptionWinsOverTheEnvironment() {
        List<String> args = arguments("9000", "--port", "7000");

        assertThat(portOf(args)).isEqualTo("7000");
        assertThat(Collections.frequency(args, "--port")).isEqualTo(1);
        assertThat(args).doesNotContain("9000");
    }

    @Test
    void portOptionWinsEvenWhenTheEnvironmentIsInvalid() {
        assertThat(portOf(arguments("80a", "--port", "7000"))).isEqualTo("7000");
    }

    @Test
    void annexaPortIsUsedWithoutPortOption() {
        List<String> args = arguments("9000");

        assertThat(portOf(args)).isEqualTo("9000");
        assertThat(Collections.frequency(args, "--port")).isEqualTo(1);
    }

    @Test
    void annexaPortIsStripped() {
        assertThat(portOf(arguments(" 9000\n"))).isEqualTo("9000");
    }

    @Test
    void defaultPortIs8080() {
        assertThat(portOf(arguments(null))).isEqualTo("8080");
        assertThat(portOf(arguments(""))).isEqualTo("8080");
        assertThat(portOf(arguments("  "))).isEqualTo("8080");
    }

    @ParameterizedTest
    @ValueSource(strings = {"80a", "70000", "0", "65536", "-1", "123456"})
    void invalidAnnexaPortIsRefusedNamingTheVariable(String port) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> AnnexaLauncher.arguments(new String[0], port))
                .withMessageContaining("ANNEXA_PORT")
                .withMessageContaining("'" + port.strip() + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "80", "65535"})
    void portsAtTheEdgesAreAccepted(String port) {
        assertThat(portOf(arguments(port))).isEqualTo(port);
    }

    @Test
    void theDataGridAndPhoneHomeAreTurnedOff() {
        List<String> args = arguments(null);

        assertThat(args).containsExactly("--port", "8080", "--nohazelcast", "--disablephonehome");
    }

    @Test
    void givenNoclusterAndDisablephonehomeAreNotDuplicated() {
        List<String> args = arguments(null, "--nocluster", "--disablephonehome");

        assertThat(Collections.frequency(args, "--nocluster")).isEqualTo(1);
        assertThat(Collections.frequency(args, "--disablephonehome")).isEqualTo(1);
        assertThat(args).startsWith("--nocluster", "--disablephonehome");
    }

    @Test
    void clusterModeIsNotCombinedWithNocluster() {
        List<String> args = arguments(null, "--clustermode", "domain:10.0.0.1:4900");

        assertThat(args).doesNotContain("--nocluster", "--nohazelcast").contains("--clustermode", "--disablephonehome");
    }

    @Test
    void otherArgumentsArePassedOnInOrder() {
        List<String> args = arguments("9000", "--deploy", "x.war", "--contextroot", "/");

        assertThat(args).containsExactly("--deploy", "x.war", "--contextroot", "/",
                "--port", "9000", "--nohazelcast", "--disablephonehome");
    }

    private static List<String> arguments(String portVariable, String... args) {
        return List.of(AnnexaLauncher.arguments(args, portVariable));
    }

    private static String portOf(List<String> args) {
        int index = args.indexOf("--port");
        assertThat(index).as("--port in " + args).isNotNegative().isLessThan(args.size() - 1);
        return args.get(index + 1);
    }

    @Test
    void theServiceJvmUsesTwoMallocArenasUnlessTheOperatorSaysOtherwise() {
        String operators = System.getenv(AnnexaLauncher.MALLOC_ARENAS);
        assertThat(AnnexaLauncher.childProcess(List.of("java", "-version")).environment().get(AnnexaLauncher.MALLOC_ARENAS))
                .isEqualTo(operators == null ? "2" : operators);
    }
}
