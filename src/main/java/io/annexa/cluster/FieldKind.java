package io.annexa.cluster;

import static io.annexa.cluster.JsonPaths.describe;
import static io.annexa.cluster.JsonPaths.refused;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shapes a fact's field takes in a record, each written and read strictly: a field of another shape is refused,
 * never coerced ({@code "14"} is no line number). Times are ISO-8601 text ({@code 2026-06-01T00:00:00Z}), exact to the
 * nanosecond and readable in a console consumer.
 */
enum FieldKind {

    TEXT("a string") {
        @Override
        void write(JsonGenerator out, Object value) throws IOException {
            out.writeString((String) value);
        }

        @Override
        Object read(JsonParser in) throws IOException, EvidenceCodecException {
            return text(in);
        }
    },

    WHOLE_NUMBER("a whole number") {
        @Override
        void write(JsonGenerator out, Object value) throws IOException {
            out.writeNumber((Integer) value);
        }

        @Override
        Object read(JsonParser in) throws IOException, EvidenceCodecException {
            if (in.currentToken() != JsonToken.VALUE_NUMBER_INT) {
                throw refused(in, "expected a whole number, found " + describe(in.currentToken()));
            }
            if (in.getNumberType() != JsonParser.NumberType.INT) {
                throw refused(in, "the number " + EvidenceCodecException.shown(in.getText()) + " is out of range (32 bits)");
            }
            return in.getIntValue();
        }
    },

    FLAG("true or false") {
        @Override
        void write(JsonGenerator out, Object value) throws IOException {
            out.writeBoolean((Boolean) value);
        }

        @Override
        Object read(JsonParser in) throws IOException, EvidenceCodecException {
            JsonToken token = in.currentToken();
            if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
                throw refused(in, "expected true or false, found " + describe(token));
            }
            return token == JsonToken.VALUE_TRUE;
        }
    },

    INSTANT("an instant") {
        @Override
        void write(JsonGenerator out, Object value) throws IOException {
            out.writeString(value.toString());
        }

        @Override
        Object read(JsonParser in) throws IOException, EvidenceCodecException {
            String text = text(in);
            try {
                return Instant.parse(text);
            } catch (DateTimeException e) {
                throw refused(in, EvidenceCodecException.shown(text) + " is not an ISO-8601 instant (2026-06-01T00:00:00Z)");
            }
        }
    },

    DURATION("a duration") {
        @Override
        void write(JsonGenerator out, Object value) throws IOException {
            out.writeString(value.toString());
        }

        @Override
        Object read(JsonParser in) throws IOException, EvidenceCodecException {
            String text = text(in);
            try {
                return Duration.parse(text);
            } catch (DateTimeException | ArithmeticException e) {
                throw refused(in, EvidenceCodecException.shown(text) + " is not an ISO-8601 duration (PT1H)");
            }
        }
    },

    TEXT_LIST("an array of strings") {
        @Override
        void write(JsonGenerator out, Object value) throws IOException {
            List<?> list = (List<?>) value;
            out.writeStartArray(list, list.size());
            for (Object item : list) {
                out.writeString((String) item);
            }
            out.writeEndArray();
        }

        @Override
        Object read(JsonParser in) throws IOException, EvidenceCodecException {
            if (in.currentToken() != JsonToken.START_ARRAY) {
                throw refused(in, "expected an array of strings, found " + describe(in.currentToken()));
            }
            List<String> list = new ArrayList<>();
            while (in.nextToken() != JsonToken.END_ARRAY) {
                list.add(text(in));
            }
            return list;
        }
    },

    /** Names to strings, as a JSON object; the order written is the order read. */
    TEXT_MAP("an object of strings") {
        @Override
        void write(JsonGenerator out, Object value) throws IOException {
            Map<?, ?> map = (Map<?, ?>) value;
            out.writeStartObject(map, map.size());
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                out.writeFieldName((String) entry.getKey());
                out.writeString((String) entry.getValue());
            }
            out.writeEndObject();
        }

        @Override
        Object read(JsonParser in) throws IOException, EvidenceCodecException {
            if (in.currentToken() != JsonToken.START_OBJECT) {
                throw refused(in, "expected an object of strings, found " + describe(in.currentToken()));
            }
            Map<String, String> map = new LinkedHashMap<>();
            // duplicate names are refused by the parser (strict duplicate detection)
            while (in.nextToken() == JsonToken.FIELD_NAME) {
                String name = in.currentName();
                in.nextToken();
                map.put(name, text(in));
            }
            return map;
        }
    };

    private final String shape;

    FieldKind(String shape) {
        this.shape = shape;
    }

    /** What the field looks like in a record, for messages. */
    String shape() {
        return shape;
    }

    /** Writes a value known not to be null, of the Java type this kind stands for. */
    abstract void write(JsonGenerator out, Object value) throws IOException;

    /** Reads the value the parser stands on (its first token, already read); not null. */
    abstract Object read(JsonParser in) throws IOException, EvidenceCodecException;

    private static String text(JsonParser in) throws IOException, EvidenceCodecException {
        if (in.currentToken() != JsonToken.VALUE_STRING) {
            throw refused(in, "expected a string, found " + describe(in.currentToken()));
        }
        return in.getText();
    }
}
