package io.annexa.ingestion.sudoers;

import io.annexa.evidence.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code Defaults} line: an optional binding ({@code Defaults:%sudo}, {@code Defaults@host},
 * {@code Defaults!/usr/bin/su}, {@code Defaults>root}) and comma-separated parameters, each {@code name},
 * {@code !name}, {@code name=value}, {@code name+=value} or {@code name-=value}. Parameters are written back
 * without blanks around the operator and with the value as written, quotes included.
 */
final class DefaultsLine {

    /** The binding ("" for a global line) and the parameters in order. */
    record Parsed(String binding, List<String> parameters) {
    }

    static final Pattern START = Pattern.compile("Defaults(?=$|[\\s:@>!])");
    /** sudo's DEFVAR. */
    private static final Pattern NAME = Pattern.compile("[a-z_]+");
    private static final Pattern OPERATOR = Pattern.compile("\\+=|-=|=");

    private DefaultsLine() {
    }

    static Parsed parse(Cursor c) throws InvalidInputException {
        c.match(START);
        String binding = "";
        char type = c.peekHere();
        if (type != 0 && ":@>!".indexOf(type) >= 0) {
            c.advance(1);
            binding = "Defaults" + type + String.join(",", bindingList(c, type));
        }
        if (c.atEnd()) {
            throw c.error("'" + (binding.isEmpty() ? "Defaults" : binding) + "' sets no parameter");
        }
        List<String> parameters = new ArrayList<>();
        do {
            parameters.add(parameter(c));
        } while (c.take(','));
        c.requireEnd();
        return new Parsed(binding, parameters);
    }

    /** Names after the binding character; a blank not next to a comma ends the list. */
    private static List<String> bindingList(Cursor c, char type) throws InvalidInputException {
        String what = switch (type) {
            case ':' -> "a user after 'Defaults:'";
            case '@' -> "a host after 'Defaults@'";
            case '>' -> "a Run as user after 'Defaults>'";
            default -> "a command after 'Defaults!'";
        };
        List<String> names = new ArrayList<>();
        do {
            String negation = c.negation();
            c.skipBlanks();
            String name = c.peekHere() == '"' ? c.quoted() : c.until(" \t,");
            if (name.isEmpty()) {
                throw c.expected(what);
            }
            names.add(negation + name);
        } while (c.take(','));
        return names;
    }

    private static String parameter(Cursor c) throws InvalidInputException {
        String negation = c.negation();
        Matcher name = c.match(NAME);
        if (name == null) {
            throw c.expected("a Defaults parameter name (lower case)");
        }
        Matcher operator = c.match(OPERATOR);
        if (operator == null) {
            return negation + name.group();
        }
        if (!negation.isEmpty()) {
            throw c.error("'!" + name.group() + "' cannot take a value");
        }
        c.skipBlanks();
        // sudo's ENVAR: no blank, comma, '=' or '"' unless escaped; a quoted string may hold anything.
        String value = c.peekHere() == '"' ? c.quoted() : c.until(" \t,=\"");
        if (value.isEmpty()) {
            throw c.expected("a value for '" + name.group() + operator.group() + "'");
        }
        return name.group() + operator.group() + value;
    }
}
