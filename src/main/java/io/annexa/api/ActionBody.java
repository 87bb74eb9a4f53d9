package io.annexa.api;

import io.annexa.register.ActionRequest;
import io.annexa.register.LifecycleAction;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The JSON body of a lifecycle action, checked field by field: unknown fields, wrong types and bad dates are refused
 * with the field's name, before the register sees anything. The SHA-256 of the body as received goes into the audit
 * trail, so what was asked can be proven later.
 */
final class ActionBody {

    private static final Map<LifecycleAction, Set<String>> FIELDS = Map.of(
            LifecycleAction.ACKNOWLEDGE, Set.of("comment", "expectedVersion"),
            LifecycleAction.PLAN, Set.of("comment", "expectedVersion", "rootCause", "correction", "correctiveAction", "dueDate", "owner"),
            LifecycleAction.RESOLVE, Set.of("comment", "expectedVersion"),
            LifecycleAction.CLOSE, Set.of("comment", "expectedVersion"),
            LifecycleAction.REOPEN, Set.of("comment", "expectedVersion"),
            LifecycleAction.ACCEPT_RISK, Set.of("comment", "expectedVersion", "requestedBy", "justification", "expiresAt"),
            LifecycleAction.WITHDRAW, Set.of("comment", "expectedVersion", "reason"));

    private ActionBody() {
    }

    static ActionRequest parse(byte[] body, LifecycleAction action, String ifMatch) {
        JsonObject json = object(body);
        Set<String> unknown = new TreeSet<>(json.keySet());
        unknown.removeAll(FIELDS.get(action));
        if (!unknown.isEmpty()) {
            throw ApiError.badRequest(action.label() + " takes " + String.join(", ", new TreeSet<>(FIELDS.get(action)))
                    + "; unknown field(s): " + String.join(", ", unknown));
        }
        Long version = json.containsKey("expectedVersion") ? version(json) : ifMatch(ifMatch);
        return new ActionRequest(text(json, "comment"), text(json, "rootCause"), text(json, "correction"),
                text(json, "correctiveAction"), time(json, "dueDate"), text(json, "owner"), text(json, "requestedBy"),
                text(json, "justification"), time(json, "expiresAt"), text(json, "reason"), version, sha256(body));
    }

    private static JsonObject object(byte[] body) {
        if (body == null || body.length == 0) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(body))) {
            JsonValue value = reader.readValue();
            if (!(value instanceof JsonObject object)) {
                throw ApiError.badRequest("the body must be a JSON object");
            }
            return object;
        } catch (JsonException e) {
            throw ApiError.badRequest("the body is not valid JSON: " + e.getMessage());
        }
    }

    private static String text(JsonObject json, String field) {
        JsonValue value = json.get(field);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonString string)) {
            throw ApiError.badRequest(field + ": must be a string");
        }
        return string.getString();
    }

    /** A date means the end of that day in UTC: "due 2027-01-31" is met on the 31st. */
    private static Instant time(JsonObject json, String field) {
        String text = text(json, field);
        if (text == null) {
            return null;
        }
        try {
            return text.length() == 10 ? LocalDate.parse(text).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusMillis(1)
                    : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiError.badRequest(field + ": '" + text + "' is neither a date (2027-01-31) nor a time (2027-01-31T17:00:00Z)");
        }
    }

    private static Long version(JsonObject json) {
        JsonValue value = json.get("expectedVersion");
        if (value instanceof JsonNumber number && number.isIntegral()) {
            return number.longValue();
        }
        throw ApiError.badRequest("expectedVersion: must be the whole number 'version' the nonconformity was read with");
    }

    /** {@code If-Match: "3"} (or W/"3"): the version the caller read. */
    private static Long ifMatch(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String tag = header.strip().replaceFirst("^W/", "").replace("\"", "");
        try {
            return Long.parseLong(tag);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("If-Match: '" + header + "' is not a version number the nonconformity was read with");
        }
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body == null ? new byte[0] : body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
