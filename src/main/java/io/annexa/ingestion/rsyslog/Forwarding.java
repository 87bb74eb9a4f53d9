package io.annexa.ingestion.rsyslog;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an action sends messages to another host, as {@code <protocol> <target>:<port>} ({@code tcp 10.0.0.1:514}),
 * the value of the {@code forward} entries rules look for. Local actions have none.
 */
final class Forwarding {

    private static final String DEFAULT_PORT = "514";
    /** {@code @host}, {@code @@host:port}, {@code @@(o,z9)[::1]:514;Template}. */
    private static final Pattern LEGACY = Pattern.compile("(@@?)(?:\\([^)]*\\))?(\\[[^\\]]+\\]|[^:;\\s]+)(?::(\\d+))?.*");
    /** {@code :omrelp:host:port;Template}. */
    private static final Pattern LEGACY_RELP = Pattern.compile(":omrelp:(\\[[^\\]]+\\]|[^:;\\s]+)(?::(\\d+))?.*",
            Pattern.CASE_INSENSITIVE);

    private Forwarding() {
    }

    /** From a traditional action as written after a selector. */
    static Optional<String> ofLegacy(String action) {
        Matcher m = LEGACY.matcher(action);
        if (m.matches()) {
            return Optional.of(describe(m.group(1).equals("@@") ? "tcp" : "udp", m.group(2), m.group(3)));
        }
        m = LEGACY_RELP.matcher(action);
        if (m.matches()) {
            return Optional.of(describe("relp", m.group(1), m.group(2)));
        }
        return Optional.empty();
    }

    /** From the parameters of an {@code action(...)} object: omfwd (protocol udp unless set) and omrelp. */
    static Optional<String> ofAction(Map<String, String> parameters) {
        String type = parameters.getOrDefault("type", "").toLowerCase(Locale.ROOT);
        String target = parameters.get("target");
        if (target == null || target.isBlank()) {
            return Optional.empty();
        }
        return switch (type) {
            case "omfwd" -> Optional.of(describe(parameters.getOrDefault("protocol", "udp").toLowerCase(Locale.ROOT),
                    target, parameters.get("port")));
            case "omrelp" -> Optional.of(describe("relp", target, parameters.get("port")));
            default -> Optional.empty();
        };
    }

    private static String describe(String protocol, String target, String port) {
        return protocol + " " + target + ":" + (port == null || port.isBlank() ? DEFAULT_PORT : port);
    }
}
