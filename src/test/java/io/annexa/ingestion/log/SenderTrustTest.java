package io.annexa.ingestion.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SenderTrustTest {

    private static InetSocketAddress from(String address) {
        return new InetSocketAddress(address, 514);
    }

    @Test
    void aSenderMayNameOnlyTheHostsItsNetworkIsTrustedFor() {
        SenderTrust trust = SenderTrust.parse("10.0.0.0/8=*.corp.example.org, 192.0.2.7/32=web1, 192.0.2.7/32=web2");

        assertThat(trust.allows(from("10.1.2.3"), "db.corp.example.org")).isTrue();
        assertThat(trust.allows(from("10.1.2.3"), "prod-db")).isFalse();
        assertThat(trust.allows(from("11.1.2.3"), "db.corp.example.org")).isFalse();
        assertThat(trust.allows(from("192.0.2.7"), "web2")).isTrue();
        assertThat(trust.allows(from("192.0.2.8"), "web2")).isFalse();
    }

    @Test
    void theDefaultTrustsTheLoopbackAddressesOnly() {
        SenderTrust trust = SenderTrust.parse(SenderTrust.DEFAULT);

        assertThat(trust.allows(from("127.0.0.1"), "anything.example.org")).isTrue();
        assertThat(trust.allows(from("::1"), "web1")).isTrue();
        assertThat(trust.allows(from("127.0.0.2"), "web1")).isFalse();
        assertThat(trust.allows(from("192.0.2.1"), "web1")).isFalse();
    }

    @Test
    void anEmptySettingTrustsNobody() {
        assertThat(SenderTrust.parse(" ").allows(from("127.0.0.1"), "web1")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0=*", "10.0.0.0/8", "example.org/32=*", "10.0.0.0/33=*", "10.0.0.0/8=web[12]", "10.0.0.0/8=a/b"})
    void refusesWhatIsNotAddressPrefixEqualsPattern(String entry) {
        assertThatThrownBy(() -> SenderTrust.parse("127.0.0.1/32=*," + entry))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(SenderTrust.SETTING + ": '" + entry + "': ");
    }
}
