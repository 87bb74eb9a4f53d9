package io.annexa.ingestion.sudoers;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a sudoers file the way sudo 1.9.13 (Debian 12) does, as far as compliance rules need it: who may run what
 * ({@code spec}), the {@code Defaults} that shape it, the aliases both refer to, and the files included. Every
 * statement is reported in the order sudo reads it; sudo applies all of them (for Defaults the last one wins, which
 * rules see from the order and the lines).
 *
 * <p>Entries:
 * <ul>
 *   <li>{@code Defaults}: one per parameter, value {@code name}, {@code !name}, {@code name=value},
 *       {@code name+=value} or {@code name-=value} (blanks around the operator removed, value as written, quotes
 *       kept: {@code secure_path="/usr/sbin:/usr/bin"}). Scope empty for a global line, else the binding as written:
 *       {@code Defaults:%sudo}, {@code Defaults:alice,bob}, {@code Defaults@web1}, {@code Defaults!/usr/bin/su},
 *       {@code Defaults>root}.</li>
 *   <li>{@code spec}: one per user of each {@code hosts = commands} part of a user specification, value the part
 *       normalised with all its users: {@code %sudo ALL=(ALL:ALL) ALL}, {@code alice ALL=(ALL) NOPASSWD: ALL};
 *       scope the user as written ({@code %sudo}, {@code alice}, {@code ADMINS}, {@code #1000}). A negated user
 *       ({@code ALL, !bob ...}) gets no entry of its own; the value shows the exception.</li>
 *   <li>{@code User_Alias}, {@code Runas_Alias}, {@code Host_Alias}, {@code Cmnd_Alias} ({@code Cmd_Alias} too): one
 *       per definition, value {@code NAME = member, member}, scope empty.</li>
 *   <li>{@code @include}, {@code @includedir}: value the path as written (the old spellings {@code #include} and
 *       {@code #includedir} are reported under these keys), scope empty.</li>
 * </ul>
 * Normalised means: single blanks, lists joined with {@code ", "}, {@code hosts=} and the Runas list without blanks
 * ({@code (ALL:ALL)}), each tag followed by {@code ": "}, command arguments as written with blanks collapsed.
 *
 * <p>Syntax as sudo's lexer reads it: {@code #} starts a comment unless quoted, escaped or a numeric id
 * ({@code #1000}); {@code #include}/{@code #includedir} at the very start of a line are directives, not comments;
 * a line ending in {@code \} goes on in the next. A statement sudo would not parse is rejected with its line:
 * unbalanced parentheses, a missing {@code =}, a command that is not a full path, alias, {@code sudoedit} or
 * {@code ALL}, an unterminated quote, a Defaults line without parameters, and so on.
 *
 * <p>Includes are followed under the include root, as sudo follows them: relative paths start from the directory
 * of the including file ({@code /etc} for the main file unless it lies under the root), {@code %h} stands for the
 * asset's short name; {@code @includedir} reads the directory's regular files whose names neither end in {@code ~}
 * nor contain a {@code .}, in name order, and a missing directory is nothing; a missing {@code @include} file is
 * an error, as sudo then refuses its whole configuration. Ownership and mode checks are not made. Without an
 * include root the directives are recorded only: they point at the other host's files, not this machine's.
 */
public final class SudoersParser implements ConfigParser {

    public static final String SOURCE = ConfigSources.SUDOERS;

    /** sudo's MAX_SUDOERS_DEPTH; an include loop ends here too. */
    static final int MAX_INCLUDE_DEPTH = 128;

    private static final Pattern INCLUDE = Pattern.compile("@(includedir|include)(?=$|[ \\t\"])");

    private final IncludeRoot includeRoot;

    /**
     * @param includeRoot directory standing for {@code /} when following includes; {@code null} to record include
     *                    directives without reading anything
     */
    public SudoersParser(Path includeRoot) {
        this.includeRoot = IncludeRoot.of(includeRoot);
    }

    public static SudoersParser withoutIncludes() {
        return new SudoersParser(null);
    }

    @Override
    public String source() {
        return SOURCE;
    }

    @Override
    public ConfigSnapshot parse(Path file, String asset, Instant observed) throws InvalidInputException, IOException {
        Reading reading = new Reading(asset, observed);
        reading.read(file, directoryOfMainFile(file), 0);
        return new ConfigSnapshot(new ConfigFile(asset, SOURCE, file.toString(), observed), reading.entries, reading.unresolved);
    }

    /** One parse, the main file and everything it includes. */
    private final class Reading {
        private final String asset;
        private final Instant observed;
        private final List<ConfigEntry> entries = new ArrayList<>();
        private final java.util.List<io.annexa.evidence.UnresolvedInclude> unresolved = new ArrayList<>();

        Reading(String asset, Instant observed) {
            this.asset = asset;
            this.observed = observed;
        }

        /** @param directory the directory sudo sees the file in, for relative includes */
        void read(Path path, String directory, int depth) throws InvalidInputException, IOException {
            String file = path.toString();
            for (Statements.Statement statement : Statements.of(ConfigLines.read(path, "a sudoers file"))) {
                Cursor c = new Cursor(statement.text(), file, statement.line());
                Matcher include = INCLUDE.matcher(statement.text());
                if (include.lookingAt()) {
                    c.advance(include.end());
                    String target = includePath(c, include.group());
                    add(file, statement.line(), include.group(), target, "");
                    if (includeRoot != null) {
                        follow(include.group().equals("@includedir"), target, directory, c, depth);
                    } else {
                        unresolved.add(io.annexa.ingestion.Includes.notFollowed(asset, SOURCE, file, statement.line(), target, observed));
                    }
                } else if (DefaultsLine.START.matcher(statement.text()).lookingAt()) {
                    DefaultsLine.Parsed defaults = DefaultsLine.parse(c);
                    for (String parameter : defaults.parameters()) {
                        add(file, statement.line(), "Defaults", parameter, defaults.binding());
                    }
                } else if (Aliases.START.matcher(statement.text()).lookingAt()) {
                    Aliases.Parsed aliases = Aliases.parse(c);
                    for (String definition : aliases.definitions()) {
                        add(file, statement.line(), aliases.type(), definition, "");
                    }
                } else {
                    for (UserSpecs.Spec spec : UserSpecs.parse(c)) {
                        for (String user : spec.users()) {
                            if (!user.startsWith("!")) {
                                add(file, statement.line(), "spec", spec.text(), user);
                            }
                        }
                    }
                }
            }
        }

        private void add(String file, int line, String key, String value, String scope) {
            entries.add(new ConfigEntry(asset, SOURCE, file, line, key, value, scope, observed));
        }

        private void follow(boolean directory, String target, String from, Cursor c, int depth)
                throws InvalidInputException, IOException {
            String absolute = target.replace("%h", shortName(asset));
            if (!absolute.startsWith("/")) {
                absolute = (from.endsWith("/") ? from : from + "/") + absolute;
            }
            Path resolved = includeRoot.resolve(absolute, c.file(), c.line()).normalize();
            if (depth + 1 > MAX_INCLUDE_DEPTH) {
                throw c.error("includes nested more than " + MAX_INCLUDE_DEPTH + " levels deep (an include loop?): " + target);
            }
            if (!directory) {
                if (!Files.isRegularFile(resolved)) {
                    throw c.error("included file '" + target + "' does not exist (" + resolved
                            + "): sudo refuses the whole configuration");
                }
                read(resolved, parent(absolute), depth + 1);
                return;
            }
            for (Path included : IncludeRoot.filesIn(resolved, name -> !name.endsWith("~") && name.indexOf('.') < 0)) {
                read(included, absolute, depth + 1);
            }
        }
    }

    /** The path after {@code @include}: quoted, or up to a blank that is not escaped; nothing may follow. */
    private static String includePath(Cursor c, String directive) throws InvalidInputException {
        c.skipBlanks();
        String written = c.peekHere() == '"' ? c.quoted() : c.until(" \t");
        String path = (written.startsWith("\"") ? written.substring(1, written.length() - 1) : written)
                .replaceAll("\\\\(.)", "$1");
        if (path.isEmpty()) {
            throw c.expected("a path after '" + directive + "'");
        }
        c.requireEnd();
        return path;
    }

    private String directoryOfMainFile(Path file) {
        if (includeRoot != null) {
            Path root = includeRoot.path();
            Path parent = file.toAbsolutePath().normalize().getParent();
            if (parent != null && parent.startsWith(root)) {
                return "/" + root.relativize(parent).toString().replace('\\', '/');
            }
        }
        return "/etc";
    }

    private static String parent(String absolute) {
        int slash = absolute.lastIndexOf('/');
        return slash <= 0 ? "/" : absolute.substring(0, slash);
    }

    private static String shortName(String asset) {
        int dot = asset.indexOf('.');
        return dot < 0 ? asset : asset.substring(0, dot);
    }
}
