package io.annexa.ingestion.rsyslog;

import io.annexa.evidence.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The parameters of a RainerScript object ({@code action(type="omfwd" target="10.0.0.1")}), read as rsyslog's lexer
 * reads them inside an object: {@code name="value"}, {@code name=`echo ...`} or {@code name=["a", "b"]}, with
 * comments and line ends anywhere between them.
 *
 * @param text   the parameters as written, one space between them and none around '=' ({@code type="omfwd" port="514"})
 * @param values the values by lower-case name, unquoted; arrays joined by ','
 */
record ObjectParameters(String text, Map<String, String> values) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.]*");

    /** Reads up to and including the ')' closing an object whose '(' the scanner has just passed. */
    static ObjectParameters read(Scanner scanner, String object, int line) throws InvalidInputException {
        String where = object + "(...) of line " + line;
        List<String> written = new ArrayList<>();
        Map<String, String> values = new LinkedHashMap<>();
        while (true) {
            scanner.skipSpace();
            if (scanner.atEnd()) {
                throw scanner.error(line, "'" + object + "(' is never closed with ')'");
            }
            if (scanner.peek() == ')') {
                scanner.advance(1);
                return new ObjectParameters(String.join(" ", written), values);
            }
            String name = scanner.take(NAME);
            if (name == null) {
                throw scanner.error(scanner.line(), "invalid character '" + scanner.peek() + "' in " + where);
            }
            scanner.skipSpace();
            if (scanner.peek() != '=') {
                throw scanner.error(scanner.line(), "'=' expected after '" + name + "' in " + where);
            }
            scanner.advance(1);
            scanner.skipSpace();
            StringBuilder value = new StringBuilder();
            String raw = value(scanner, name, where, value);
            written.add(name + "=" + raw);
            values.put(name.toLowerCase(Locale.ROOT), value.toString());
        }
    }

    /** @return the value as written; {@code plain} receives it unquoted */
    private static String value(Scanner scanner, String name, String where, StringBuilder plain) throws InvalidInputException {
        char c = scanner.peek();
        if (c == '"' || c == '`') {
            String quoted = scanner.quoted(where);
            plain.append(unquote(quoted));
            return quoted;
        }
        if (c != '[') {
            throw scanner.error(scanner.line(), "'" + name + "=' needs a quoted value in " + where);
        }
        scanner.advance(1);
        List<String> items = new ArrayList<>();
        List<String> plainItems = new ArrayList<>();
        while (true) {
            scanner.skipSpace();
            if (scanner.peek() == ']') {
                scanner.advance(1);
                plain.append(String.join(",", plainItems));
                return "[" + String.join(",", items) + "]";
            }
            if (!items.isEmpty()) {
                if (scanner.peek() != ',') {
                    throw scanner.error(scanner.line(), "',' or ']' expected in the list of '" + name + "' in " + where);
                }
                scanner.advance(1);
                scanner.skipSpace();
            }
            if (scanner.peek() != '"') {
                throw scanner.error(scanner.line(), "the list of '" + name + "' holds quoted values only, in " + where);
            }
            String quoted = scanner.quoted(where);
            items.add(quoted);
            plainItems.add(unquote(quoted));
        }
    }

    private static String unquote(String quoted) {
        StringBuilder plain = new StringBuilder();
        for (int i = 1; i < quoted.length() - 1; i++) {
            char c = quoted.charAt(i);
            plain.append(c == '\\' && i + 1 < quoted.length() - 1 ? quoted.charAt(++i) : c);
        }
        return plain.toString();
    }
}
