package io.annexa.alerting;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Stand-in of the routing branch's matcher: {@code label=value}, {@code !=}, {@code =~} and {@code !~} (anchored). */
public final class LabelMatcher {

    private static final Pattern SYNTAX = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"?(.*?)\"?\\s*");

    private final String text;
    private final String label;
    private final String operator;
    private final String value;
    private final Pattern regex;

    private LabelMatcher(String text, String label, String operator, String value, Pattern regex) {
        this.text = text;
        this.label = label;
        this.operator = operator;
        this.value = value;
        this.regex = regex;
    }

    public static LabelMatcher parse(String text) throws IllegalArgumentException {
        if (text == null) {
            throw new IllegalArgumentException("a matcher is label=value, label!=value, label=~regex or label!~regex");
        }
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not label=value, label!=value, label=~regex or label!~regex");
        }
        Pattern regex = null;
        if (m.group(2).contains("~")) {
            try {
                regex = Pattern.compile(m.group(3));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("'" + text + "': " + e.getDescription());
            }
        }
        return new LabelMatcher(text.strip(), m.group(1), m.group(2), m.group(3), regex);
    }

    public boolean matches(Map<String, String> labels) {
        String actual = labels.getOrDefault(label, "");
        return switch (operator) {
            case "=" -> actual.equals(value);
            case "!=" -> !actual.equals(value);
            case "=~" -> regex.matcher(actual).matches();
            default -> !regex.matcher(actual).matches();
        };
    }

    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}
