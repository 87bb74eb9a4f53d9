package io.annexa.ingestion.tls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TlsTargetTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            web-01.example.org:443             | web-01.example.org | web-01.example.org | 443   | web-01.example.org:443
            WEB-01.Example.org.:443            | web-01.example.org | WEB-01.Example.org. | 443  | WEB-01.Example.org.:443
            ' 10.0.0.5:8443 '                  | 10.0.0.5           | 10.0.0.5           | 8443  | 10.0.0.5:8443
            Mail-GW=smtp.example.org:465       | mail-gw            | smtp.example.org   | 465   | smtp.example.org:465
            [2001:db8::1]:443                  | 2001-db8--1        | 2001:db8::1        | 443   | [2001:db8::1]:443
            router=[fe80::1%eth0]:65535        | router             | fe80::1%eth0       | 65535 | [fe80::1%eth0]:65535
            """)
    void acceptsHostPortWithOptionalAssetName(String entry, String asset, String host, int port, String endpoint) {
        assertThat(TlsTarget.parse(entry)).hasValueSatisfying(target -> {
            assertThat(target.asset()).isEqualTo(asset);
            assertThat(target.host()).isEqualTo(host);
            assertThat(target.port()).isEqualTo(port);
            assertThat(target.endpoint()).isEqualTo(endpoint);
        });
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"web1", "web1:", ":443", "web1:https", "web1:0", "web1:65536", "web1:443:1", "2001:db8::1:443",
            "=web1:443", " . =web1:443", "web/1=web1:443", "prоd-db=web1:443", "web 1:443", "https://web1:443", "web1:443/path", "a=b=web1:443"})
    void rejectsAnythingElse(String entry) {
        assertThat(TlsTarget.parse(entry)).isEmpty();
    }
}
