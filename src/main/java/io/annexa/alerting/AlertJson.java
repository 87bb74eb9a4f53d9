package io.annexa.alerting;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** How events are kept in the outbox and in a delivery's payload: JSON text, read back to the same values. */
final class AlertJson {

    /** BUILDERS.createObjectBuilder() looks the provider up again on every call, which cost more than the rest of a delivery. */
    private static final JsonBuilderFactory BUILDERS = Json.createBuilderFactory(Map.of());
    private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());

    private AlertJson() {
    }

    static String labels(Map<String, String> labels) {
        JsonObjectBuilder json = BUILDERS.createObjectBuilder();
        new TreeMap<>(labels).forEach(json::add);
        return json.build().toString();
    }

    static Map<String, String> labels(String text) {
        return labels(read(text).asJsonObject());
    }

    private static Map<String, String> labels(JsonObject json) {
        Map<String, String> labels = new LinkedHashMap<>();
        json.forEach((k, v) -> labels.put(k, ((jakarta.json.JsonString) v).getString()));
        return Map.copyOf(labels);
    }

    static String subject(AlertSubject s) {
        return subjectJson(s).toString();
    }

    static AlertSubject subject(String text) {
        return subject(read(text).asJsonObject());
    }

    private static JsonObject subjectJson(AlertSubject s) {
        JsonObjectBuilder json = BUILDERS.createObjectBuilder();
        if (s.nonconformityId() != null) {
            json.add("nonconformityId", s.nonconformityId());
        }
        add(json, "ruleId", s.ruleId());
        add(json, "ruleTitle", s.ruleTitle());
        add(json, "control", s.control());
        add(json, "annexA", s.annexA());
        JsonArrayBuilder clauses = BUILDERS.createArrayBuilder();
        (s.clauses() == null ? List.<String>of() : s.clauses()).forEach(clauses::add);
        json.add("clauses", clauses);
        add(json, "requirement", s.requirement());
        add(json, "grade", s.grade());
        add(json, "severity", s.severity());
        add(json, "status", s.status());
        add(json, "asset", s.asset());
        add(json, "owner", s.owner());
        add(json, "evidenceSummary", s.evidenceSummary());
        add(json, "firstSeen", s.firstSeen() == null ? null : s.firstSeen().toString());
        add(json, "lastSeen", s.lastSeen() == null ? null : s.lastSeen().toString());
        add(json, "link", s.link());
        return json.build();
    }

    private static AlertSubject subject(JsonObject json) {
        return new AlertSubject(json.containsKey("nonconformityId") ? json.getJsonNumber("nonconformityId").longValue() : null,
                text(json, "ruleId"), text(json, "ruleTitle"), text(json, "control"), text(json, "annexA"),
                json.getJsonArray("clauses").getValuesAs(jakarta.json.JsonString.class).stream().map(jakarta.json.JsonString::getString).toList(),
                text(json, "requirement"), text(json, "grade"), text(json, "severity"), text(json, "status"), text(json, "asset"),
                text(json, "owner"), text(json, "evidenceSummary"), time(text(json, "firstSeen")), time(text(json, "lastSeen")),
                text(json, "link"));
    }

    /** A delivery's payload: the events it carries, whole, so a restart sends exactly what was grouped. */
    static String events(List<AlertEvent> events) {
        JsonArrayBuilder array = BUILDERS.createArrayBuilder();
        for (AlertEvent e : events) {
            array.add(BUILDERS.createObjectBuilder().add("id", e.id()).add("type", e.type()).add("at", e.at().toString())
                    .add("labels", read(labels(e.labels()))).add("subject", subjectJson(e.subject())));
        }
        return array.build().toString();
    }

    static List<AlertEvent> events(String text) {
        JsonArray array = read(text).asJsonArray();
        return array.getValuesAs(JsonObject.class).stream()
                .map(o -> new AlertEvent(o.getString("id"), o.getString("type"), Instant.parse(o.getString("at")),
                        labels(o.getJsonObject("labels")), subject(o.getJsonObject("subject"))))
                .toList();
    }

    private static void add(JsonObjectBuilder json, String name, String value) {
        if (value != null) {
            json.add(name, value);
        }
    }

    private static String text(JsonObject json, String name) {
        return json.containsKey(name) && json.get(name) != JsonValue.NULL ? json.getString(name) : null;
    }

    private static Instant time(String text) {
        return text == null ? null : Instant.parse(text);
    }

    private static JsonValue read(String text) {
        try (JsonReader reader = READERS.createReader(new StringReader(text))) {
            return reader.readValue();
        }
    }
}
