package io.annexa.ingestion.logindefs;

import io.annexa.evidence.ConfigSources;
import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.ConfigFile;
import io.annexa.ingestion.ConfigLines;
import io.annexa.ingestion.ConfigParser;
import io.annexa.ingestion.ConfigSnapshot;
import io.annexa.evidence.InvalidInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code /etc/login.defs} the way shadow-utils 4.13 ({@code lib/getdef.c}, Debian 12) does and reports the
 * settings that take effect.
 *
 * <p>Each {@code KEY value} line is one entry:
 * <ul>
 *   <li>key: the name as written. getdef compares names with {@code strcmp}, so {@code pass_max_days} is not
 *       {@code PASS_MAX_DAYS} and is reported under its own spelling. Names shadow does not know are kept: login,
 *       su and runuser from util-linux read some of their settings from the same file.</li>
 *   <li>value: the rest of the line, as getdef cuts it: leading blanks and double quotes skipped, cut at the next
 *       double quote ({@code ENCRYPT_METHOD "SHA512"} is {@code SHA512}), trailing whitespace dropped. There are no
 *       trailing comments: {@code UMASK 027 # strict} has the value {@code 027 # strict}, which the tools reject as
 *       a number, so a rule must not see {@code 027} there.</li>
 *   <li>scope: always empty.</li>
 * </ul>
 * Lines whose first non-blank character is {@code #} and blank lines are ignored.
 *
 * <p>The last definition of a key wins: getdef hands every line to {@code putdef_str}, which replaces the stored
 * value, so only the last line of a key is reported. A key without a value is rejected with its line, although
 * getdef silently skips such a line: the setting the administrator meant to make is not in effect.
 *
 * <p>login.defs has no include directive; shadow builds with libeconf (not Debian's) also read drop-in files,
 * which are not covered.
 */
public final class LoginDefsParser implements ConfigParser {

    public static final String SOURCE = ConfigSources.LOGIN_DEFS;

    @Override
    public String source() {
        return SOURCE;
    }

    @Override
    public ConfigSnapshot parse(Path file, String asset, Instant observed) throws InvalidInputException, IOException {
        String name = file.toString();
        // Re-inserting on redefinition orders the entries by the line that takes effect.
        Map<String, ConfigEntry> effective = new LinkedHashMap<>();
        List<String> lines = ConfigLines.read(file, "a login.defs");
        for (int i = 0; i < lines.size(); i++) {
            String text = stripTrailingSpace(lines.get(i));
            int start = skip(text, 0, " \t");
            if (start == text.length() || text.charAt(start) == '#') {
                continue;
            }
            int end = start;
            while (end < text.length() && " \t".indexOf(text.charAt(end)) < 0) {
                end++;
            }
            String key = text.substring(start, end);
            if (end == text.length()) {
                throw new InvalidInputException(name, i + 1, "'" + key + "' has no value (shadow ignores the line)");
            }
            String value = text.substring(skip(text, end, " \t\""));
            int quote = value.indexOf('"');
            if (quote >= 0) {
                value = value.substring(0, quote);
            }
            effective.remove(key);
            effective.put(key, new ConfigEntry(asset, SOURCE, name, i + 1, key, value, "", observed));
        }
        return new ConfigSnapshot(new ConfigFile(asset, SOURCE, name, observed), new ArrayList<>(effective.values()));
    }

    /** C {@code isspace}: what getdef trims from the end of a line. */
    private static String stripTrailingSpace(String text) {
        int end = text.length();
        while (end > 0 && " \t\n\u000B\f\r".indexOf(text.charAt(end - 1)) >= 0) {
            end--;
        }
        return text.substring(0, end);
    }

    private static int skip(String text, int i, String chars) {
        while (i < text.length() && chars.indexOf(text.charAt(i)) >= 0) {
            i++;
        }
        return i;
    }
}
