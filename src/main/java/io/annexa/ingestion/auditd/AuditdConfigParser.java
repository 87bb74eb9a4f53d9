package io.annexa.ingestion.auditd;

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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code /etc/audit/auditd.conf} the way auditd 3.x (auditd-config.c) does.
 *
 * <ul>
 * <li>{@code key}: the keyword in lower case ({@code log_file}, {@code max_log_file}, {@code num_logs},
 * {@code max_log_file_action}, {@code space_left_action}, {@code admin_space_left_action}, {@code disk_full_action},
 * {@code disk_error_action}, ...). auditd looks keywords up case-insensitively ({@code Max_Log_File_Action} is
 * {@code max_log_file_action}).</li>
 * <li>{@code value}: as written ({@code ROTATE}). auditd compares the values of its choices case-insensitively,
 * so rules should too ({@code value matches "(?i)keep_logs"}). The actions that run a program keep both words:
 * {@code exec /usr/local/sbin/alert}.</li>
 * <li>{@code scope}: always empty.</li>
 * </ul>
 *
 * <p>Only the last line of a keyword is an entry: auditd applies the lines in order, so a later one overwrites an
 * earlier one. A keyword absent from the file has auditd's default, which rules must supply ("auditd not
 * configured" is a {@code ConfigFile} of this source without the entry).
 *
 * <p>Refused, because auditd refuses to start on them: a line without a value, {@code key=value} (auditd splits
 * words at spaces only and needs {@code key = value}), more than one word after {@code =} except a program for
 * the four actions above, tabs and carriage returns (which auditd reads as part of a word). Unknown keywords are
 * kept as written in lower case: a newer auditd may know them.
 */
public final class AuditdConfigParser implements ConfigParser {

    public static final String SOURCE = ConfigSources.AUDITD_CONF;

    /** auditd-config.c: the keywords whose value may be followed by an option, the program of {@code exec}. */
    private static final Set<String> TAKES_PROGRAM = Set.of("space_left_action", "admin_space_left_action",
            "disk_full_action", "disk_error_action");

    @Override
    public String source() {
        return SOURCE;
    }

    @Override
    public ConfigSnapshot parse(Path file, String asset, Instant observed) throws InvalidInputException, IOException {
        String name = file.toString();
        List<String> lines = ConfigLines.read(file, "an auditd.conf");
        List<ConfigEntry> written = new ArrayList<>();
        Map<String, Integer> lastLine = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            int line = i + 1;
            List<String> words = words(lines.get(i));
            if (words.isEmpty() || words.get(0).startsWith("#")) {
                continue;
            }
            String key = keyValueOf(lines.get(i), words, name, line);
            String value = String.join(" ", words.subList(2, words.size()));
            written.add(new ConfigEntry(asset, SOURCE, name, line, key, value, "", observed));
            lastLine.put(key, line);
        }
        List<ConfigEntry> effective = written.stream().filter(e -> lastLine.get(e.getKey()) == e.getLine()).toList();
        return new ConfigSnapshot(new ConfigFile(asset, SOURCE, name, observed), effective);
    }

    /** The keyword of a setting line, after checking the line the way nv_split and load_config do. */
    private static String keyValueOf(String text, List<String> words, String file, int line) throws InvalidInputException {
        String written = words.get(0);
        if (text.indexOf('\t') >= 0 || text.indexOf('\r') >= 0) {
            throw new InvalidInputException(file, line, "tab or carriage return in '" + written.strip()
                    + "': auditd separates words with spaces only and would misread the line");
        }
        if (words.size() == 1 && written.contains("=")) {
            throw new InvalidInputException(file, line, "'" + written + "': auditd needs spaces around '=' (key = value)");
        }
        String key = written.toLowerCase(Locale.ROOT);
        if (words.size() == 1 || !words.get(1).equals("=")) {
            throw new InvalidInputException(file, line, "'" + key + "' is not followed by ' = '");
        }
        if (words.size() == 2) {
            throw new InvalidInputException(file, line, "'" + key + "' has no value");
        }
        if (words.size() > 4 || (words.size() == 4 && !TAKES_PROGRAM.contains(key))) {
            throw new InvalidInputException(file, line, "'" + key + "' takes one value, not '"
                    + String.join(" ", words.subList(2, words.size())) + "'");
        }
        return key;
    }

    /** Words as audit_strsplit cuts them: at spaces, nothing else. */
    private static List<String> words(String text) {
        return Arrays.stream(text.split(" ")).filter(w -> !w.isEmpty()).toList();
    }
}
