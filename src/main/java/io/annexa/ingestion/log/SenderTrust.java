package io.annexa.ingestion.log;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import java.net.InetSocketAddress;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which syslog senders may name which hosts ({@code annexa.sources.syslog.trusted-senders}): a comma-separated list
 * of {@code <address>/<prefix>=<host name pattern>}, e.g. {@code 10.0.0.0/8=*.corp.example.org,127.0.0.1/32=*}. A
 * message's HOSTNAME is believed when one entry's network holds the sender's address and its pattern matches the
 * name; {@code *} and {@code ?} are the wildcards, and repeating a network gives it several patterns.
 *
 * <p>Anybody who can reach the port can write any host name into a message. Without this, one sender could file
 * events under every machine it likes. Networks are matched by Netty's {@link IpSubnetFilterRule} (already on the
 * class path for the receiver), patterns by the JDK's glob {@link PathMatcher}: host names never hold a {@code /}.
 */
final class SenderTrust {

    static final String SETTING = "annexa.sources.syslog.trusted-senders";
    static final String DEFAULT = "127.0.0.1/32=*,::1/128=*";

    private record Entry(IpSubnetFilterRule network, PathMatcher hosts) {
    }

    private final List<Entry> entries;

    private SenderTrust(List<Entry> entries) {
        this.entries = entries;
    }

    /** @throws IllegalArgumentException naming the setting and the entry that is not {@code address/prefix=pattern} */
    static SenderTrust parse(String setting) {
        List<Entry> entries = new ArrayList<>();
        for (String raw : setting.split(",")) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            int equals = entry.indexOf('=');
            int slash = entry.indexOf('/');
            if (equals < 0 || slash < 0 || slash > equals) {
                throw invalid(entry, "not <address>/<prefix>=<host name pattern>");
            }
            String address = entry.substring(0, slash).strip();
            String pattern = entry.substring(equals + 1).strip().toLowerCase(Locale.ROOT);
            if (!address.matches("[0-9A-Fa-f:.]+")) {
                // checked before Netty sees it: a name there would be looked up in the DNS
                throw invalid(entry, "'" + address + "' is not an IP address");
            }
            if (!pattern.matches("[a-z0-9.*?_-]+")) {
                throw invalid(entry, "the host name pattern may hold letters, digits, '.', '-', '_', '*' and '?' only");
            }
            int prefix;
            try {
                prefix = Integer.parseInt(entry.substring(slash + 1, equals).strip());
                entries.add(new Entry(new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT),
                        FileSystems.getDefault().getPathMatcher("glob:" + pattern)));
            } catch (IllegalArgumentException e) {
                throw invalid(entry, e.getMessage());
            }
        }
        return new SenderTrust(entries);
    }

    private static IllegalArgumentException invalid(String entry, String problem) {
        return new IllegalArgumentException(SETTING + ": '" + entry + "': " + problem);
    }

    /** @param host a valid, normalised asset name (no {@code /}) */
    boolean allows(InetSocketAddress sender, String host) {
        if (sender == null || sender.getAddress() == null) {
            return false;
        }
        Path name = Path.of(host);
        for (Entry entry : entries) {
            if (entry.network().matches(sender) && entry.hosts().matches(name)) {
                return true;
            }
        }
        return false;
    }
}
