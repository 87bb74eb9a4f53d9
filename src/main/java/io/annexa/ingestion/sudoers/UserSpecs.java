package io.annexa.ingestion.sudoers;

import io.annexa.evidence.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A user specification: {@code users hosts = cmnd, cmnd : hosts = cmnd ...}, each command optionally preceded by
 * a Runas list in parentheses, options ({@code TIMEOUT=}, {@code CWD=}, ...) and tags ({@code NOPASSWD:}, ...).
 * Each {@code hosts = commands} part is one specification, written back normalised:
 * {@code %sudo ALL=(ALL:ALL) ALL}, {@code alice, bob ALL=(root) NOPASSWD: /usr/bin/systemctl restart nginx}.
 */
final class UserSpecs {

    /** One {@code hosts = commands} part and the users it is for. */
    record Spec(List<String> users, String text) {
    }

    private static final Pattern OPTION = Pattern.compile(
            "(TIMEOUT|NOTBEFORE|NOTAFTER|CWD|CHROOT|ROLE|TYPE|APPARMOR_PROFILE|PRIVS|LIMITPRIVS)[ \\t]*=[ \\t]*"
                    + "(\"(?:[^\"\\\\]|\\\\.)*\"|[^\\s,:]+)");
    private static final Pattern TAG = Pattern.compile("(NOPASSWD|PASSWD|NOEXEC|EXEC|NOSETENV|SETENV|NOLOG_INPUT|LOG_INPUT"
            + "|NOLOG_OUTPUT|LOG_OUTPUT|NOMAIL|MAIL|NOFOLLOW|FOLLOW|NOINTERCEPT|INTERCEPT)[ \\t]*:");

    private UserSpecs() {
    }

    static List<Spec> parse(Cursor c) throws InvalidInputException {
        List<String> users = c.names("a user or %group");
        List<Spec> specs = new ArrayList<>();
        do {
            List<String> hosts = c.names("a host");
            if (!c.take('=')) {
                throw c.expected("'=' between the hosts and the commands (user host = command)");
            }
            List<String> commands = new ArrayList<>();
            do {
                commands.add(commandSpec(c));
            } while (c.take(','));
            specs.add(new Spec(users, String.join(", ", users) + " " + String.join(", ", hosts) + "="
                    + String.join(", ", commands)));
        } while (c.take(':'));
        c.requireEnd();
        return specs;
    }

    private static String commandSpec(Cursor c) throws InvalidInputException {
        StringBuilder spec = new StringBuilder();
        if (c.peek() == '(') {
            spec.append(runas(c)).append(' ');
        }
        for (Matcher option = c.match(OPTION); option != null; option = c.match(OPTION)) {
            spec.append(option.group(1)).append('=').append(option.group(2)).append(' ');
        }
        for (Matcher tag = c.match(TAG); tag != null; tag = c.match(TAG)) {
            spec.append(tag.group(1)).append(": ");
        }
        return spec.append(Commands.read(c)).toString();
    }

    /** {@code (users)}, {@code (users:groups)}, {@code (:groups)} or {@code ()}. */
    private static String runas(Cursor c) throws InvalidInputException {
        c.take('(');
        String inside = c.until("()");
        if (c.peekHere() != ')') {
            throw c.error("unbalanced '(' in the Run as list '(" + inside + "'");
        }
        c.advance(1);
        Cursor list = c.over(inside);
        List<String> users = list.peek() == ':' || list.atEnd() ? List.of() : list.names("a Run as user");
        String groups = list.take(':') ? ":" + (list.atEnd() ? "" : String.join(", ", list.names("a Run as group"))) : "";
        list.requireEnd();
        return "(" + String.join(", ", users) + groups + ")";
    }
}
