package io.annexa.alerting;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.Map;

/**
 * One Alertmanager matcher: {@code name op value} with op {@code =}, {@code !=}, {@code =~}, {@code !~}; the value is
 * double-quoted (with {@code \"}, {@code \\}, {@code \n} escapes) or bare. Regular expressions are RE2 (linear time,
 * no backreferences or look-around) and anchored at both ends as in Alertmanager: {@code theme =~ "tech"} does not match
 * {@code technological}. The name must be one of {@link AlertEvent#LABELS}; a missing label counts as {@code ""}.
 */
public final class LabelMatcher {

    /** Longer values are refused: a matcher is written by hand, and the regex compiler's work grows with its size. */
    static final int MAX_VALUE_LENGTH = 1024;

    private static final java.util.regex.Pattern SYNTAX =
            java.util.regex.Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)\\s*(.*?)\\s*", java.util.regex.Pattern.DOTALL);

    private final String name;
    private final String op;
    private final String value;
    private final Pattern regex;

    private LabelMatcher(String name, String op, String value, Pattern regex) {
        this.name = name;
        this.op = op;
        this.value = value;
        this.regex = regex;
    }

    /** @throws IllegalArgumentException saying what is wrong, for a message beside the matcher's position */
    public static LabelMatcher parse(String text) throws IllegalArgumentException {
        if (text == null) {
            throw new IllegalArgumentException("a matcher is needed, like grade = \"major\"");
        }
        java.util.regex.Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + shown(text) + "' is not a matcher like grade = \"major\" or theme =~ \"a|b\""
                    + " (operators =, !=, =~, !~)");
        }
        String name = m.group(1);
        if (!AlertEvent.LABELS.contains(name)) {
            throw new IllegalArgumentException("unknown label '" + name + "'; labels: " + String.join(", ", AlertEvent.LABELS));
        }
        if (m.group(3).startsWith("=") || m.group(3).startsWith("~")) {
            throw new IllegalArgumentException("'" + m.group(2) + m.group(3).charAt(0) + "' is not an operator; use =, !=, =~ or !~");
        }
        String value = value(m.group(3));
        if (value.length() > MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException("the value is " + value.length() + " characters long, more than " + MAX_VALUE_LENGTH);
        }
        String op = m.group(2);
        Pattern regex = null;
        if (op.endsWith("~")) {
            try {
                regex = Pattern.compile(value, Pattern.DOTALL);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("'" + shown(value) + "' is not a valid RE2 regular expression: " + e.getDescription());
            }
        }
        return new LabelMatcher(name, op, value, regex);
    }

    private static String value(String raw) {
        if (!raw.startsWith("\"")) {
            if (raw.contains("\"") || raw.contains("\\")) {
                throw new IllegalArgumentException("'" + shown(raw) + "': quote a value holding \" or \\, like \"a\\\"b\"");
            }
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 1; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '"') {
                if (i != raw.length() - 1) {
                    throw new IllegalArgumentException("text after the closing quote in '" + shown(raw) + "'");
                }
                return out.toString();
            }
            if (c == '\\') {
                if (++i == raw.length()) {
                    break;
                }
                char escaped = raw.charAt(i);
                switch (escaped) {
                    case '"', '\\' -> out.append(escaped);
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    default -> throw new IllegalArgumentException("unknown escape \\" + escaped + " in '" + shown(raw)
                            + "'; in a quoted value write \\\\ for a backslash (a regex \\d is \"\\\\d\")");
                }
            } else {
                out.append(c);
            }
        }
        throw new IllegalArgumentException("the value '" + shown(raw) + "' has no closing quote");
    }

    public boolean matches(Map<String, String> labels) {
        String actual = labels.get(name);
        if (actual == null) {
            actual = "";
        }
        return switch (op) {
            case "=" -> actual.equals(value);
            case "!=" -> !actual.equals(value);
            case "=~" -> regex.matches(actual);
            default -> !regex.matches(actual);
        };
    }

    /** The label this matcher reads. */
    public String name() {
        return name;
    }

    /** The matcher in its canonical form, {@code name op "value"}; {@link #parse} reads it back to an equal matcher. */
    public String text() {
        return name + " " + op + " \"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\t", "\\t") + "\"";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LabelMatcher that && text().equals(that.text());
    }

    @Override
    public int hashCode() {
        return text().hashCode();
    }

    @Override
    public String toString() {
        return text();
    }

    private static String shown(String text) {
        return io.annexa.evidence.AssetNames.shown(text);
    }
}
