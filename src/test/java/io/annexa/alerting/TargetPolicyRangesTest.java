package io.annexa.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TargetPolicyRangesTest {

    private final TargetPolicy strict = new TargetPolicy(List.of());

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "::1", "0.0.0.0", "::", "10.1.2.3", "172.16.0.1", "172.31.255.254",
            "192.168.1.1", "100.64.0.1", "100.127.255.254", "169.254.1.1", "169.254.169.254", "fd00:ec2::254",
            "100.100.100.200", "fc00::1", "fd12:3456::1", "fe80::1", "224.0.0.1", "239.255.255.250", "ff02::1",
            "255.255.255.255", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe", "2002:a9fe:a9fe::1",
            "2002:7f00:1::1", "::127.0.0.1"})
    void refusesEveryAddressThatIsNotPlainlyPublic(String literal) throws UnknownHostException {
        assertThat(strict.allows(InetAddress.getByName(literal))).as(literal).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.215.14", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::6810:85e5", "::ffff:8.8.8.8",
            "64:ff9b::808:808"})
    void allowsPublicAddresses(String literal) throws UnknownHostException {
        assertThat(strict.allows(InetAddress.getByName(literal))).as(literal).isTrue();
    }

    @Test
    void anAllowListedBlockIsAllowedAndNothingBeyondIt() throws UnknownHostException {
        TargetPolicy policy = new TargetPolicy(List.of("127.0.0.1/32", "10.20.0.0/16", "fd12::/16"));

        assertThat(policy.allows(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(policy.allows(InetAddress.getByName("127.0.0.2"))).isFalse();
        assertThat(policy.allows(InetAddress.getByName("10.20.255.1"))).isTrue();
        assertThat(policy.allows(InetAddress.getByName("10.21.0.1"))).isFalse();
        assertThat(policy.allows(InetAddress.getByName("fd12:1::5"))).isTrue();
        assertThat(policy.allows(InetAddress.getByName("fd13::5"))).isFalse();
        assertThat(policy.allows(InetAddress.getByName("169.254.169.254"))).isFalse();
    }

    @Test
    void aPrefixThatIsNotAByteBoundaryCoversExactlyItsBlock() throws UnknownHostException {
        TargetPolicy policy = new TargetPolicy(List.of("192.168.4.0/22"));

        assertThat(policy.allows(InetAddress.getByName("192.168.7.255"))).isTrue();
        assertThat(policy.allows(InetAddress.getByName("192.168.8.0"))).isFalse();
        assertThat(policy.allows(InetAddress.getByName("192.168.3.255"))).isFalse();
    }

    @Test
    void anAllowListedMetadataAddressIsAllowedBecauseTheOperatorSaidSo() throws UnknownHostException {
        assertThat(new TargetPolicy(List.of("169.254.169.254")).allows(InetAddress.getByName("169.254.169.254"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "example.org/24", "10.0.0.0/33", "fd00::/129", "10.0.0.0/x", "", "1", "127.1"})
    void refusesAllowListEntriesThatAreNotLiteralBlocks(String entry) {
        assertThatThrownBy(() -> new TargetPolicy(List.of(entry))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + entry + "'");
    }

    @Test
    void noAddressIsNeverAllowed() {
        assertThat(strict.allows(null)).isFalse();
    }
}
