package io.annexa.ingestion.http;

import com.jayway.jsonpath.Configuration;
import io.annexa.evidence.InvalidInputException;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonLocation;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Parsing JSON answers, and their values as text.
 *
 * <p>Parsed with Jakarta JSON Processing, not with JSONPath's own json-smart parser: json-smart is lenient
 * (it reads an HTML error page as a string and {@code {id: 1}} as an object), and an answer mistaken for an
 * empty inventory would withdraw every fact of the previous read. JSON-P is strict and says where the
 * document breaks. The result is plain maps and lists, which JSONPath reads as they are.
 */
final class JsonDocuments {

    static final Configuration JSONPATH = Configuration.defaultConfiguration();

    private JsonDocuments() {
    }

    /** @param label what the body is (the URL it came from), for the complaint */
    static Object parse(byte[] body, String label) throws InvalidInputException {
        if (body.length == 0) {
            throw new InvalidInputException(label, 0, "not valid JSON: the answer is empty");
        }
        // JSON-P detects UTF-8/16/32 from the first bytes, as RFC 8259 readers may
        try (JsonParser parser = Json.createParser(new ByteArrayInputStream(body))) {
            parser.next();
            Object document = plain(parser.getValue());
            // a JsonReader would stop after the first value and let trailing text pass
            if (parser.hasNext()) {
                throw new JsonParsingException("text after the end of the JSON value", parser.getLocation());
            }
            return document;
        } catch (JsonParsingException e) {
            JsonLocation at = e.getLocation();
            int line = at == null || at.getLineNumber() < 1 ? 0 : (int) at.getLineNumber();
            throw new InvalidInputException(label, line, "not valid JSON: " + e.getMessage());
        } catch (JsonException | NoSuchElementException e) {
            throw new InvalidInputException(label, 0, "not valid JSON: " + e.getMessage());
        } catch (NumberFormatException e) {
            // the parser reads a number as BigDecimal, which refuses exponents beyond an int (1e99999999999)
            throw new InvalidInputException(label, 0, "a number is out of range: " + e.getMessage());
        }
    }

    private static Object plain(JsonValue value) {
        return switch (value.getValueType()) {
            case OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                ((JsonObject) value).forEach((key, member) -> map.put(key, plain(member)));
                yield map;
            }
            case ARRAY -> {
                List<Object> list = new ArrayList<>();
                ((JsonArray) value).forEach(element -> list.add(plain(element)));
                yield list;
            }
            case STRING -> ((JsonString) value).getString();
            case NUMBER -> number((JsonNumber) value);
            case TRUE -> Boolean.TRUE;
            case FALSE -> Boolean.FALSE;
            case NULL -> null;
        };
    }

    /** Whole numbers stay whole ({@code 8} is "8", not "8.0"), so ids and ports read as written. */
    private static Object number(JsonNumber number) {
        if (number.isIntegral()) {
            BigInteger whole = number.bigIntegerValue();
            return whole.bitLength() < Long.SIZE ? (Object) whole.longValue() : whole;
        }
        return number.bigDecimalValue();
    }

    /** A string, number or boolean as text; empty for an object or an array. */
    static Optional<String> scalar(Object value) {
        if (value instanceof Map<?, ?> || value instanceof List<?> || value == null) {
            return Optional.empty();
        }
        return Optional.of(value.toString());
    }

    /** A scalar as text, an object or array as compact JSON. */
    static String text(Object value) {
        return scalar(value).orElseGet(() -> JSONPATH.jsonProvider().toJson(value));
    }
}
