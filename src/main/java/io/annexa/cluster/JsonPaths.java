package io.annexa.cluster;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import io.annexa.evidence.AssetNames;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;

/** Where a parser stands, as a field path people read ({@code evidence[1].facts[3].value}), and refusals naming it. */
final class JsonPaths {

    static final String RECORD = "(record)";
    private static final Pattern SIMPLE_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");

    private JsonPaths() {
    }

    /** The path of the value the parser stands on (an object or array: its start), or of the one whose end it stands on. */
    static String of(JsonParser parser) {
        JsonStreamContext context = parser.getParsingContext();
        // at the start of an object or array the parser is already in it; its path is its place in the enclosing one
        if (parser.currentToken() != null && parser.currentToken().isStructStart() && context != null) {
            context = context.getParent();
        }
        return of(context);
    }

    /** The path of a context: each array's current index, each object's current field. */
    static String of(JsonStreamContext context) {
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray() && c.getCurrentIndex() >= 0) {
                parts.push("[" + c.getCurrentIndex() + "]");
            } else if (c.inObject() && c.getCurrentName() != null) {
                parts.push(name(c.getCurrentName()));
            }
        }
        String path = String.join("", parts);
        if (path.startsWith(".")) {
            path = path.substring(1);
        }
        return path.isEmpty() ? RECORD : path;
    }

    /** {@code .user} for a name as rules write them, {@code ["source ip"]} (escaped, cut short) for any other. */
    private static String name(String name) {
        if (SIMPLE_NAME.matcher(name).matches()) {
            return "." + name;
        }
        return "[\"" + AssetNames.shown(name, EvidenceCodecException.SHOWN).replace("\"", "\\\"") + "\"]";
    }

    static EvidenceCodecException refused(JsonParser parser, String problem) {
        return new EvidenceCodecException(of(parser), problem);
    }

    /** The next token, which must be there and be {@code expected}; {@code what} says what was expected, for people. */
    static void expect(JsonParser parser, JsonToken expected, String what) throws IOException, EvidenceCodecException {
        JsonToken token = parser.nextToken();
        if (token != expected) {
            throw refused(parser, "expected " + what + ", found " + describe(token));
        }
    }

    /** The next token must be the field {@code name}: the fields of the envelope come in a fixed order. */
    static void expectField(JsonParser parser, String name) throws IOException, EvidenceCodecException {
        JsonToken token = parser.nextToken();
        if (token != JsonToken.FIELD_NAME || !name.equals(parser.currentName())) {
            throw refused(parser, "expected the field '" + name + "' here, found "
                    + (token == JsonToken.FIELD_NAME ? "the field " + EvidenceCodecException.shown(parser.currentName()) : describe(token)));
        }
    }

    static String describe(JsonToken token) {
        if (token == null) {
            return "the end of the record";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case END_OBJECT -> "the end of an object";
            case START_ARRAY -> "an array";
            case END_ARRAY -> "the end of an array";
            case FIELD_NAME -> "a field";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "a whole number";
            case VALUE_NUMBER_FLOAT -> "a decimal number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.name();
        };
    }
}
