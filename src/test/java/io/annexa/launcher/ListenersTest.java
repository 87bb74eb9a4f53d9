package io.annexa.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where the launcher tells Payara Micro to listen, from settings given as an operator gives them. */
class ListenersTest {

    @TempDir
    Path dir;

    private static LauncherSettings settings(Map<String, String> systemProperties, Map<String, String> environment, Properties file) {
        return new LauncherSettings(systemProperties::get, environment, file);
    }

    @Test
    void listensOnLoopbackOnlyUnlessToldOtherwise() {
        Listeners.Plan plan = Listeners.plan(settings(Map.of(), Map.of(), new Properties()));

        assertThat(plan.preBootCommands()).containsExactly(
                "set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.address=127.0.0.1");
        assertThat(plan.options()).isEmpty();
        assertThat(plan.systemProperties()).isEmpty();
        assertThat(plan.postBootCommands()).containsExactly("set-metrics-configuration --enabled=false",
                "set-openapi-configuration --enabled=false");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "10.0.0.3,    10.0.0.3",
            "::1,         0:0:0:0:0:0:0:1",
            "127.0.0.2,   127.0.0.2",
            "0.0.0.0,     0.0.0.0"})
    void listensWhereTheOperatorSaysWithAndWithoutTls(String given, String address) throws Exception {
        Listeners.Plan plain = Listeners.plan(settings(Map.of(), Map.of("ANNEXA_HTTP_HOST", given), new Properties()));

        assertThat(plain.preBootCommands()).containsExactly(
                "set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.address=" + address);

        Path keystore = Files.write(dir.resolve("annexa.p12"), new byte[] {1});
        Listeners.Plan tls = Listeners.plan(settings(Map.of("annexa.http.host", given), Map.of(
                "ANNEXA_HTTP_TLS_KEYSTORE", keystore.toString(), "ANNEXA_HTTP_TLS_KEYSTORE_PASSWORD", "x"), new Properties()));

        assertThat(tls.preBootCommands()).contains(
                "set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.address=" + address,
                "set configs.config.server-config.network-config.network-listeners.network-listener.https-listener.address=" + address);
        assertThat(tls.preBootCommands()).filteredOn(c -> c.contains(".address=")).hasSize(2)
                .allSatisfy(c -> assertThat(c).endsWith("=" + address));
    }

    @Test
    void anAddressInTheHomeFileIsUsedWhenNothingElseSaysOne() {
        Properties file = new Properties();
        file.setProperty("annexa.http.host", "10.0.0.3");

        assertThat(Listeners.plan(settings(Map.of(), Map.of(), file)).preBootCommands()).containsExactly(
                "set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.address=10.0.0.3");
    }

    @Test
    void systemPropertyWinsOverEnvironmentWhichWinsOverTheHomeFile() {
        Properties file = new Properties();
        file.setProperty("annexa.http.host", "10.0.0.3");

        assertThat(settings(Map.of(), Map.of(), file).get("annexa.http.host")).contains("10.0.0.3");
        assertThat(settings(Map.of(), Map.of("ANNEXA_HTTP_HOST", "0.0.0.0"), file).get("annexa.http.host")).contains("0.0.0.0");
        assertThat(settings(Map.of("annexa.http.host", "::1"), Map.of("ANNEXA_HTTP_HOST", "0.0.0.0"), file).get("annexa.http.host")).contains("::1");
        assertThat(settings(Map.of(), Map.of("ANNEXA_HTTP_HOST", "  "), file).get("annexa.http.host")).contains("10.0.0.3");
    }

    @Test
    void anAddressThatDoesNotResolveIsRefusedInsteadOfBindingEverywhere() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Listeners.plan(settings(Map.of(), Map.of("ANNEXA_HTTP_HOST", "no-such-host.invalid"), new Properties())))
                .withMessageContaining("annexa.http.host").withMessageContaining("no-such-host.invalid");
    }

    @Test
    void tlsUsesTheOperatorsKeystoreWithoutPuttingItsPasswordOnTheCommandLine() throws Exception {
        Path keystore = Files.write(dir.resolve("annexa.p12"), new byte[] {1});
        Listeners.Plan plan = Listeners.plan(settings(Map.of(), Map.of(
                "ANNEXA_HTTP_TLS_KEYSTORE", keystore.toString(),
                "ANNEXA_HTTP_TLS_KEYSTORE_PASSWORD", "s3cret-store",
                "ANNEXA_HTTP_TLS_PORT", "9443",
                "ANNEXA_HTTP_TLS_ALIAS", "annexa",
                "ANNEXA_HTTP_TLS_ONLY", "true"), new Properties()));

        assertThat(plan.options()).containsExactly("--sslport", "9443", "--sslcert", "annexa");
        assertThat(String.join(" ", plan.options())).doesNotContain("s3cret-store");
        assertThat(plan.systemProperties()).containsEntry("javax.net.ssl.keyStore", keystore.toString())
                .containsEntry("javax.net.ssl.keyStorePassword", "s3cret-store")
                .containsEntry("javax.net.ssl.keyStoreType", "PKCS12");
        assertThat(plan.preBootCommands()).contains(
                "set configs.config.server-config.network-config.network-listeners.network-listener.https-listener.address=127.0.0.1",
                "set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.enabled=false");
    }

    @Test
    void tlsSettingsAreCheckedNamingTheSetting() throws Exception {
        Path keystore = Files.write(dir.resolve("annexa.p12"), new byte[] {1});
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Listeners.plan(settings(Map.of(), Map.of("ANNEXA_HTTP_TLS_KEYSTORE", keystore.toString()), new Properties())))
                .withMessageContaining("annexa.http.tls.keystore-password");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Listeners.plan(settings(Map.of(), Map.of("ANNEXA_HTTP_TLS_KEYSTORE", dir.resolve("missing.p12").toString()), new Properties())))
                .withMessageContaining("annexa.http.tls.keystore").withMessageContaining("missing.p12");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Listeners.plan(settings(Map.of(), Map.of("ANNEXA_HTTP_TLS_KEYSTORE", keystore.toString(),
                        "ANNEXA_HTTP_TLS_KEYSTORE_PASSWORD", "x", "ANNEXA_HTTP_TLS_PORT", "70000"), new Properties())))
                .withMessageContaining("annexa.http.tls.port").withMessageContaining("70000");
    }
}
