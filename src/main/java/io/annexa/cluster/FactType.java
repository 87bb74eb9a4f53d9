package io.annexa.cluster;

import static io.annexa.cluster.JsonPaths.describe;
import static io.annexa.cluster.JsonPaths.refused;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.annexa.evidence.InvalidAssetNameException;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One type of fact a record may carry: its name in the record ({@code "type": "ConfigEntry"}), never a class name,
 * its fields, and how a decoded fact is made: through the type's own constructor, so that its validation (asset
 * names, required fields) and its string sharing apply to facts from the network as to facts read here.
 */
final class FactType<T> {

    private final String name;
    private final Class<T> type;
    private final boolean event;
    private final List<FactField<T>> fields;
    private final Map<String, Integer> positions = new HashMap<>();
    private final Function<Values, T> factory;

    private FactType(String name, Class<T> type, boolean event, Function<Values, T> factory, List<FactField<T>> fields) {
        this.name = name;
        this.type = type;
        this.event = event;
        this.factory = factory;
        this.fields = List.copyOf(fields);
        for (int i = 0; i < this.fields.size(); i++) {
            positions.put(this.fields.get(i).name(), i);
        }
    }

    @SafeVarargs
    static <T> FactType<T> fact(String name, Class<T> type, Function<Values, T> factory, FactField<T>... fields) {
        return new FactType<>(name, type, false, factory, List.of(fields));
    }

    /** A type handed over with {@code events()}: timestamped, it expires in the engine by itself. */
    @SafeVarargs
    static <T> FactType<T> event(String name, Class<T> type, Function<Values, T> factory, FactField<T>... fields) {
        return new FactType<>(name, type, true, factory, List.of(fields));
    }

    String name() {
        return name;
    }

    Class<T> type() {
        return type;
    }

    boolean isEvent() {
        return event;
    }

    /**
     * Writes {@code fact} as an object whose first field is its type.
     *
     * @param list  the path of the list it is in, and {@code index} its place there: for the refusal of a required field
     *              that is null (made only then: a batch of events writes thousands of facts)
     */
    void write(JsonGenerator out, Object fact, String list, int index) throws IOException, EvidenceCodecException {
        T typed = type.cast(fact);
        out.writeStartObject();
        out.writeStringField("type", name);
        for (FactField<T> field : fields) {
            Object value = field.getter().apply(typed);
            if (value == null) {
                if (field.optional()) {
                    continue;
                }
                throw new EvidenceCodecException(list + "[" + index + "]." + field.name(), "is null, and a " + name + " needs it");
            }
            out.writeFieldName(field.name());
            field.kind().write(out, value);
        }
        out.writeEndObject();
    }

    /** Reads the fields after {@code type}, to the end of the object, and makes the fact. */
    T read(JsonParser in) throws IOException, EvidenceCodecException {
        Object[] values = new Object[fields.size()];
        JsonToken token;
        while ((token = in.nextToken()) == JsonToken.FIELD_NAME) {
            String fieldName = in.currentName();
            Integer position = positions.get(fieldName);
            if (position == null) {
                throw refused(in, "a " + name + " has no such field; its fields are " + fieldNames());
            }
            FactField<T> field = fields.get(position);
            JsonToken value = in.nextToken();
            if (value == JsonToken.VALUE_NULL) {
                if (!field.optional()) {
                    throw refused(in, "expected " + field.kind().shape() + ", found null");
                }
            } else if (value == null) {
                throw refused(in, "expected " + field.kind().shape() + ", found " + describe(null));
            } else {
                values[position] = field.kind().read(in);
            }
        }
        if (token != JsonToken.END_OBJECT) {
            throw refused(in, "expected a field or the end of the " + name + ", found " + describe(token));
        }
        // the parser stands after the object: its context is the enclosing array, at this fact's index
        String where = JsonPaths.of(in);
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null && !fields.get(i).optional()) {
                throw new EvidenceCodecException(where + "." + fields.get(i).name(), "missing; a " + name + " needs it");
            }
        }
        try {
            return factory.apply(new Values(name, positions, values));
        } catch (InvalidAssetNameException e) {
            throw new EvidenceCodecException(where + ".asset", e.getMessage());
        } catch (IllegalArgumentException | NullPointerException | ArithmeticException | DateTimeException e) {
            throw new EvidenceCodecException(where, "a " + name + " refuses these fields: " + e.getMessage());
        }
    }

    private String fieldNames() {
        return String.join(", ", fields.stream().map(FactField::name).toList());
    }

    /** The fields read, by name, for the factory. */
    static final class Values {
        private final String type;
        private final Map<String, Integer> positions;
        private final Object[] values;

        private Values(String type, Map<String, Integer> positions, Object[] values) {
            this.type = type;
            this.positions = positions;
            this.values = values;
        }

        private Object get(String field) {
            Integer position = positions.get(field);
            if (position == null) {
                // a factory naming a field its type does not declare: a mistake in FactTypes, not in the record
                throw new IllegalStateException(type + " declares no field " + field);
            }
            return values[position];
        }

        String text(String field) {
            return (String) get(field);
        }

        Integer wholeNumber(String field) {
            return (Integer) get(field);
        }

        boolean flag(String field) {
            return (Boolean) get(field);
        }

        Instant instant(String field) {
            return (Instant) get(field);
        }

        Duration duration(String field) {
            return (Duration) get(field);
        }

        @SuppressWarnings("unchecked")
        List<String> textList(String field) {
            return (List<String>) get(field);
        }

        @SuppressWarnings("unchecked")
        Map<String, String> textMap(String field) {
            return (Map<String, String>) get(field);
        }
    }
}
