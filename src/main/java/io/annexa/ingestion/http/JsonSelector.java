package io.annexa.ingestion.http;

import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.JsonPathException;
import java.util.Optional;

/** A compiled JSONPath that keeps the text the mapping file gave, so complaints quote what was written. */
public record JsonSelector(String expression, JsonPath path) {

    /** Far beyond any path a mapping needs ({@code $.network.interfaces[0].publicIp}). */
    static final int MAX_LENGTH = 1000;

    /** @throws IllegalArgumentException with JSONPath's own explanation, for the reader to put a line number on */
    public static JsonSelector compile(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("the JSONPath is empty");
        }
        if (expression.length() > MAX_LENGTH) {
            // the path compiler recurses once per step: thousands of steps overflow the stack
            throw new IllegalArgumentException("the JSONPath is longer than " + MAX_LENGTH + " characters");
        }
        try {
            return new JsonSelector(expression.strip(), JsonPath.compile(expression.strip()));
        } catch (RuntimeException e) {
            // InvalidPathException, and for some typos ("$.[") an index exception from the path compiler
            throw new IllegalArgumentException("'" + expression.strip() + "' is not a valid JSONPath: " + e.getMessage(), e);
        }
    }

    /** What the path selects in a document or an item; empty when it selects nothing or JSON null. */
    public Optional<Object> in(Object json) {
        if (json == null) {
            // an answer or an item that is JSON null; JsonPath refuses a null root with IllegalArgumentException
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(path.read(json, JsonDocuments.JSONPATH));
        } catch (JsonPathException e) {
            // a missing property, or an item that is not an object: both mean "nothing there"
            return Optional.empty();
        } catch (NullPointerException | ClassCastException e) {
            // JsonPath's own evaluation of some function arguments ($.items.length(1.5)) fails so: nothing selected
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return expression;
    }
}
