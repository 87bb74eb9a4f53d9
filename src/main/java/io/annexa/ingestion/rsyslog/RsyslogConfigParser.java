package io.annexa.ingestion.rsyslog;

import io.annexa.evidence.SyslogSelector;
import io.annexa.evidence.ConfigSources;
import io.annexa.evidence.ConfigFile;
import io.annexa.ingestion.ConfigParser;
import io.annexa.ingestion.ConfigSnapshot;
import io.annexa.ingestion.IncludeRoot;
import io.annexa.evidence.InvalidInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Reads an rsyslog configuration (rsyslog 8), legacy and RainerScript syntax mixed as rsyslog's lexer allows.
 * Every statement is an entry, in the order rsyslog reads them.
 *
 * <ul>
 * <li>{@code action}: where messages go. Traditional actions as written ({@code -/var/log/syslog},
 * {@code /var/log/auth.log}, {@code @@logs.example.org:6514}, {@code :omusrmsg:*}, {@code ~}); RainerScript
 * {@code action(...)} as its parameters ({@code type="omfwd" target="10.0.0.1" port="514" protocol="tcp"});
 * {@code stop} as {@code stop}. The {@code scope} says which messages: the selector as written
 * ({@code auth,authpriv.*}, {@code *.*;auth,authpriv.none}) — {@link SyslogSelector#selectsAny} tells whether it
 * lets a facility through —, a property filter ({@code :msg, contains, "error"}), {@code if <condition>},
 * {@code if not (<condition>)} for the else branch, {@code ruleset <name>}; nested ones joined by {@code " / "};
 * empty for actions that take every message of the default ruleset.</li>
 * <li>{@code forward}: one more entry, same line and scope, for every action sending to another host, as
 * {@code <protocol> <target>:<port>}: {@code udp host:514} ({@code @host}), {@code tcp host:514} ({@code @@host}),
 * {@code relp host:port} ({@code :omrelp:}, {@code omrelp}), {@code action(type="omfwd")} with its protocol
 * (udp unless set) and port (514 unless set). "Is there remote forwarding" is: is there a {@code forward} entry.</li>
 * <li>Legacy directives: {@code $FileCreateMode} ... keyed with their {@code $} and canonical spelling (rsyslog
 * reads them case-insensitively), value the rest of the line without a trailing comment.</li>
 * <li>RainerScript objects: {@code module}, {@code input}, {@code global}, {@code main_queue}, {@code template},
 * {@code ruleset}, {@code include}, {@code lookup_table}, ...: keyed by the object name in lower case, value its
 * parameters as written, one space between them ({@code load="imuxsock"}); a template's list body follows.</li>
 * <li>{@code call}: the ruleset called. Anything else ({@code set}, {@code unset}, BSD {@code !prog} and
 * {@code +host} selectors, text rsyslog would not understand): {@code statement} with the text as written.</li>
 * </ul>
 *
 * <p>With an include root, {@code $IncludeConfig} and {@code include(file=...)} are followed in place (glob, or
 * every file of a directory, in name order); without one they are recorded only. Refused with file and line:
 * unclosed strings, comments, objects and blocks, a '}' or '&amp;' out of place, {@code if} without
 * {@code then}, {@code else} without {@code if}, a malformed object parameter (rsyslog wants quoted values), a
 * selector with an unknown facility or priority, a missing include of mode {@code abort-if-missing}.
 */
public final class RsyslogConfigParser implements ConfigParser {

    public static final String SOURCE = ConfigSources.RSYSLOG_CONF;

    private final IncludeRoot includeRoot;

    /**
     * @param includeRoot directory standing for {@code /} when following includes; {@code null} to record include
     *                    lines without reading anything (a remote host's file must not pull in ours)
     */
    public RsyslogConfigParser(Path includeRoot) {
        this.includeRoot = IncludeRoot.of(includeRoot);
    }

    public static RsyslogConfigParser withoutIncludes() {
        return new RsyslogConfigParser(null);
    }

    @Override
    public String source() {
        return SOURCE;
    }

    @Override
    public ConfigSnapshot parse(Path file, String asset, Instant observed) throws InvalidInputException, IOException {
        RsyslogReading reading = new RsyslogReading(asset, observed, includeRoot);
        reading.read(file, null, 0);
        return new ConfigSnapshot(new ConfigFile(asset, SOURCE, file.toString(), observed), reading.entries(), reading.unresolved());
    }
}
