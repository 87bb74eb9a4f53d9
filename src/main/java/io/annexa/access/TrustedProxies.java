package io.annexa.access;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The reverse proxies whose {@code X-Forwarded-Proto} is believed ({@code annexa.http.trusted-proxies}: comma-separated
 * {@code <address>/<prefix>}, none by default). A proxy that ends TLS and speaks plain HTTP to Annexa makes every
 * request look like plain HTTP; behind a trusted one, a request it forwarded from HTTPS counts as secure, so the session
 * cookie is {@code Secure} and {@code __Host-} as it would be on Annexa's own HTTPS listener.
 *
 * <p>Anybody can send the header: only the addresses listed may say what it means. Networks are matched by Netty's
 * {@link IpSubnetFilterRule} (on the class path for the syslog receiver); addresses are literals, never looked up.
 */
public final class TrustedProxies {

    public static final String SETTING = "annexa.http.trusted-proxies";
    public static final TrustedProxies NONE = new TrustedProxies(List.of());

    private final List<IpSubnetFilterRule> networks;

    private TrustedProxies(List<IpSubnetFilterRule> networks) {
        this.networks = networks;
    }

    /** @throws IllegalArgumentException naming the setting and the entry that is not {@code address/prefix} */
    public static TrustedProxies parse(String setting) {
        List<IpSubnetFilterRule> networks = new ArrayList<>();
        for (String raw : setting.split(",")) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            int slash = entry.indexOf('/');
            if (slash < 0) {
                throw invalid(entry, "not <address>/<prefix>");
            }
            String address = entry.substring(0, slash).strip();
            if (!address.matches("[0-9A-Fa-f:.]+") || !address.matches(".*[.:].*")) {
                // checked before anything parses it: a name there would be looked up in the DNS
                throw invalid(entry, "'" + address + "' is not an IP address");
            }
            try {
                networks.add(new IpSubnetFilterRule(address, Integer.parseInt(entry.substring(slash + 1).strip()), IpFilterRuleType.ACCEPT));
            } catch (IllegalArgumentException e) {
                throw invalid(entry, e.getMessage());
            }
        }
        return new TrustedProxies(List.copyOf(networks));
    }

    private static IllegalArgumentException invalid(String entry, String problem) {
        return new IllegalArgumentException(SETTING + ": '" + entry + "': " + problem);
    }

    /**
     * Whether the request reached the client's browser over TLS.
     *
     * @param secure         whether it reached Annexa over TLS itself
     * @param peer           the address it came from (the proxy's, behind one)
     * @param forwardedProto its {@code X-Forwarded-Proto} header, or null
     */
    public boolean secure(boolean secure, String peer, String forwardedProto) {
        if (secure) {
            return true;
        }
        if (forwardedProto == null || networks.isEmpty() || peer == null || !trusted(peer)) {
            return false;
        }
        // a chain of proxies lists the schemes client-first: the client's is what the browser saw
        int comma = forwardedProto.indexOf(',');
        String scheme = (comma < 0 ? forwardedProto : forwardedProto.substring(0, comma)).strip().toLowerCase(Locale.ROOT);
        return scheme.equals("https");
    }

    private boolean trusted(String peer) {
        String literal = stripScope(peer);
        // the servlet container gives the peer as a literal; anything else is not looked up, it is not trusted
        if (!literal.matches("[0-9A-Fa-f:.]+") || !literal.matches(".*[.:].*")) {
            return false;
        }
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(literal), 0);
            return networks.stream().anyMatch(network -> network.matches(address));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String stripScope(String peer) {
        int percent = peer.indexOf('%');
        return percent < 0 ? peer : peer.substring(0, percent);
    }
}
