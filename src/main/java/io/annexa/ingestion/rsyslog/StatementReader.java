package io.annexa.ingestion.rsyslog;

import io.annexa.evidence.SyslogSelector;
import io.annexa.evidence.InvalidInputException;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the statements of one rsyslog file, recognising constructs as rsyslog's lexer (grammar/lexer.l) does.
 * A {@code scope} of null stands for the top level, whose scope follows the legacy {@code $RuleSet} in force.
 */
final class StatementReader {

    private static final int CASE = Pattern.CASE_INSENSITIVE;
    private static final Pattern PROPERTY_FILTER = Pattern.compile(":\\$?[a-z\\-]+ *, *!?[a-z]+ *, *\"(\\\\\"|[^\"])*\"", CASE);
    private static final Pattern SELECTOR = Pattern.compile("[*a-z][*a-z]*[0-7]*[.,][,!=;.*a-z0-7]+", CASE);
    private static final Pattern BSD_SELECTOR = Pattern.compile("(![^ \\t\\n]+|[+-]\\*|[+-][a-z0-9.:-]+)[ \\t]*(?=\\n|$|#)", CASE);
    private static final Pattern WORD = Pattern.compile("[a-z_][a-z0-9_]*", CASE);
    private static final Pattern VARIABLE = Pattern.compile("\\$[$!./]?[@a-z_]*[!@a-z0-9\\-_.\\[\\]]*", CASE);
    private static final Pattern USERS = Pattern.compile("[a-z0-9_][a-z0-9_\\-+,;]*", CASE);
    private static final Pattern MORE_USERS = Pattern.compile("[a-z0-9_\\-+,;]*", CASE);
    private static final Pattern COMMENT = Pattern.compile("(^|\\s)#");
    private static final Pattern MODULE_ACTION = Pattern.compile(":[a-z0-9]+:", CASE);
    private static final Pattern OPEN_OBJECT = Pattern.compile("\\s*\\(");
    private static final Pattern CALL_NAME = Pattern.compile("[a-z][a-z0-9\\-_.]*", CASE);
    private static final Pattern ELSE = Pattern.compile("else(?![a-z0-9_])", CASE);
    private static final String LEGACY_ACTION_STARTS = "|.-@^?~>/";

    private final Scanner scanner;
    private final RsyslogReading reading;
    private final int depth;

    StatementReader(Scanner scanner, RsyslogReading reading, int depth) {
        this.scanner = scanner;
        this.reading = reading;
        this.depth = depth;
    }

    /** Every statement of the file. */
    void file(String scope) throws InvalidInputException, IOException {
        statements(scope, 0);
    }

    /** Statements up to the end of the file, or up to the '}' closing a block opened on {@code blockLine}. */
    private void statements(String scope, int blockLine) throws InvalidInputException, IOException {
        while (true) {
            scanner.skipSpace();
            int line = scanner.line();
            if (scanner.atEnd()) {
                if (blockLine > 0) {
                    throw scanner.error(blockLine, "'{' is never closed with '}'");
                }
                return;
            }
            if (scanner.peek() == '}') {
                if (blockLine == 0) {
                    throw scanner.error(line, "'}' without a '{' before it");
                }
                scanner.advance(1);
                return;
            }
            if (scanner.peek() == '&') {
                throw scanner.error(line, "'&' without an action before it");
            }
            actions(scope);
        }
    }

    /** A statement and the actions joined to it with '&', which share its scope. */
    private void actions(String scope) throws InvalidInputException, IOException {
        statement(scope);
        while (true) {
            scanner.skipSpace();
            if (scanner.peek() != '&') {
                return;
            }
            scanner.advance(1);
            statement(scope);
        }
    }

    private void statement(String scope) throws InvalidInputException, IOException {
        scanner.skipSpace();
        int line = scanner.line();
        if (scanner.atEnd() || scanner.peek() == '}') {
            throw scanner.error(line, "an action is missing here");
        }
        char c = scanner.peek();
        if (c == '{') {
            scanner.advance(1);
            statements(scope(scope), line);
        } else if (c == '$' && Character.isLetter(scanner.peek(1))) {
            legacyDirective(line, scope);
        } else if (scanner.atLineStart() && filter(line, scope)) {
            return;
        } else if (LEGACY_ACTION_STARTS.indexOf(c) >= 0) {
            legacyAction(line, scope, scanner.restOfLine());
        } else if (c == '*') {
            scanner.advance(1);
            legacyAction(line, scope, "*");
        } else if (c == ':' && scanner.lookingAt(MODULE_ACTION)) {
            legacyAction(line, scope, scanner.restOfLine());
        } else if (Character.isLetterOrDigit(c) || c == '_') {
            word(line, scope);
        } else {
            reading.add(scanner.file(), line, "statement", scanner.restOfLine(), scope);
        }
    }

    /** A traditional selector, a property filter or a BSD-style selector at the start of a line. */
    private boolean filter(int line, String scope) throws InvalidInputException, IOException {
        String propertyFilter = scanner.take(PROPERTY_FILTER);
        if (propertyFilter != null) {
            actions(join(scope, propertyFilter));
            return true;
        }
        String selector = scanner.take(SELECTOR);
        if (selector != null) {
            try {
                SyslogSelector.parse(selector);
            } catch (IllegalArgumentException e) {
                throw scanner.error(line, "selector '" + selector + "': " + e.getMessage());
            }
            actions(join(scope, selector));
            return true;
        }
        if (scanner.lookingAt(BSD_SELECTOR)) {
            reading.add(scanner.file(), line, "statement", scanner.restOfLine(), scope);
            return true;
        }
        return false;
    }

    private void word(int line, String scope) throws InvalidInputException, IOException {
        String word = scanner.take(WORD);
        if (word == null) {
            String users = scanner.take(USERS);
            if (users == null) {
                reading.add(scanner.file(), line, "statement", scanner.restOfLine(), scope);
            } else {
                legacyAction(line, scope, users);
            }
            return;
        }
        String keyword = word.toLowerCase(Locale.ROOT);
        switch (keyword) {
            case "if" -> conditional(line, scope, "if", "then");
            case "foreach" -> conditional(line, scope, "foreach", "do");
            case "else" -> throw scanner.error(line, "'else' without an 'if'");
            case "stop" -> reading.add(scanner.file(), line, "action", "stop", scope);
            case "continue" -> reading.add(scanner.file(), line, "statement", "continue", scope);
            case "call" -> {
                scanner.skipSpace();
                String ruleset = scanner.take(CALL_NAME);
                if (ruleset == null) {
                    throw scanner.error(line, "'call' needs the name of a ruleset");
                }
                reading.add(scanner.file(), line, "call", ruleset, scope);
            }
            case "set", "unset", "reset", "call_indirect" ->
                    reading.add(scanner.file(), line, "statement", keyword + " " + expression(line, keyword, ";"), scope);
            default -> {
                if (scanner.take(OPEN_OBJECT) != null) {
                    object(line, keyword, scope);
                } else {
                    // rsyslog's lexer reads any other word as a traditional action: the users to write to.
                    String users = scanner.take(MORE_USERS);
                    legacyAction(line, scope, word + users);
                }
            }
        }
    }

    /** {@code if <expression> then ... [else ...]} and {@code foreach (...) do ...}: the body is scoped by the condition. */
    private void conditional(int line, String scope, String keyword, String terminator) throws InvalidInputException, IOException {
        String expression = expression(line, keyword, terminator);
        actions(join(scope, keyword + " " + expression));
        if (keyword.equals("if")) {
            scanner.skipSpace();
            if (scanner.take(ELSE) != null) {
                actions(join(scope, "if not (" + expression + ")"));
            }
        }
    }

    /** The text up to the terminating keyword or character (consumed), strings kept, white space made single. */
    private String expression(int line, String keyword, String terminator) throws InvalidInputException {
        StringBuilder expression = new StringBuilder();
        while (true) {
            if (scanner.atEnd()) {
                throw scanner.error(line, "'" + keyword + "' without '" + terminator + "'");
            }
            char c = scanner.peek();
            if (c == '"' || c == '\'' || c == '`') {
                expression.append(scanner.quoted("'" + keyword + "' of line " + line));
            } else if (c == '/' && scanner.peek(1) == '*') {
                scanner.skipComment();
                space(expression);
            } else if (c == '$') {
                expression.append(scanner.take(VARIABLE));
            } else if (isAsciiLetter(c) || c == '_') {
                // only what WORD matches: another letter ('\u0130') is a character of the expression, as any symbol
                String word = scanner.take(WORD);
                if (word.equalsIgnoreCase(terminator)) {
                    return expression.toString().strip();
                }
                expression.append(word);
            } else if (c == terminator.charAt(0) && terminator.length() == 1) {
                scanner.advance(1);
                return expression.toString().strip();
            } else if (Character.isWhitespace(c)) {
                scanner.advance(1);
                space(expression);
            } else {
                scanner.advance(1);
                expression.append(c);
            }
        }
    }

    private void object(int line, String name, String scope) throws InvalidInputException, IOException {
        if (name.equals("reload_lookup_table")) {
            reading.add(scanner.file(), line, "statement", name + "(" + expression(line, name, ")") + ")", scope);
            return;
        }
        ObjectParameters parameters = ObjectParameters.read(scanner, name, line);
        switch (name) {
            case "action" -> {
                reading.add(scanner.file(), line, "action", parameters.text(), scope);
                Optional<String> forward = Forwarding.ofAction(parameters.values());
                if (forward.isPresent()) {
                    reading.add(scanner.file(), line, "forward", forward.get(), scope);
                }
            }
            case "include" -> {
                reading.add(scanner.file(), line, "include", parameters.text(), scope);
                String pattern = parameters.values().get("file");
                if (pattern != null) {
                    boolean mustExist = "abort-if-missing".equalsIgnoreCase(parameters.values().get("mode"));
                    reading.include(pattern, mustExist, scope, depth, scanner.file(), line);
                }
            }
            case "ruleset" -> {
                reading.add(scanner.file(), line, "ruleset", parameters.text(), scope);
                scanner.skipSpace();
                if (scanner.peek() == '{') {
                    int open = scanner.line();
                    scanner.advance(1);
                    statements(join(scope, "ruleset " + parameters.values().getOrDefault("name", "")), open);
                }
            }
            case "template" -> {
                String value = parameters.text();
                scanner.skipSpace();
                if (scanner.peek() == '{') {
                    value += " " + braces(line);
                }
                reading.add(scanner.file(), line, "template", value, scope);
            }
            default -> reading.add(scanner.file(), line, name, parameters.text(), scope);
        }
    }

    /** A template's list body, from '{' to its '}', as written with white space made single. */
    private String braces(int line) throws InvalidInputException {
        StringBuilder body = new StringBuilder();
        int open = 0;
        while (!scanner.atEnd()) {
            char c = scanner.peek();
            if (c == '"' || c == '\'') {
                body.append(scanner.quoted("the template of line " + line));
                continue;
            }
            scanner.advance(1);
            if (Character.isWhitespace(c)) {
                space(body);
                continue;
            }
            body.append(c);
            open += c == '{' ? 1 : c == '}' ? -1 : 0;
            if (open == 0) {
                return body.toString();
            }
        }
        throw scanner.error(line, "the '{' of the template is never closed with '}'");
    }

    private void legacyDirective(int line, String scope) throws InvalidInputException, IOException {
        String text = scanner.restOfLine();
        int end = 1;
        while (end < text.length() && Character.isLetter(text.charAt(end))) {
            end++;
        }
        String key = LegacyDirectives.canonical(text.substring(0, end));
        String value = withoutComment(text.substring(end)).strip();
        reading.add(scanner.file(), line, key, value, scope);
        if (key.equals("$IncludeConfig")) {
            if (value.isEmpty()) {
                throw scanner.error(line, "'$IncludeConfig' has no value");
            }
            reading.include(value.split("\\s+")[0], false, scope, depth, scanner.file(), line);
        } else if (key.equals("$RuleSet")) {
            reading.legacyRuleset(value);
        }
    }

    private void legacyAction(int line, String scope, String action) {
        reading.add(scanner.file(), line, "action", action, scope);
        Forwarding.ofLegacy(action).ifPresent(forward -> reading.add(scanner.file(), line, "forward", forward, scope));
    }

    /** Legacy directives may end in a comment: a '#' that starts a word. */
    private static String withoutComment(String value) {
        Matcher m = COMMENT.matcher(value);
        return m.find() ? value.substring(0, m.start()) : value;
    }

    private String scope(String scope) {
        return scope == null ? reading.topScope() : scope;
    }

    /** A condition inside another: {@code ruleset remote / if $programname == 'sshd'}. */
    private String join(String outer, String inner) {
        String resolved = scope(outer);
        return resolved.isEmpty() ? inner : resolved + " / " + inner;
    }

    private static void space(StringBuilder text) {
        if (!text.isEmpty() && text.charAt(text.length() - 1) != ' ') {
            text.append(' ');
        }
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
