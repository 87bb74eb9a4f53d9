package io.annexa.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TargetPolicyTest {

    static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    /** The IPv6 form as written, where the JDK would turn ::ffff:a.b.c.d into an IPv4 address. */
    static InetAddress ip6(String literal) throws Exception {
        return java.net.Inet6Address.getByAddress(null, TargetPolicy.Cidr.literal(literal).orElseThrow(), -1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "100.64.0.1",
            "100.127.255.255", "169.254.1.1", "169.254.169.254", "100.100.100.200", "0.0.0.0", "224.0.0.1", "239.255.255.250",
            "255.255.255.255", "::1", "::", "fe80::1", "febf::1", "fc00::1", "fd12:3456::1", "fd00:ec2::254", "ff02::1"})
    void refusesAddressesThatAreNotOnTheInternet(String address) throws Exception {
        assertThat(TargetPolicy.strict().allows(ip(address))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.215.14", "8.8.8.8", "172.15.255.255", "172.32.0.1", "100.63.255.255", "100.128.0.1",
            "192.169.0.1", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "2001:4860:4860::8888"})
    void allowsPublicAddresses(String address) throws Exception {
        assertThat(TargetPolicy.strict().allows(ip(address))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"::ffff:127.0.0.1", "::ffff:169.254.169.254", "::10.0.0.1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::1",
            "2002:c0a8:101::"})
    void refusesIpv6AddressesThatCarryARefusedIpv4Address(String address) throws Exception {
        assertThat(TargetPolicy.strict().allows(ip6(address))).isFalse();
    }

    @Test
    void allowsIpv6AddressesThatCarryAPublicIpv4Address() throws Exception {
        assertThat(TargetPolicy.strict().allows(ip6("::ffff:8.8.8.8"))).isTrue();
        assertThat(TargetPolicy.strict().allows(ip6("2002:0808:0808::1"))).isTrue();
    }

    @Test
    void saysWhyAnAddressIsRefused() throws Exception {
        assertThat(TargetPolicy.strict().refusal(ip("169.254.169.254")))
                .contains("169.254.169.254 is a cloud metadata address; add it to allow_private_targets to allow it");
        assertThat(TargetPolicy.strict().refusal(ip("10.0.0.1"))).hasValueSatisfying(r -> assertThat(r).contains("a private address"));
        assertThat(TargetPolicy.strict().refusal(ip("8.8.8.8"))).isEmpty();
    }

    @Test
    void anAllowListedCidrAllowsTheAddressesItCovers() throws Exception {
        TargetPolicy policy = new TargetPolicy(List.of("127.0.0.1/32", "10.20.0.0/16", "fd12:3456::/32"));

        assertThat(policy.allows(ip("127.0.0.1"))).isTrue();
        assertThat(policy.allows(ip("127.0.0.2"))).isFalse();
        assertThat(policy.allows(ip("10.20.255.1"))).isTrue();
        assertThat(policy.allows(ip("10.21.0.1"))).isFalse();
        assertThat(policy.allows(ip("fd12:3456:ffff::1"))).isTrue();
        assertThat(policy.allows(ip("fd12:3457::1"))).isFalse();
        assertThat(policy.allows(ip6("::ffff:127.0.0.1"))).isTrue();
        assertThat(policy.allows(ip("169.254.169.254"))).isFalse();
    }

    @Test
    void aBareAddressMeansThatAddressAndPrefixesNeedNotBeMultiplesOfEight() throws Exception {
        TargetPolicy policy = new TargetPolicy(List.of("192.168.1.10", "::1", "172.16.0.0/12", "100.64.0.0/10"));

        assertThat(policy.allowed()).containsExactly("192.168.1.10/32", "0:0:0:0:0:0:0:1/128", "172.16.0.0/12", "100.64.0.0/10");
        assertThat(policy.allows(ip("192.168.1.10"))).isTrue();
        assertThat(policy.allows(ip("192.168.1.11"))).isFalse();
        assertThat(policy.allows(ip("::1"))).isTrue();
        assertThat(policy.allows(ip("172.31.255.255"))).isTrue();
        assertThat(policy.allows(ip("100.100.100.200"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "example.org", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/08",
            "10.0.0.1/8", "256.0.0.1/32", "10.0.0/24", "010.0.0.0/8", "127.1", "0x7f.0.0.1", "fe80::1%eth0/128", "fd00::/129",
            "fd00::1/8", "1::2::3", "[::1]/128", ".:1", "::ffff:10.0.0.1/97"})
    void refusesWhatIsNotAClearCidr(String text) {
        assertThatThrownBy(() -> new TargetPolicy(List.of(text))).isInstanceOf(IllegalArgumentException.class);
    }
}
