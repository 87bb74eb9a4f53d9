package io.annexa.ingestion.auditrules;

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
import java.util.List;

/**
 * Reads an audit rules file ({@code /etc/audit/audit.rules}, or one of {@code /etc/audit/rules.d/*.rules}) the
 * way {@code auditctl -R} does: one command line per line, words separated by spaces ({@code \ } escapes one),
 * {@code #} starting a comment as the first word. Every command is an entry, in file order; {@code -D}, {@code -W}
 * and {@code -d} are recorded, not applied to earlier entries.
 *
 * <p>Settings: {@code key} is the option as written, {@code value} its argument (empty for flags):
 * {@code -D}, {@code -b 8192}, {@code -f 1} (failure mode), {@code -e 2} (2: immutable), {@code -r 100},
 * {@code -i}, {@code -c}, {@code -t}, {@code -q mount,subtree}, {@code --backlog_wait_time 60000},
 * {@code --loginuid-immutable}, {@code --reset-lost}, {@code --reset_backlog_wait_time_actual}, {@code --signal}.
 *
 * <p>Rules, one entry each, {@code value} normalised so that rules can match it with one pattern:
 * <ul>
 * <li>{@code watch} ({@code -w}) and {@code unwatch} ({@code -W}): {@code <path> -p <perms>} then the other options
 * as written, e.g. {@code /etc/passwd -p wa -k identity}. The permissions are always present, in the order
 * {@code rwxa}: a watch without {@code -p} watches everything, so it reads {@code -p rwxa}.</li>
 * <li>{@code syscall} ({@code -a}/{@code -A} on the exit list, where auditctl also moves deprecated entry
 * rules) and {@code filter} (the exclude, user, task, filesystem and io_uring lists): {@code <action>,<list>}
 * then the options as written, e.g. {@code always,exit -F arch=b64 -S execve -k exec}; a rule written
 * {@code exit,always} reads {@code always,exit}.</li>
 * <li>{@code delete} ({@code -d}): like {@code syscall}.</li>
 * </ul>
 * {@code scope} is always empty. Anything auditctl would refuse (an unknown option, a missing or malformed
 * argument, {@code -k}/{@code -p}/{@code -F}/{@code -S} without a rule before it, two rules on one line, a word
 * that belongs to no option, tabs or carriage returns, which auditctl takes as part of a word) is refused with
 * its line.
 */
public final class AuditRulesParser implements ConfigParser {

    public static final String SOURCE = ConfigSources.AUDIT_RULES;

    @Override
    public String source() {
        return SOURCE;
    }

    @Override
    public ConfigSnapshot parse(Path file, String asset, Instant observed) throws InvalidInputException, IOException {
        String name = file.toString();
        List<String> lines = ConfigLines.read(file, "an audit rules file");
        List<ConfigEntry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            int line = i + 1;
            String text = lines.get(i);
            List<String> words = words(text);
            if (words.isEmpty() || words.get(0).startsWith("#")) {
                continue;
            }
            if (text.indexOf('\t') >= 0 || text.indexOf('\r') >= 0) {
                throw new InvalidInputException(name, line, "tab or carriage return: auditctl separates words with "
                        + "spaces only and would misread the line");
            }
            for (AuditCommand command : AuditCommand.parse(AuditOption.parse(words, name, line), name, line)) {
                entries.add(new ConfigEntry(asset, SOURCE, name, line, command.key(), command.value(), "", observed));
            }
        }
        return new ConfigSnapshot(new ConfigFile(asset, SOURCE, name, observed), entries);
    }

    /** Words as auditctl splits a rules file line: at spaces, where a backslash keeps a space or a backslash. */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
            if (c == '\\' && (next == ' ' || next == '\\')) {
                word.append(next);
                i++;
            } else if (c == ' ') {
                if (!word.isEmpty()) {
                    words.add(word.toString());
                    word.setLength(0);
                }
            } else {
                word.append(c);
            }
        }
        if (!word.isEmpty()) {
            words.add(word.toString());
        }
        return words;
    }
}
