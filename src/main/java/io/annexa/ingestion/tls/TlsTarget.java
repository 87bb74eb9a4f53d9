package io.annexa.ingestion.tls;

import io.annexa.evidence.AssetNames;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One endpoint to probe, as an operator writes it in {@code annexa.sources.tls.targets}:
 * {@code host:port}, {@code asset=host:port}, or {@code [v6 address]:port}. Without an explicit asset the
 * endpoint is filed under its host, so it meets the other evidence of that machine.
 */
public record TlsTarget(String asset, String host, int port) {

    // A host name, an IPv4 address, or an IPv6 address in brackets (the colons would otherwise be ambiguous).
    private static final Pattern ENTRY = Pattern.compile(
            "(?:(?<asset>[^=]+)=)?(?:(?<name>[A-Za-z0-9._-]+)|\\[(?<v6>[0-9A-Fa-f:.]+(?:%[A-Za-z0-9]+)?)]):(?<port>[0-9]{1,5})");

    public TlsTarget {
        asset = AssetNames.normalize(asset);
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not between 1 and 65535");
        }
    }

    /** @return empty when the entry is not one of the accepted forms, so the caller can name every bad entry */
    public static Optional<TlsTarget> parse(String entry) {
        Matcher m = ENTRY.matcher(entry.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        String host = m.group("name") != null ? m.group("name") : m.group("v6");
        try {
            // an IPv6 address is no asset name as it is (colons): spelt the way syslog senders are
            String asset = m.group("asset") != null ? m.group("asset") : m.group("v6") != null ? AssetNames.ofAddress(host) : host;
            return Optional.of(new TlsTarget(asset, host, Integer.parseInt(m.group("port"))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** {@code host:port}, how operators name an endpoint. */
    public String endpoint() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
