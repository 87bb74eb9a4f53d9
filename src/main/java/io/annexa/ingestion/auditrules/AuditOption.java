package io.annexa.ingestion.auditrules;

import io.annexa.evidence.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One option of an auditctl command line as getopt_long reads it: {@code -k identity}, {@code -kidentity},
 * {@code --backlog_wait_time 60000}, {@code --backlog_wait_time=60000}; flags may be grouped ({@code -Di}).
 *
 * @param name     {@code -b} or {@code --backlog_wait_time}
 * @param argument the argument, empty for flags
 */
record AuditOption(String name, String argument) {

    private static final String WITH_ARGUMENT = "aAbCdefFkpqrSwW";
    private static final String FLAGS = "cDit";
    /** auditctl options that query or print: they have no place in a file of rules. */
    private static final String COMMANDS = "hlmRsv";
    private static final Set<String> LONG_WITH_ARGUMENT = Set.of("backlog_wait_time", "signal");
    private static final Set<String> LONG_FLAGS = Set.of("loginuid-immutable", "reset-lost", "reset_backlog_wait_time_actual");

    static List<AuditOption> parse(List<String> words, String file, int line) throws InvalidInputException {
        List<AuditOption> options = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (word.startsWith("--") && word.length() > 2) {
                i = longOption(words, i, options, file, line);
            } else if (word.startsWith("-") && word.length() > 1) {
                i = shortOptions(words, i, options, file, line);
            } else {
                throw new InvalidInputException(file, line, "'" + word + "' belongs to no option");
            }
        }
        return options;
    }

    /** @return the index of the last word used */
    private static int longOption(List<String> words, int i, List<AuditOption> options, String file, int line)
            throws InvalidInputException {
        String name = words.get(i).substring(2);
        String argument = null;
        int equals = name.indexOf('=');
        if (equals >= 0) {
            argument = name.substring(equals + 1);
            name = name.substring(0, equals);
        }
        if (LONG_FLAGS.contains(name)) {
            if (argument != null) {
                throw new InvalidInputException(file, line, "'--" + name + "' takes no value");
            }
            options.add(new AuditOption("--" + name, ""));
            return i;
        }
        if (!LONG_WITH_ARGUMENT.contains(name)) {
            throw new InvalidInputException(file, line, "unknown option '--" + name + "'");
        }
        if (argument == null) {
            if (i + 1 == words.size()) {
                throw new InvalidInputException(file, line, "'--" + name + "' has no value");
            }
            argument = words.get(++i);
        }
        options.add(new AuditOption("--" + name, argument));
        return i;
    }

    /** @return the index of the last word used */
    private static int shortOptions(List<String> words, int i, List<AuditOption> options, String file, int line)
            throws InvalidInputException {
        String word = words.get(i);
        for (int j = 1; j < word.length(); j++) {
            char c = word.charAt(j);
            if (FLAGS.indexOf(c) >= 0) {
                options.add(new AuditOption("-" + c, ""));
            } else if (WITH_ARGUMENT.indexOf(c) >= 0) {
                String argument = word.substring(j + 1);
                if (argument.isEmpty()) {
                    if (i + 1 == words.size()) {
                        throw new InvalidInputException(file, line, "'-" + c + "' has no value");
                    }
                    argument = words.get(++i);
                }
                options.add(new AuditOption("-" + c, argument));
                return i;
            } else if (COMMANDS.indexOf(c) >= 0) {
                throw new InvalidInputException(file, line, "'-" + c + "' is an auditctl command, not a rule: "
                        + "it does not belong in a rules file");
            } else {
                throw new InvalidInputException(file, line, "unknown option '-" + c + "'");
            }
        }
        return i;
    }
}
