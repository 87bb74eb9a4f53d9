package io.annexa.ingestion;

import io.annexa.ingestion.sshd.SshdConfigParser;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The configuration parsers Annexa has, by source kind. A parser either follows includes under a root
 * directory (this machine's own files) or does not (files dropped for other hosts).
 */
public final class ConfigParsers {

    private static final Map<String, Function<Path, ConfigParser>> PARSERS = Map.of(
            SshdConfigParser.SOURCE, SshdConfigParser::new);

    private ConfigParsers() {
    }

    /** @param includeRoot root for includes, or null to not follow them */
    public static Optional<ConfigParser> forSource(String source, Path includeRoot) {
        return Optional.ofNullable(PARSERS.get(source)).map(factory -> factory.apply(includeRoot));
    }

    /** Parsers that do not follow includes: for inputs whose includes are not on this machine. */
    public static Optional<ConfigParser> forSource(String source) {
        return forSource(source, null);
    }
}
