package io.annexa.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One field of a fact type as it travels: its name in the record, its shape, whether it may be absent (written as
 * nothing, read as null) and the getter that reads it from the fact. The factories keep getter and shape in step.
 */
record FactField<T>(String name, FieldKind kind, boolean optional, Function<T, ?> getter) {

    static <T> FactField<T> text(String name, Function<T, String> getter) {
        return new FactField<>(name, FieldKind.TEXT, false, getter);
    }

    static <T> FactField<T> optionalText(String name, Function<T, String> getter) {
        return new FactField<>(name, FieldKind.TEXT, true, getter);
    }

    static <T> FactField<T> wholeNumber(String name, Function<T, Integer> getter) {
        return new FactField<>(name, FieldKind.WHOLE_NUMBER, false, getter);
    }

    static <T> FactField<T> optionalWholeNumber(String name, Function<T, Integer> getter) {
        return new FactField<>(name, FieldKind.WHOLE_NUMBER, true, getter);
    }

    static <T> FactField<T> flag(String name, Function<T, Boolean> getter) {
        return new FactField<>(name, FieldKind.FLAG, false, getter);
    }

    static <T> FactField<T> instant(String name, Function<T, Instant> getter) {
        return new FactField<>(name, FieldKind.INSTANT, false, getter);
    }

    static <T> FactField<T> optionalInstant(String name, Function<T, Instant> getter) {
        return new FactField<>(name, FieldKind.INSTANT, true, getter);
    }

    static <T> FactField<T> duration(String name, Function<T, Duration> getter) {
        return new FactField<>(name, FieldKind.DURATION, false, getter);
    }

    static <T> FactField<T> textList(String name, Function<T, List<String>> getter) {
        return new FactField<>(name, FieldKind.TEXT_LIST, false, getter);
    }

    static <T> FactField<T> textMap(String name, Function<T, Map<String, String>> getter) {
        return new FactField<>(name, FieldKind.TEXT_MAP, false, getter);
    }
}
