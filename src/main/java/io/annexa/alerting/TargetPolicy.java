package io.annexa.alerting;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which resolved addresses a webhook may be posted to. A webhook URL is written by whoever edits the configuration,
 * and the server posts from inside the network, so by default every address that is not plainly on the internet is
 * refused: loopback, link-local, private and shared (CGNAT) ranges, unspecified, multicast and reserved ranges, and the
 * cloud metadata endpoints. An IPv6 address that carries an IPv4 one (mapped {@code ::ffff:a.b.c.d}, compatible,
 * NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}) is judged by the IPv4 address too. A CIDR of
 * {@code allow_private_targets} that covers the address (or the IPv4 address it carries) allows it anyway.
 * <p>
 * The caller resolves the host and asks for every address, right before connecting to that same address.
 */
public final class TargetPolicy {

    private record Range(Cidr cidr, String reason) {
    }

    private static final List<Range> REFUSED = List.of(
            range("169.254.169.254/32", "a cloud metadata address"),
            range("100.100.100.200/32", "a cloud metadata address"),
            range("fd00:ec2::254/128", "a cloud metadata address"),
            range("0.0.0.0/8", "an unspecified address"),
            range("127.0.0.0/8", "a loopback address"),
            range("10.0.0.0/8", "a private address"),
            range("172.16.0.0/12", "a private address"),
            range("192.168.0.0/16", "a private address"),
            range("100.64.0.0/10", "a shared (CGNAT) address"),
            range("169.254.0.0/16", "a link-local address"),
            range("192.0.0.0/24", "an IETF protocol address"),
            range("198.18.0.0/15", "a benchmarking address"),
            range("224.0.0.0/4", "a multicast address"),
            range("240.0.0.0/4", "a reserved or broadcast address"),
            range("::/128", "an unspecified address"),
            range("::1/128", "a loopback address"),
            range("fe80::/10", "a link-local address"),
            range("fec0::/10", "a site-local address"),
            range("fc00::/7", "a private (unique local) address"),
            range("ff00::/8", "a multicast address"),
            range("100::/64", "a discard address"));

    private static final Cidr V4_MAPPED = Cidr.parse("::ffff:0.0.0.0/96");
    private static final Cidr V4_COMPATIBLE = Cidr.parse("::/96");
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");

    private final List<Cidr> allowed;

    /** @param allowedCidrs CIDRs such as {@code 127.0.0.1/32} or {@code fd12::/64}; a bare address means that address only */
    public TargetPolicy(List<String> allowedCidrs) {
        List<Cidr> cidrs = new ArrayList<>();
        for (String text : allowedCidrs) {
            cidrs.add(Cidr.parse(text));
        }
        this.allowed = List.copyOf(cidrs);
    }

    /** Nothing allow-listed. */
    public static TargetPolicy strict() {
        return new TargetPolicy(List.of());
    }

    public boolean allows(InetAddress address) {
        return refusal(address).isEmpty();
    }

    /** Why the address is refused, e.g. "127.0.0.1 is a loopback address", or empty when it is allowed. */
    public Optional<String> refusal(InetAddress address) {
        if (address == null) {
            return Optional.of("no address");
        }
        byte[] bytes = address.getAddress();
        Optional<byte[]> carried = carriedV4(bytes);
        if (covered(bytes) || carried.map(this::covered).orElse(false)) {
            return Optional.empty();
        }
        Optional<String> reason = reason(bytes).or(() -> carried.flatMap(TargetPolicy::reason));
        return reason.map(r -> address.getHostAddress() + " is " + r + "; add it to allow_private_targets to allow it");
    }

    /** The allow-list as given, normalised ({@code 127.0.0.1/32}). */
    public List<String> allowed() {
        return allowed.stream().map(Cidr::toString).toList();
    }

    private boolean covered(byte[] address) {
        return allowed.stream().anyMatch(c -> c.contains(address));
    }

    private static Optional<String> reason(byte[] address) {
        return REFUSED.stream().filter(r -> r.cidr().contains(address)).map(Range::reason).findFirst();
    }

    private static Optional<byte[]> carriedV4(byte[] address) {
        if (address.length != 16) {
            return Optional.empty();
        }
        if (V4_MAPPED.contains(address) || V4_COMPATIBLE.contains(address) || NAT64.contains(address)) {
            return Optional.of(Arrays.copyOfRange(address, 12, 16));
        }
        if (SIX_TO_FOUR.contains(address)) {
            return Optional.of(Arrays.copyOfRange(address, 2, 6));
        }
        return Optional.empty();
    }

    private static Range range(String cidr, String reason) {
        return new Range(Cidr.parse(cidr), reason);
    }

    @Override
    public String toString() {
        return "TargetPolicy[allowed=" + allowed() + "]";
    }

    /**
     * An address block. Parsed without any name lookup: only IPv4 dotted quads (four decimal parts, no leading zeros,
     * which some parsers read as octal) and IPv6 literals without a zone are accepted, and the bits after the prefix
     * must be zero ({@code 10.0.0.1/8} is refused: write {@code 10.0.0.0/8} or {@code 10.0.0.1/32}).
     */
    record Cidr(byte[] network, int prefix) {

        private static final Pattern V4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
        private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]{1,44}");
        private static final Pattern PREFIX = Pattern.compile("0|[1-9][0-9]{0,2}");

        static Cidr parse(String text) {
            String t = text == null ? "" : text.strip();
            int slash = t.indexOf('/');
            String host = slash < 0 ? t : t.substring(0, slash);
            byte[] network = literal(host).orElseThrow(() -> new IllegalArgumentException(
                    "'" + io.annexa.evidence.AssetNames.shown(t) + "' is not a CIDR like 127.0.0.1/32 or fd00::/8"));
            int bits = network.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                String p = t.substring(slash + 1);
                if (!PREFIX.matcher(p).matches() || Integer.parseInt(p) > bits) {
                    throw new IllegalArgumentException("'" + io.annexa.evidence.AssetNames.shown(t) + "': the prefix length must be 0 to " + bits);
                }
                prefix = Integer.parseInt(p);
            }
            for (int bit = prefix; bit < bits; bit++) {
                if ((network[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                    throw new IllegalArgumentException("'" + t + "' has bits set after the /" + prefix
                            + " prefix; write the network address, or /" + bits + " for this one address");
                }
            }
            return new Cidr(network, prefix);
        }

        /** The bytes of an IP literal (4 or 16), or empty for anything else; never looks a name up. */
        static Optional<byte[]> literal(String host) {
            if (V4.matcher(host).matches()) {
                String[] parts = host.split("\\.");
                byte[] bytes = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int part = Integer.parseInt(parts[i]);
                    if (part > 255) {
                        return Optional.empty();
                    }
                    bytes[i] = (byte) part;
                }
                return Optional.of(bytes);
            }
            if (host.indexOf(':') < 0 || !V6.matcher(host).matches()) {
                return Optional.empty();
            }
            try {
                // a text with ':' and no '%' is parsed as an IPv6 literal; the JDK does no lookup for it
                byte[] bytes = InetAddress.getByName(host).getAddress();
                if (bytes.length == 4) {
                    // the JDK turns ::ffff:a.b.c.d into an IPv4 address: keep the IPv6 form that was written
                    byte[] mapped = new byte[16];
                    mapped[10] = (byte) 0xff;
                    mapped[11] = (byte) 0xff;
                    System.arraycopy(bytes, 0, mapped, 12, 4);
                    return Optional.of(mapped);
                }
                return Optional.of(bytes);
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = prefix / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[whole] & mask) == (network[whole] & mask);
        }

        @Override
        public String toString() {
            try {
                InetAddress address = network.length == 16 ? java.net.Inet6Address.getByAddress(null, network, -1)
                        : InetAddress.getByAddress(network);
                return address.getHostAddress() + "/" + prefix;
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Cidr that && prefix == that.prefix && Arrays.equals(network, that.network);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(network) + prefix;
        }
    }
}
