package io.annexa.alerting;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which network addresses a webhook may be sent to. A webhook URL is configuration that reaches into the
 * network from inside it, so by default every address that is not plainly public is refused: loopback,
 * unspecified, link-local, private (10/8, 172.16/12, 192.168/16, fc00::/7), shared address space 100.64/10,
 * multicast, reserved ranges, and the cloud metadata endpoints (169.254.169.254, fd00:ec2::254,
 * 100.100.100.200). IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4) are judged by the
 * IPv4 address they carry. An address inside an allow-listed CIDR is allowed whatever its kind.
 */
public final class TargetPolicy {

    private static final List<Cidr> REFUSED = List.of(
            // cloud metadata, named although the ranges below hold them too: these are the addresses attacks aim at
            Cidr.parse("169.254.169.254/32"), Cidr.parse("fd00:ec2::254/128"), Cidr.parse("100.100.100.200/32"),
            Cidr.parse("0.0.0.0/8"), Cidr.parse("10.0.0.0/8"), Cidr.parse("100.64.0.0/10"), Cidr.parse("127.0.0.0/8"),
            Cidr.parse("169.254.0.0/16"), Cidr.parse("172.16.0.0/12"), Cidr.parse("192.0.0.0/24"),
            Cidr.parse("192.168.0.0/16"), Cidr.parse("198.18.0.0/15"), Cidr.parse("224.0.0.0/4"),
            Cidr.parse("240.0.0.0/4"),
            Cidr.parse("::/128"), Cidr.parse("::1/128"), Cidr.parse("100::/64"), Cidr.parse("64:ff9b:1::/48"),
            Cidr.parse("fc00::/7"), Cidr.parse("fe80::/10"), Cidr.parse("fec0::/10"), Cidr.parse("ff00::/8"));

    private final List<Cidr> allowed;

    /**
     * @param allowedCidrs addresses or CIDR blocks ({@code 10.1.0.0/16}, {@code 127.0.0.1/32}, {@code fd12::/16})
     *                     that are allowed although private; literal addresses only, never host names
     * @throws IllegalArgumentException naming the entry that is not a CIDR block
     */
    public TargetPolicy(List<String> allowedCidrs) {
        List<Cidr> parsed = new ArrayList<>();
        for (String text : allowedCidrs) {
            parsed.add(Cidr.parse(text));
        }
        this.allowed = List.copyOf(parsed);
    }

    public boolean allows(InetAddress address) {
        if (address == null) {
            return false;
        }
        for (Cidr cidr : allowed) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return !refused(address);
    }

    private static boolean refused(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        for (Cidr cidr : REFUSED) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        InetAddress carried = carriedIpv4(address);
        return carried != null && refused(carried);
    }

    /** The IPv4 address an IPv6 address stands for, or null: mapped, compatible, NAT64 (64:ff9b::/96) and 6to4. */
    static InetAddress carriedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return null;
        }
        byte[] b = address.getAddress();
        int offset = -1;
        if (zero(b, 0, 10) && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0))) {
            offset = 12; // ::ffff:a.b.c.d and the deprecated ::a.b.c.d
        } else if (b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b && zero(b, 4, 12)) {
            offset = 12; // NAT64 well-known prefix
        } else if (b[0] == 0x20 && b[1] == 0x02) {
            offset = 2; // 6to4
        }
        if (offset < 0) {
            return null;
        }
        try {
            return InetAddress.getByAddress(new byte[] {b[offset], b[offset + 1], b[offset + 2], b[offset + 3]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }

    private static boolean zero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "TargetPolicy[allowed=" + allowed + "]";
    }

    /** An address block; parsed from literals only, so building a policy never resolves a name. */
    private record Cidr(byte[] network, int prefix, String text) {

        private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
        private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

        static Cidr parse(String text) {
            String entry = text == null ? "" : text.strip();
            int slash = entry.indexOf('/');
            String host = slash < 0 ? entry : entry.substring(0, slash);
            boolean v4 = IPV4.matcher(host).matches();
            if (!v4 && !IPV6.matcher(host).matches()) {
                throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block");
            }
            byte[] address;
            try {
                address = InetAddress.getByName(host).getAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block");
            }
            if (v4 != (address.length == 4)) {
                // an IPv4-mapped IPv6 literal comes back as IPv4: its /prefix would mean something else
                throw new IllegalArgumentException("'" + text + "': write IPv4 blocks in dotted form");
            }
            int bits = address.length * 8;
            int prefix;
            try {
                prefix = slash < 0 ? bits : Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' has no valid prefix length");
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0.." + bits);
            }
            return new Cidr(address, prefix, entry);
        }

        boolean contains(InetAddress address) {
            byte[] candidate = address.getAddress();
            if (candidate.length != network.length) {
                return false;
            }
            int whole = prefix / 8;
            for (int i = 0; i < whole; i++) {
                if (candidate[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (candidate[whole] & mask) == (network[whole] & mask);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
