package io.annexa.ingestion.auditrules;

import io.annexa.evidence.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One thing a rules file line makes auditctl do, as the key and value of its entry: a setting ({@code -b 8192})
 * or a rule ({@code watch /etc/passwd -p wa -k identity}). See {@link AuditRulesParser} for the keys.
 */
record AuditCommand(String key, String value) {

    private static final Set<String> RULE_STARTS = Set.of("-a", "-A", "-d", "-w", "-W");
    private static final Set<String> RULE_PARTS = Set.of("-F", "-S", "-C", "-k", "-p");
    private static final Set<String> LISTS = Set.of("task", "entry", "exit", "user", "exclude", "filesystem", "io_uring");
    private static final Set<String> ACTIONS = Set.of("never", "always");
    private static final Pattern COMPARISON = Pattern.compile("[A-Za-z0-9_]+(!=|<=|>=|&=|=|<|>|&)\\S*");
    private static final Pattern NUMBER = Pattern.compile("\\d+");
    private static final Pattern PERMISSIONS = Pattern.compile("[rwxaRWXA]{1,4}");
    private static final String ALL_PERMISSIONS = "rwxa";

    static List<AuditCommand> parse(List<AuditOption> options, String file, int line) throws InvalidInputException {
        List<AuditCommand> commands = new ArrayList<>();
        AuditOption start = null;
        List<AuditOption> parts = new ArrayList<>();
        for (AuditOption option : options) {
            if (RULE_STARTS.contains(option.name())) {
                if (start != null) {
                    throw new InvalidInputException(file, line, "two rules on one line ('" + start.name() + "' and '"
                            + option.name() + "')");
                }
                start = option;
            } else if (RULE_PARTS.contains(option.name())) {
                if (start == null) {
                    throw new InvalidInputException(file, line, "'" + option.name() + "' needs a rule (-a or -w) before it");
                }
                parts.add(option);
            } else {
                commands.add(setting(option, file, line));
            }
        }
        if (start != null) {
            commands.add(rule(start, parts, file, line));
        }
        return commands;
    }

    private static AuditCommand setting(AuditOption option, String file, int line) throws InvalidInputException {
        String argument = option.argument();
        boolean valid = switch (option.name()) {
            case "-b", "-r", "--backlog_wait_time" -> NUMBER.matcher(argument).matches();
            case "-e", "-f" -> argument.matches("[012]");
            case "-q" -> argument.matches("[^,]+,[^,]+");
            default -> true;
        };
        if (!valid) {
            throw new InvalidInputException(file, line, "'" + option.name() + " " + argument + "': "
                    + switch (option.name()) {
                        case "-e", "-f" -> "must be 0, 1 or 2";
                        case "-q" -> "must be mount-point,subtree";
                        default -> "must be a number";
                    });
        }
        return new AuditCommand(option.name(), argument);
    }

    private static AuditCommand rule(AuditOption start, List<AuditOption> parts, String file, int line)
            throws InvalidInputException {
        boolean watch = start.name().equals("-w") || start.name().equals("-W");
        String permissions = null;
        StringBuilder rest = new StringBuilder();
        for (AuditOption part : parts) {
            check(part, watch, file, line);
            if (watch && part.name().equals("-p")) {
                permissions = part.argument();
            } else {
                rest.append(' ').append(part.name()).append(' ').append(part.argument());
            }
        }
        if (watch) {
            if (!start.argument().startsWith("/")) {
                throw new InvalidInputException(file, line, "watched path '" + start.argument() + "' must start with '/'");
            }
            String key = start.name().equals("-w") ? "watch" : "unwatch";
            return new AuditCommand(key, start.argument() + " -p " + canonical(permissions) + rest);
        }
        String[] actionList = actionList(start, file, line);
        String key = start.name().equals("-d") ? "delete" : actionList[1].equals("exit") ? "syscall" : "filter";
        return new AuditCommand(key, actionList[0] + "," + actionList[1] + rest);
    }

    private static void check(AuditOption part, boolean watch, String file, int line) throws InvalidInputException {
        String argument = part.argument();
        switch (part.name()) {
            case "-p" -> {
                if (!PERMISSIONS.matcher(argument).matches()) {
                    throw new InvalidInputException(file, line, "'-p " + argument + "': permissions are up to four of r, w, x, a");
                }
            }
            case "-S" -> {
                if (watch) {
                    throw new InvalidInputException(file, line, "'-S' belongs to a syscall rule (-a), not to a watch");
                }
            }
            case "-F", "-C" -> {
                if (!COMPARISON.matcher(argument).matches()) {
                    throw new InvalidInputException(file, line, "'" + part.name() + " " + argument
                            + "' is not a comparison such as arch=b64 or auid>=1000");
                }
            }
            default -> {
            }
        }
    }

    /** {@code always,exit} from either order, entry rules moved to exit as auditctl does. */
    private static String[] actionList(AuditOption start, String file, int line) throws InvalidInputException {
        String[] words = start.argument().split(",", -1);
        if (words.length == 2) {
            String first = words[0];
            String second = words[1];
            if (ACTIONS.contains(second) && LISTS.contains(first)) {
                first = words[1];
                second = words[0];
            }
            if (ACTIONS.contains(first) && LISTS.contains(second)) {
                return new String[] {first, second.equals("entry") ? "exit" : second};
            }
            if (first.equals("possible") || second.equals("possible")) {
                throw new InvalidInputException(file, line, "'possible' is no longer supported by auditctl: use always");
            }
        }
        throw new InvalidInputException(file, line, "'" + start.name() + " " + start.argument() + "' is not action,list "
                + "(action never or always; list exit, exclude, user, task, filesystem or io_uring)");
    }

    /** The permissions in the order r, w, x, a; all of them when a watch names none. */
    private static String canonical(String permissions) {
        if (permissions == null) {
            return ALL_PERMISSIONS;
        }
        String lower = permissions.toLowerCase(Locale.ROOT);
        StringBuilder ordered = new StringBuilder();
        for (char p : ALL_PERMISSIONS.toCharArray()) {
            if (lower.indexOf(p) >= 0) {
                ordered.append(p);
            }
        }
        return ordered.toString();
    }
}
