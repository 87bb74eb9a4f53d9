package io.annexa.ingestion.pwquality;

import io.annexa.evidence.ConfigSources;
import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.ConfigFile;
import io.annexa.ingestion.NameValueLines;
import io.annexa.ingestion.ConfigParser;
import io.annexa.ingestion.ConfigSnapshot;
import io.annexa.ingestion.IncludeRoot;
import io.annexa.evidence.InvalidInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a password quality configuration the way libpwquality 1.4.5 ({@code src/settings.c}, Debian 12) does and
 * reports the settings that take effect for pam_pwquality, pwscore and pwmake.
 *
 * <p>Each {@code name = value} line is one entry (the {@code =} is optional: {@code minlen 14} works too):
 * <ul>
 *   <li>key: the setting name. libpwquality compares names case-insensitively, so known names are reported in
 *       lower case ({@code minlen}, {@code dcredit}, {@code ucredit}, {@code lcredit}, {@code ocredit},
 *       {@code minclass}, {@code maxrepeat}, {@code maxclassrepeat}, {@code maxsequence}, {@code difok},
 *       {@code gecoscheck}, {@code dictcheck}, {@code usercheck}, {@code usersubstr}, {@code enforcing},
 *       {@code retry}, {@code badwords}, {@code dictpath}, {@code enforce_for_root}, {@code local_users_only}).
 *       Unknown names are kept as written.</li>
 *   <li>value: the rest of the line with the blanks around it removed, as written (libpwquality raises a
 *       {@code minlen} below 6 to 6 and a {@code minclass} above 4 to 4; the value is not adjusted). The flags
 *       {@code enforce_for_root} and {@code local_users_only} are switched on by being present, whatever follows
 *       them, so their value is {@code true}; an unknown name without a value is taken as such a flag too.</li>
 *   <li>scope: always empty.</li>
 * </ul>
 * {@code #} starts a comment anywhere on a line. The Debian default is all comments: it yields no entries, only the
 * {@link ConfigFile} fact, so rules can tell "read, nothing set" from "not read".
 *
 * <p>With an include root, the drop-ins {@code /etc/security/pwquality.conf.d/*.conf} under it are read first, in
 * name order, then the file itself; a later value of a setting replaces an earlier one, so only the last is
 * reported. Without an include root only the file is read.
 *
 * <p>Rejected with their line, as libpwquality rejects them: a known number setting whose value is not a whole
 * number (including no value), a line without a setting name, a line longer than 1022 bytes. libpwquality stops
 * reading a file at an unknown name; this parser keeps the name and reads on, so a setting newer than the host's
 * libpwquality is not lost.
 */
public final class PwqualityConfParser implements ConfigParser {

    public static final String SOURCE = ConfigSources.PWQUALITY_CONF;

    /** Where libpwquality looks for drop-ins: the default configuration file's path plus ".d". */
    static final String DROP_IN_DIRECTORY = "/etc/security/pwquality.conf.d";
    /** fgets into a 1024-byte buffer: a longer line makes libpwquality give up on the file. */
    static final int MAX_LINE_BYTES = 1022;

    private static final Set<String> NUMBERS = Set.of("difok", "minlen", "dcredit", "ucredit", "lcredit", "ocredit",
            "minclass", "maxrepeat", "maxclassrepeat", "maxsequence", "gecoscheck", "dictcheck", "usercheck",
            "usersubstr", "enforcing", "retry");
    private static final Set<String> TEXTS = Set.of("badwords", "dictpath");
    private static final Set<String> FLAGS = Set.of("enforce_for_root", "local_users_only");
    /** strtol base 10 over the whole value; INT_MIN and INT_MAX themselves are refused by settings.c. */
    private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?[0-9]+");

    private final IncludeRoot includeRoot;

    /** @param includeRoot directory standing for {@code /} when reading drop-ins; {@code null} to read the file only */
    public PwqualityConfParser(Path includeRoot) {
        this.includeRoot = IncludeRoot.of(includeRoot);
    }

    @Override
    public String source() {
        return SOURCE;
    }

    @Override
    public ConfigSnapshot parse(Path file, String asset, Instant observed) throws InvalidInputException, IOException {
        // Re-inserting on redefinition orders the entries by the line that takes effect.
        Map<String, ConfigEntry> effective = new LinkedHashMap<>();
        for (Path dropIn : dropIns(file)) {
            read(dropIn, asset, observed, effective);
        }
        read(file, asset, observed, effective);
        return new ConfigSnapshot(new ConfigFile(asset, SOURCE, file.toString(), observed), new ArrayList<>(effective.values()));
    }

    private void read(Path path, String asset, Instant observed, Map<String, ConfigEntry> effective)
            throws InvalidInputException, IOException {
        String file = path.toString();
        for (NameValueLines.Setting setting : NameValueLines.read(path, "a pwquality.conf", MAX_LINE_BYTES,
                "libpwquality refuses the whole file")) {
            String key = canonical(setting.name());
            ConfigEntry entry = new ConfigEntry(asset, SOURCE, file, setting.line(), key,
                    value(key, setting.value(), file, setting.line()), "", observed);
            effective.remove(key.toLowerCase(Locale.ROOT));
            effective.put(key.toLowerCase(Locale.ROOT), entry);
        }
    }

    private static String canonical(String written) {
        String lower = written.toLowerCase(Locale.ROOT);
        return NUMBERS.contains(lower) || TEXTS.contains(lower) || FLAGS.contains(lower) ? lower : written;
    }

    private static String value(String key, String value, String file, int line) throws InvalidInputException {
        if (FLAGS.contains(key) || (value.isEmpty() && !NUMBERS.contains(key) && !TEXTS.contains(key))) {
            return "true";
        }
        if (NUMBERS.contains(key) && !isInt(value)) {
            throw new InvalidInputException(file, line, value.isEmpty() ? "'" + key + "' has no value"
                    : "'" + key + "' needs a whole number, not '" + value + "'");
        }
        return value;
    }

    private static boolean isInt(String value) {
        if (!WHOLE_NUMBER.matcher(value).matches()) {
            return false;
        }
        try {
            int number = Integer.parseInt(value.startsWith("+") ? value.substring(1) : value);
            return number != Integer.MAX_VALUE && number != Integer.MIN_VALUE;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** scandir of the drop-in directory: names whose first ".conf" ends them, in name order; none if it is absent. */
    private List<Path> dropIns(Path file) throws InvalidInputException, IOException {
        if (includeRoot == null) {
            return List.of();
        }
        return IncludeRoot.filesIn(includeRoot.resolve(DROP_IN_DIRECTORY, file.toString(), 0),
                name -> name.indexOf(".conf") >= 0 && name.indexOf(".conf") + ".conf".length() == name.length());
    }
}
