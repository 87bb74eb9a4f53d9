package io.annexa.ingestion.sudoers;

import io.annexa.evidence.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An alias line: {@code User_Alias ADMINS = alice, bob : OPERATORS = carol}. Each definition is written back as
 * {@code NAME = member, member}; {@code Cmd_Alias} is sudo's other spelling of {@code Cmnd_Alias}.
 */
final class Aliases {

    /** The alias type as sudo names it, and one {@code NAME = members} per definition. */
    record Parsed(String type, List<String> definitions) {
    }

    static final Pattern START = Pattern.compile("(Host|Cmnd|Cmd|User|Runas)_Alias(?=[ \\t])");
    /** sudo's ALIAS token. */
    private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]*(?![A-Za-z0-9_])");

    private Aliases() {
    }

    static Parsed parse(Cursor c) throws InvalidInputException {
        String written = c.match(START).group(1);
        String type = (written.equals("Cmd") ? "Cmnd" : written) + "_Alias";
        List<String> definitions = new ArrayList<>();
        do {
            Matcher name = c.match(NAME);
            if (name == null || name.group().equals("ALL")) {
                throw c.expected("an alias name in capitals (not ALL)");
            }
            if (!c.take('=')) {
                throw c.expected("'=' after '" + name.group() + "'");
            }
            List<String> members = new ArrayList<>();
            if (type.equals("Cmnd_Alias")) {
                do {
                    members.add(Commands.read(c));
                } while (c.take(','));
            } else {
                members.addAll(c.names(written.equals("Host") ? "a host" : "a user"));
            }
            definitions.add(name.group() + " = " + String.join(", ", members));
        } while (c.take(':'));
        c.requireEnd();
        return new Parsed(type, definitions);
    }
}
