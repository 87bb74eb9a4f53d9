package io.annexa.ingestion;

import io.annexa.ingestion.auditd.AuditdConfigParser;
import io.annexa.ingestion.auditrules.AuditRulesParser;
import io.annexa.ingestion.chrony.ChronyConfigParser;
import io.annexa.ingestion.faillock.FaillockConfParser;
import io.annexa.ingestion.logindefs.LoginDefsParser;
import io.annexa.ingestion.logrotate.LogrotateConfigParser;
import io.annexa.ingestion.pam.PamConfigParser;
import io.annexa.ingestion.pwquality.PwqualityConfParser;
import io.annexa.ingestion.rsyslog.RsyslogConfigParser;
import io.annexa.ingestion.sshd.SshdConfigParser;
import io.annexa.ingestion.sudoers.SudoersParser;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The configuration file kinds Annexa understands. Each kind has a source name (used in facts, rule
 * metadata, scenario file extensions and inbox folders), the name its ingest processor is bound under
 * for routes ({@code process: ref: sshdConfigIngest}), and its parser. A parser either follows includes
 * under a root directory (this machine's own files) or does not (files dropped for other hosts).
 */
public final class ConfigParsers {

    /** One kind of configuration file. */
    public record Kind(String source, String bean, Function<Path, ConfigParser> parser) {
    }

    private static final List<Kind> KINDS = List.of(
            // one line per kind; keep them sorted by source
            new Kind(AuditRulesParser.SOURCE, "auditRulesIngest", root -> new AuditRulesParser()),
            new Kind(AuditdConfigParser.SOURCE, "auditdConfIngest", root -> new AuditdConfigParser()),
            new Kind(ChronyConfigParser.SOURCE, "chronyConfIngest", ChronyConfigParser::new),
            new Kind(FaillockConfParser.SOURCE, "faillockConfIngest", root -> new FaillockConfParser()),
            new Kind(LoginDefsParser.SOURCE, "loginDefsIngest", root -> new LoginDefsParser()),
            new Kind(LogrotateConfigParser.SOURCE, "logrotateConfIngest", LogrotateConfigParser::new),
            new Kind(PamConfigParser.SOURCE, "pamDIngest", root -> new PamConfigParser()),
            new Kind(PwqualityConfParser.SOURCE, "pwqualityConfIngest", PwqualityConfParser::new),
            new Kind(RsyslogConfigParser.SOURCE, "rsyslogConfIngest", RsyslogConfigParser::new),
            new Kind(SshdConfigParser.SOURCE, "sshdConfigIngest", SshdConfigParser::new),
            new Kind(SudoersParser.SOURCE, "sudoersIngest", SudoersParser::new)
    );

    private ConfigParsers() {
    }

    public static List<Kind> kinds() {
        return KINDS;
    }

    /** @param includeRoot root for includes, or null to not follow them */
    public static Optional<ConfigParser> forSource(String source, Path includeRoot) {
        return KINDS.stream().filter(k -> k.source().equals(source)).findFirst().map(k -> k.parser().apply(includeRoot));
    }

    /** Parsers that do not follow includes: for inputs whose includes are not on this machine. */
    public static Optional<ConfigParser> forSource(String source) {
        return forSource(source, null);
    }
}
