package io.annexa.ingestion.logrotate;

import io.annexa.evidence.ConfigSources;
import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.ConfigFile;
import io.annexa.ingestion.ConfigLines;
import io.annexa.ingestion.ConfigParser;
import io.annexa.ingestion.ConfigSnapshot;
import io.annexa.ingestion.IncludeRoot;
import io.annexa.evidence.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a logrotate configuration ({@code /etc/logrotate.conf} and what it includes, or one file of
 * {@code /etc/logrotate.d}) the way logrotate 3.21 (config.c) does.
 *
 * <ul>
 * <li>{@code key}: the directive as written (logrotate's directives are lower case and case-sensitive):
 * {@code weekly}, {@code rotate}, {@code maxage}, {@code create}, {@code compress}, {@code include},
 * {@code missingok}, {@code postrotate}, ...</li>
 * <li>{@code value}: the rest of the line after an optional {@code =} ({@code 4}, {@code 0640 root adm}); empty
 * for flags. For the scripts ({@code prerotate}, {@code postrotate}, {@code firstaction}, {@code lastaction},
 * {@code preremove}) the script's lines up to {@code endscript}, stripped, joined by newlines: one entry.</li>
 * <li>{@code scope}: empty for global directives; for a block, its log file names as written, unquoted and
 * separated by one space ({@code /var/log/syslog /var/log/mail.log}).</li>
 * </ul>
 *
 * <p>For every block one more entry, {@code retention_days}, at the line where the block's names begin: how many
 * days of rotated logs it keeps, from the global settings in force where the block starts and the block's own
 * (see {@link RetentionSettings#days()}): {@code rotate} × period (daily 1, weekly 7, monthly 30, yearly 365,
 * hourly rotate ÷ 24), capped by {@code maxage}; {@code 0} for {@code rotate 0}; for {@code rotate -1} the
 * {@code maxage} or {@code unlimited}; {@code unknown} when rotation is not by time (no period, {@code size},
 * {@code maxsize}). "Log retention below N days" compares that number.
 *
 * <p>Global directives after an {@code include} do not reach back into it, and global directives in an included
 * file stay in force for what follows, as in logrotate. With an include root, {@code include} is followed: a file,
 * or every regular file of a directory in name order except those with a taboo extension ({@code .dpkg-old},
 * {@code ~}, ..., changed by {@code tabooext}/{@code taboopat}); a missing path is skipped, as logrotate skips it
 * after complaining. Refused with file and line: a '}' or '{' out of place, a block never closed, log file names
 * inside a block, text after '}', a script without {@code endscript}, a count logrotate refuses, a log file named
 * by two blocks, {@code include}/{@code tabooext} inside a block. Unknown directives are kept as written (logrotate
 * complains and ignores the line).
 */
public final class LogrotateConfigParser implements ConfigParser {

    public static final String SOURCE = ConfigSources.LOGROTATE_CONF;
    public static final String RETENTION_DAYS = "retention_days";

    static final int MAX_INCLUDE_DEPTH = 16;

    /** Directives that take no value, so more may follow on the same line, as logrotate reads them. */
    private static final Set<String> FLAGS = Set.of("compress", "nocompress", "delaycompress", "nodelaycompress",
            "shred", "noshred", "sharedscripts", "nosharedscripts", "copytruncate", "nocopytruncate", "renamecopy",
            "norenamecopy", "copy", "nocopy", "ifempty", "notifempty", "dateext", "nodateext", "dateyesterday",
            "datehourago", "noolddir", "mailfirst", "maillast", "nocreateolddir", "nocreate", "hourly", "daily",
            "monthly", "yearly", "nomail", "missingok", "nomissingok", "allowhardlink", "noallowhardlink");
    /** Directives that need a value: without one logrotate reports an error rather than ignoring the line. */
    private static final Set<String> REQUIRED_VALUE = Set.of("size", "minsize", "maxsize", "rotate", "start", "minage",
            "maxage", "mail", "olddir", "extension", "addextension", "compresscmd", "uncompresscmd", "compressoptions",
            "compressext", "dateformat", "tabooext", "taboopat", "include", "shredcycles", "su");
    private static final Set<String> SCRIPTS = Set.of("prerotate", "postrotate", "firstaction", "lastaction", "preremove");
    private static final Set<String> GLOBAL_ONLY = Set.of("include", "tabooext", "taboopat");
    private static final List<String> DEFAULT_TABOO = List.of(",v", ".bak", ".cfsaved", ".disabled", ".dpkg-bak",
            ".dpkg-del", ".dpkg-dist", ".dpkg-new", ".dpkg-old", ".dpkg-tmp", ".rhn-cfg-tmp-*", ".rpmnew", ".rpmorig",
            ".rpmsave", ".swp", ".ucf-dist", ".ucf-new", ".ucf-old", "~");

    private final IncludeRoot includeRoot;

    /**
     * @param includeRoot directory standing for {@code /} when following {@code include}; {@code null} to record
     *                    include lines without reading anything (a remote host's file must not pull in ours)
     */
    public LogrotateConfigParser(Path includeRoot) {
        this.includeRoot = IncludeRoot.of(includeRoot);
    }

    public static LogrotateConfigParser withoutIncludes() {
        return new LogrotateConfigParser(null);
    }

    @Override
    public String source() {
        return SOURCE;
    }

    @Override
    public ConfigSnapshot parse(Path file, String asset, Instant observed) throws InvalidInputException, IOException {
        Reading reading = new Reading(asset, observed);
        reading.read(file, 0);
        return new ConfigSnapshot(new ConfigFile(asset, SOURCE, file.toString(), observed), reading.entries, reading.unresolved);
    }

    /** One parse: the global settings, taboo list and logged files are shared by every file read. */
    private final class Reading {
        private final String asset;
        private final Instant observed;
        private final List<ConfigEntry> entries = new ArrayList<>();
        private final java.util.List<io.annexa.evidence.UnresolvedInclude> unresolved = new ArrayList<>();
        private final RetentionSettings global = new RetentionSettings();
        private final List<String> tabooPatterns = new ArrayList<>(DEFAULT_TABOO.stream().map(ext -> "*" + ext).toList());
        private final Map<String, String> loggedAt = new HashMap<>();

        Reading(String asset, Instant observed) {
            this.asset = asset;
            this.observed = observed;
        }

        void read(Path path, int depth) throws InvalidInputException, IOException {
            FileReading fileReading = new FileReading(this, path.toString(), depth);
            List<String> lines = ConfigLines.read(path, "a logrotate configuration");
            for (int i = 0; i < lines.size(); i++) {
                fileReading.line(i + 1, lines.get(i));
            }
            fileReading.end();
        }

        void add(String file, int line, String key, String value, String scope) {
            entries.add(new ConfigEntry(asset, SOURCE, file, line, key, value, scope, observed));
        }
    }

    /** A block being read: its log files and its copy of the settings. */
    private record Block(String scope, int line, RetentionSettings settings) {
    }

    /** A script being read, up to its endscript. */
    private record Script(String key, int line, String scope, List<String> body) {
    }

    /** The state of one file: blocks and scripts end with their file. */
    private final class FileReading {
        private final Reading reading;
        private final String file;
        private final int depth;
        private Block block;
        private Script script;
        private StringBuilder names;
        private int namesLine;

        FileReading(Reading reading, String file, int depth) {
            this.reading = reading;
            this.file = file;
            this.depth = depth;
        }

        void line(int line, String text) throws InvalidInputException, IOException {
            if (script != null) {
                scriptLine(line, text);
            } else if (names != null) {
                names(line, text, 0);
            } else {
                directives(line, text, 0);
            }
        }

        void end() throws InvalidInputException {
            if (script != null) {
                throw new InvalidInputException(file, script.line(), "'" + script.key() + "' without 'endscript'");
            }
            if (names != null) {
                throw new InvalidInputException(file, namesLine, "missing '{' after the log file names");
            }
            if (block != null) {
                throw new InvalidInputException(file, block.line(), "the block of '" + block.scope() + "' is never closed: '}' missing");
            }
        }

        private void scriptLine(int line, String text) throws InvalidInputException, IOException {
            String stripped = text.strip();
            // logrotate reads the first word of each script line; only a word "endscript" ends the script.
            if (stripped.startsWith("endscript") && !isLetter(stripped, "endscript".length())) {
                reading.add(file, script.line(), script.key(), String.join("\n", script.body()), script.scope());
                script = null;
                directives(line, text, text.indexOf("endscript") + "endscript".length());
            } else if (!stripped.isEmpty()) {
                script.body().add(stripped);
            }
        }

        /** Log file names up to '{', over as many lines as they take; '#' lines among them are comments. */
        private void names(int line, String text, int from) throws InvalidInputException, IOException {
            if (from == 0 && text.strip().startsWith("#")) {
                return;
            }
            for (int i = from; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '}') {
                    throw new InvalidInputException(file, line, "'}' before the '{' of the log file names of line " + namesLine);
                }
                if (c == '{') {
                    names.append(text, from, i);
                    open();
                    directives(line, text, i + 1);
                    return;
                }
            }
            names.append(text, from, text.length()).append('\n');
        }

        private void directives(int line, String text, int from) throws InvalidInputException, IOException {
            int i = from;
            while (true) {
                while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
                if (i == text.length() || text.charAt(i) == '#') {
                    return;
                }
                char c = text.charAt(i);
                if (isLetter(text, i)) {
                    int end = i;
                    while (isLetter(text, end)) {
                        end++;
                    }
                    String key = text.substring(i, end);
                    if (FLAGS.contains(key)) {
                        directive(line, key, "");
                        i = end;
                        continue;
                    }
                    if (SCRIPTS.contains(key)) {
                        List<String> body = new ArrayList<>();
                        String sameLine = text.substring(end).strip();
                        if (!sameLine.isEmpty()) {
                            body.add(sameLine);
                        }
                        script = new Script(key, line, scope(), body);
                        return;
                    }
                    directive(line, key, valueAfter(text, end, key, line));
                    return;
                }
                if (c == '/' || c == '"' || c == '\'' || c == '~') {
                    if (block != null) {
                        throw new InvalidInputException(file, line, "log file name inside the block of '" + block.scope()
                                + "' (line " + block.line() + "): is a '}' missing?");
                    }
                    names = new StringBuilder();
                    namesLine = line;
                    names(line, text, i);
                    return;
                }
                if (c == '}') {
                    close(line);
                    String after = text.substring(i + 1).strip();
                    if (!after.isEmpty()) {
                        throw new InvalidInputException(file, line, "unexpected text after '}': '" + after + "'");
                    }
                    return;
                }
                if (c == '{') {
                    throw new InvalidInputException(file, line, "'{' without log file names before it");
                }
                throw new InvalidInputException(file, line, "lines must begin with a directive or a log file name, not '" + c + "'");
            }
        }

        private void directive(int line, String key, String value) throws InvalidInputException, IOException {
            if (block != null && GLOBAL_ONLY.contains(key)) {
                throw new InvalidInputException(file, line, "'" + key + "' may not appear inside the block of '"
                        + block.scope() + "'");
            }
            (block == null ? reading.global : block.settings()).apply(key, value, file, line);
            reading.add(file, line, key, value, scope());
            switch (key) {
                case "tabooext", "taboopat" -> taboo(key, value);
                case "include" -> include(value, line);
                default -> {
                }
            }
        }

        /** The value after the directive: an optional '=', then the rest of the line. */
        private String valueAfter(String text, int from, String key, int line) throws InvalidInputException {
            String value = text.substring(from).strip();
            if (value.startsWith("=")) {
                value = value.substring(1).strip();
            }
            if (value.isEmpty() && REQUIRED_VALUE.contains(key)) {
                throw new InvalidInputException(file, line, "argument expected after '" + key + "'");
            }
            return value;
        }

        private void open() throws InvalidInputException {
            List<String> logs;
            try {
                logs = LogNames.split(names.toString());
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(file, namesLine, "cannot read the log file names: " + e.getMessage());
            }
            if (logs.isEmpty()) {
                throw new InvalidInputException(file, namesLine, "'{' expected after log file names");
            }
            for (String log : logs) {
                String earlier = reading.loggedAt.putIfAbsent(log, file + ":" + namesLine);
                if (earlier != null) {
                    throw new InvalidInputException(file, namesLine, "duplicate log entry for " + log + " (already at " + earlier + ")");
                }
            }
            block = new Block(LogNames.join(logs), namesLine, reading.global.copy());
            names = null;
        }

        private void close(int line) throws InvalidInputException {
            if (block == null) {
                throw new InvalidInputException(file, line, "'}' without an open block");
            }
            reading.add(file, block.line(), RETENTION_DAYS, block.settings().days(), block.scope());
            block = null;
        }

        private void taboo(String key, String value) {
            String list = value;
            if (list.startsWith("+")) {
                list = list.substring(1);
            } else {
                reading.tabooPatterns.clear();
            }
            for (String item : list.split("[\\s,]+")) {
                if (!item.isEmpty()) {
                    reading.tabooPatterns.add(key.equals("tabooext") ? "*" + item : item);
                }
            }
        }

        private void include(String value, int line) throws InvalidInputException, IOException {
            if (includeRoot == null) {
                reading.unresolved.add(io.annexa.ingestion.Includes.notFollowed(reading.asset, SOURCE, file, line, value, reading.observed));
                return;
            }
            if (depth + 1 > MAX_INCLUDE_DEPTH) {
                throw new InvalidInputException(file, line, "includes nested more than " + MAX_INCLUDE_DEPTH
                        + " levels deep (an include loop?): " + value);
            }
            Path target = includeRoot.resolve(value.startsWith("/") ? value : "/" + value, file, line);
            if (Files.isDirectory(target)) {
                for (Path included : IncludeRoot.filesIn(target, this::notTaboo)) {
                    reading.read(included, depth + 1);
                }
            } else if (Files.isRegularFile(target)) {
                reading.read(target, depth + 1);
            }
        }

        private boolean notTaboo(String name) {
            return reading.tabooPatterns.stream().noneMatch(pattern -> IncludeRoot.matches(pattern, name));
        }

        private String scope() {
            return block == null ? "" : block.scope();
        }
    }

    /** isalpha in the C locale, which is what logrotate reads directives with. */
    private static boolean isLetter(String text, int i) {
        if (i >= text.length()) {
            return false;
        }
        char c = text.charAt(i);
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }
}
