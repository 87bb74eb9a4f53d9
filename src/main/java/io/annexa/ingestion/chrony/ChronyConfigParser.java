package io.annexa.ingestion.chrony;

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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads a chrony configuration the way chronyd 4.x (conf.c) does.
 *
 * <ul>
 * <li>{@code key}: the directive in lower case ({@code pool}, {@code server}, {@code peer}, {@code refclock},
 * {@code makestep}, {@code driftfile}, {@code confdir}, ...); chronyd compares directives case-insensitively.</li>
 * <li>{@code value}: the arguments with runs of white space made one space, as chronyd normalises the line
 * ({@code 2.debian.pool.ntp.org iburst}); empty for directives without arguments ({@code rtcsync}).</li>
 * <li>{@code scope}: always empty; chrony has no conditional blocks.</li>
 * </ul>
 *
 * <p>Every directive line is an entry, in the order chronyd reads them. Sources ({@code server}, {@code pool},
 * {@code peer}, {@code refclock}) and access rules accumulate; for single-valued directives ({@code driftfile},
 * {@code makestep}) chronyd keeps the last line. Comment lines start with {@code # ! ; %}; a {@code #} after a
 * directive is no comment for chronyd (it refuses the line), so it is refused here too. "No NTP source configured"
 * is: no entry with key {@code server}, {@code pool} or {@code peer}.
 *
 * <p>{@code include}, {@code confdir} and {@code sourcedir} are recorded as entries. With an include root they are
 * also followed: {@code include} globs and {@code confdir *.conf} files in place; {@code sourcedir *.sources} files
 * (which may hold only source directives) after the main file, as chronyd loads sources after the configuration.
 * For confdir and sourcedir the files of all listed directories are read in order of file name, and a name found
 * in an earlier directory hides the same name in later ones. Missing directories ({@code /run/chrony-dhcp}) are
 * skipped, as chronyd does.
 *
 * <p>Not registered for ntp.conf: its {@code server}/{@code pool} lines would read the same, but ntpd allows
 * trailing comments and has other directives ({@code restrict}); it deserves its own kind.
 */
public final class ChronyConfigParser implements ConfigParser {

    public static final String SOURCE = ConfigSources.CHRONY_CONF;

    static final int MAX_INCLUDE_DEPTH = 16;
    private static final String COMMENT_STARTS = "!;#%";
    private static final Set<String> SOURCE_DIRECTIVES = Set.of("server", "pool", "peer", "refclock");
    private static final Set<String> FILE_DIRECTIVES = Set.of("include", "confdir", "sourcedir");

    private final IncludeRoot includeRoot;

    /**
     * @param includeRoot directory standing for {@code /} when following includes; {@code null} to record include,
     *                    confdir and sourcedir lines without reading anything (a remote host's file must not pull in ours)
     */
    public ChronyConfigParser(Path includeRoot) {
        this.includeRoot = IncludeRoot.of(includeRoot);
    }

    public static ChronyConfigParser withoutIncludes() {
        return new ChronyConfigParser(null);
    }

    @Override
    public String source() {
        return SOURCE;
    }

    @Override
    public ConfigSnapshot parse(Path file, String asset, Instant observed) throws InvalidInputException, IOException {
        ConfigFile configFile = new ConfigFile(asset, SOURCE, file.toString(), observed);
        Reading reading = new Reading(asset, observed);
        reading.read(file, 0, false);
        reading.readSourceDirectories();
        return new ConfigSnapshot(configFile, reading.entries, reading.unresolved);
    }

    /** A sourcedir line, read once the configuration is complete. */
    private record SourceDirectories(List<String> directories, String file, int line) {
    }

    private final class Reading {
        private final String asset;
        private final Instant observed;
        private final List<ConfigEntry> entries = new ArrayList<>();
        private final java.util.List<io.annexa.evidence.UnresolvedInclude> unresolved = new ArrayList<>();
        private final List<SourceDirectories> sourceDirectories = new ArrayList<>();

        Reading(String asset, Instant observed) {
            this.asset = asset;
            this.observed = observed;
        }

        void read(Path path, int depth, boolean sourcesFile) throws InvalidInputException, IOException {
            String file = path.toString();
            List<String> lines = ConfigLines.read(path, "a chrony configuration");
            for (int i = 0; i < lines.size(); i++) {
                int line = i + 1;
                List<String> words = List.of(lines.get(i).strip().split("\\s+"));
                String first = words.get(0);
                if (first.isEmpty() || COMMENT_STARTS.indexOf(first.charAt(0)) >= 0) {
                    continue;
                }
                String key = first.toLowerCase(Locale.ROOT);
                List<String> args = words.subList(1, words.size());
                check(key, args, sourcesFile, file, line);
                entries.add(new ConfigEntry(asset, SOURCE, file, line, key, String.join(" ", args), "", observed));
                if (includeRoot != null) {
                    follow(key, args, depth, file, line);
                } else if (FILE_DIRECTIVES.contains(key)) {
                    for (String pattern : args) {
                        unresolved.add(io.annexa.ingestion.Includes.notFollowed(asset, SOURCE, file, line, pattern, observed));
                    }
                }
            }
        }

        private void follow(String key, List<String> args, int depth, String file, int line)
                throws InvalidInputException, IOException {
            switch (key) {
                case "include" -> {
                    for (String pattern : args) {
                        for (Path included : includeRoot.glob(absolute(pattern), file, line)) {
                            // chronyd opens a directory the pattern matches, reads nothing from it and goes on
                            if (!Files.isDirectory(included)) {
                                readNested(included, depth, false, file, line);
                            }
                        }
                    }
                }
                case "confdir" -> {
                    for (Path included : filesOf(args, ".conf", file, line)) {
                        readNested(included, depth, false, file, line);
                    }
                }
                case "sourcedir" -> sourceDirectories.add(new SourceDirectories(args, file, line));
                default -> {
                }
            }
        }

        void readSourceDirectories() throws InvalidInputException, IOException {
            for (SourceDirectories dirs : sourceDirectories) {
                for (Path sources : filesOf(dirs.directories(), ".sources", dirs.file(), dirs.line())) {
                    read(sources, 1, true);
                }
            }
        }

        private void readNested(Path included, int depth, boolean sourcesFile, String file, int line)
                throws InvalidInputException, IOException {
            if (depth + 1 > MAX_INCLUDE_DEPTH) {
                throw new InvalidInputException(file, line, "includes nested more than " + MAX_INCLUDE_DEPTH
                        + " levels deep (an include loop?): " + included);
            }
            read(included, depth + 1, sourcesFile);
        }
    }

    private static void check(String key, List<String> args, boolean sourcesFile, String file, int line)
            throws InvalidInputException {
        if (sourcesFile && !SOURCE_DIRECTIVES.contains(key)) {
            throw new InvalidInputException(file, line, "'" + key + "' in a .sources file, which chronyd allows to hold "
                    + "only server, pool, peer and refclock lines");
        }
        if (args.isEmpty() && (SOURCE_DIRECTIVES.contains(key) || FILE_DIRECTIVES.contains(key))) {
            throw new InvalidInputException(file, line, "'" + key + "' has no value");
        }
        for (String arg : args) {
            if (arg.startsWith("#")) {
                throw new InvalidInputException(file, line, "'#' after '" + key + "' is no comment for chronyd, which "
                        + "refuses the line: comments must start their own line");
            }
        }
    }

    /** chronyd runs in '/', so a relative name is relative to it. */
    private static String absolute(String name) {
        return name.startsWith("/") ? name : "/" + name;
    }

    /**
     * The files with this suffix in the listed directories, ordered by file name; an earlier directory's file
     * hides a same-named file in a later one (conf.c, confdir and sourcedir).
     */
    private List<Path> filesOf(List<String> directories, String suffix, String file, int line)
            throws InvalidInputException, IOException {
        Map<String, Path> byName = new TreeMap<>();
        for (String directory : directories) {
            Path dir = includeRoot.resolve(absolute(directory), file, line);
            for (Path found : IncludeRoot.filesIn(dir, name -> name.endsWith(suffix))) {
                byName.putIfAbsent(found.getFileName().toString(), found);
            }
        }
        return List.copyOf(byName.values());
    }
}
