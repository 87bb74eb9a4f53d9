package io.annexa.ingestion.pam;

import io.annexa.evidence.ConfigSources;
import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.ConfigFile;
import io.annexa.ingestion.ConfigFileIngest;
import io.annexa.ingestion.ConfigLines;
import io.annexa.ingestion.ConfigParser;
import io.annexa.ingestion.ConfigSnapshot;
import io.annexa.evidence.InvalidInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one PAM service file ({@code /etc/pam.d/<service>}) the way Linux-PAM 1.5 as patched by Debian 12 does.
 * Every rule is reported, in file order: PAM runs the whole stack, so there is no "first" or "last" value.
 *
 * <p>Which service: a {@code # annexa-pam-service: <name>} comment in the first five lines, else the file name after
 * its last {@code __} (inbox files are named {@code <asset>__<service>}, e.g. {@code web1__sshd}), else the whole
 * file name (this machine's {@code /etc/pam.d/sshd}). Every entry's scope is the service.
 *
 * <p>Entries of a rule line {@code [-]type control module-path [args...]}:
 * <ul>
 *   <li>key {@code <type>} ({@code auth}, {@code account}, {@code password}, {@code session}: lower case, without a
 *       leading {@code -}), value {@code <control> <module-path> [args]}: the line as PAM acts on it, with single
 *       blanks. The control is a keyword in lower case or {@code [return=action ...]}. For {@code include} and
 *       {@code substack} the "module path" is the included service: {@code auth include system-auth}.</li>
 *   <li>key {@code module:<type>}, value {@code <module> [args]}, where the module is the last part of the path
 *       ({@code /lib/x86_64-linux-gnu/security/pam_faillock.so} is {@code pam_faillock.so}): what a rule matches to
 *       ask "is pam_faillock.so in auth", e.g. {@code value matches "pam_faillock\\.so( .*)?"}. Not emitted for
 *       {@code include} and {@code substack}.</li>
 *   <li>key {@code silent:<type>}, value {@code <module>}, only for a type written with a leading {@code -}
 *       ({@code -session optional pam_systemd.so}): PAM does not log when that module is missing. The module still
 *       counts as failed then, so the line's control decides what a missing module does.</li>
 * </ul>
 * A Debian {@code @include <service>} line is the entry {@code @include} with the included service as value.
 * Included files are not followed: each is a service file of its own, read and reported under its own scope
 * ({@code common-auth}), so a rule about the modules sshd runs looks at sshd and the files it includes.
 *
 * <p>Syntax as libpam reads it: {@code #} ends a line's content wherever it stands, a line ending in {@code \}
 * continues on the next, words are separated by blanks, and {@code [...]} is one word ({@code \]} inside).
 * Rejected with their line, because libpam makes the whole service fail on them: an unknown type, a missing or
 * unknown control, a missing module, an unclosed {@code [}, a continuation at the end of the file, a carriage
 * return (CRLF line ends: libpam reads it as part of the module name or last argument).
 */
public final class PamConfigParser implements ConfigParser {

    public static final String SOURCE = ConfigSources.PAM_D;

    static final Pattern SERVICE_COMMENT = Pattern.compile("^\\s*#\\s*annexa-pam-service\\s*:\\s*(\\S+)\\s*$");
    static final int SERVICE_COMMENT_LINES = 5;

    private static final Set<String> TYPES = Set.of("auth", "account", "password", "session");

    @Override
    public String source() {
        return SOURCE;
    }

    @Override
    public ConfigSnapshot parse(Path path, String asset, Instant observed) throws InvalidInputException, IOException {
        String file = path.toString();
        List<String> physical = ConfigLines.read(path, "a PAM service file");
        String service = service(path, physical);
        List<ConfigEntry> entries = new ArrayList<>();
        for (LogicalLines.Line line : LogicalLines.of(physical, file)) {
            for (Entry entry : entries(Tokens.of(line.text()), file, line.number())) {
                entries.add(new ConfigEntry(asset, SOURCE, file, line.number(), entry.key(), entry.value(), service, observed));
            }
        }
        return new ConfigSnapshot(new ConfigFile(asset, SOURCE, file, observed), entries);
    }

    private record Entry(String key, String value) {
    }

    private static List<Entry> entries(List<Tokens.Token> words, String file, int line) throws InvalidInputException {
        Tokens.Token first = words.get(0);
        if (!first.bracketed() && first.text().equals("@include")) {
            if (words.size() != 2) {
                throw new InvalidInputException(file, line, words.size() < 2 ? "'@include' names no file"
                        : "'@include' takes one file name, not '" + written(words.subList(2, words.size())) + "'");
            }
            return List.of(new Entry("@include", words.get(1).written()));
        }
        boolean silent = !first.bracketed() && first.text().startsWith("-");
        String type = (silent ? first.text().substring(1) : first.text()).toLowerCase(Locale.ROOT);
        if (first.bracketed() || !TYPES.contains(type)) {
            throw new InvalidInputException(file, line, "unknown type '" + first.written()
                    + "': use auth, account, password or session (PAM fails every request of this service)");
        }
        if (words.size() < 2) {
            throw new InvalidInputException(file, line, "'" + type + "' has no control");
        }
        String control = Control.parse(words.get(1), file, line);
        if (words.size() < 3) {
            throw new InvalidInputException(file, line, "'" + type + " " + control + "' names no "
                    + (Control.INCLUDING.contains(control) ? "service to include" : "module"));
        }
        List<Tokens.Token> moduleAndArgs = words.subList(2, words.size());
        List<Entry> entries = new ArrayList<>();
        entries.add(new Entry(type, control + " " + written(moduleAndArgs)));
        if (!Control.INCLUDING.contains(control)) {
            String path = moduleAndArgs.get(0).written();
            String module = path.substring(path.lastIndexOf('/') + 1);
            List<Tokens.Token> args = moduleAndArgs.subList(1, moduleAndArgs.size());
            entries.add(new Entry("module:" + type, args.isEmpty() ? module : module + " " + written(args)));
            if (silent) {
                entries.add(new Entry("silent:" + type, module));
            }
        }
        return entries;
    }

    private static String written(List<Tokens.Token> words) {
        return String.join(" ", words.stream().map(Tokens.Token::written).toList());
    }

    private static String service(Path path, List<String> lines) throws InvalidInputException {
        for (int i = 0; i < Math.min(SERVICE_COMMENT_LINES, lines.size()); i++) {
            Matcher m = SERVICE_COMMENT.matcher(lines.get(i));
            if (m.matches()) {
                return m.group(1);
            }
        }
        String name = path.getFileName().toString();
        int separator = name.lastIndexOf(ConfigFileIngest.PART_SEPARATOR);
        if (separator < 0) {
            return name;
        }
        String service = name.substring(separator + ConfigFileIngest.PART_SEPARATOR.length());
        if (service.isEmpty()) {
            throw new InvalidInputException(path.toString(), 0, "nothing after '" + ConfigFileIngest.PART_SEPARATOR
                    + "' in the file name: name it <asset>" + ConfigFileIngest.PART_SEPARATOR + "<service>");
        }
        return service;
    }
}
