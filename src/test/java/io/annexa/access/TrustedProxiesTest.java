package io.annexa.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

    private final TrustedProxies proxies = TrustedProxies.parse(" 10.0.0.0/8, 192.168.1.10/32 ,::1/128,");

    @Test
    void aRequestOnAnnexasOwnTlsIsSecureWhoeverSentIt() {
        assertThat(TrustedProxies.NONE.secure(true, "203.0.113.9", null)).isTrue();
        assertThat(proxies.secure(true, "203.0.113.9", "http")).isTrue();
    }

    @Test
    void aTrustedProxySaysTheClientsSchemeFirstInAChain() {
        assertThat(proxies.secure(false, "10.1.2.3", "https")).isTrue();
        assertThat(proxies.secure(false, "192.168.1.10", " HTTPS ")).isTrue();
        assertThat(proxies.secure(false, "0:0:0:0:0:0:0:1", "https")).isTrue();
        assertThat(proxies.secure(false, "10.1.2.3", "https, http")).isTrue();
        assertThat(proxies.secure(false, "10.1.2.3", "http, https")).isFalse();
        assertThat(proxies.secure(false, "10.1.2.3", "http")).isFalse();
        assertThat(proxies.secure(false, "10.1.2.3", null)).isFalse();
    }

    @Test
    void anyoneElseSendingTheHeaderIsNotBelieved() {
        assertThat(proxies.secure(false, "192.168.1.11", "https")).isFalse();
        assertThat(proxies.secure(false, "203.0.113.9", "https")).isFalse();
        assertThat(proxies.secure(false, "localhost", "https")).as("names are never looked up").isFalse();
        assertThat(proxies.secure(false, null, "https")).isFalse();
        assertThat(TrustedProxies.NONE.secure(false, "127.0.0.1", "https")).as("nobody is trusted by default").isFalse();
        assertThat(TrustedProxies.parse("").secure(false, "127.0.0.1", "https")).isFalse();
    }

    @Test
    void aWrongEntryIsRefusedNamingTheSettingAndTheEntry() {
        assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/8,proxy.example.org/32"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("annexa.http.trusted-proxies: 'proxy.example.org/32': 'proxy.example.org' is not an IP address");
        assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("annexa.http.trusted-proxies: '10.0.0.1': not <address>/<prefix>");
        assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/eight"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("annexa.http.trusted-proxies: '10.0.0.0/eight': ");
    }
}
