package io.annexa.alerting;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The body of a webhook. {@code standard} follows the published schema {@code schemas/alert-1.json} in the
 * Standard Webhooks envelope ({@code type}, {@code timestamp}, {@code data}); {@code slack} is a Slack incoming
 * webhook message ({@code text} + Block Kit {@code blocks}); {@code teams} is a message with an Adaptive Card,
 * as Teams Workflows webhooks take it.
 *
 * <p>The body depends on the notification only, so a redelivery sends the same bytes.
 */
public final class AlertPayload {

    public static final String STANDARD = "standard";
    public static final String SLACK = "slack";
    public static final String TEAMS = "teams";
    /** The value of {@code type} in the standard body. */
    public static final String TYPE = "alert.notification";
    public static final String SCHEMA = "alert-1.json";

    /** Block Kit allows 50 blocks a message; a few are taken by header and footer. */
    static final int SHOWN_EVENTS = 20;
    private static final int SUMMARY_CHARS = 500;

    private AlertPayload() {
    }

    /** @throws IllegalArgumentException for a format other than standard, slack or teams */
    public static String json(Notification n, String format) {
        String f = format == null || format.isBlank() ? STANDARD : format.strip().toLowerCase(Locale.ROOT);
        JsonObject body = switch (f) {
            case STANDARD -> standard(n);
            case SLACK -> slack(n);
            case TEAMS -> teams(n);
            default -> throw new IllegalArgumentException("webhook format '" + format + "' is not one of standard, slack, teams");
        };
        StringWriter out = new StringWriter();
        try (var writer = Json.createWriter(out)) {
            writer.writeObject(body);
        }
        return out.toString();
    }

    private static JsonObject standard(Notification n) {
        JsonArrayBuilder events = Json.createArrayBuilder();
        Instant latest = null;
        for (AlertEvent event : n.events()) {
            events.add(event(event));
            if (event.at() != null && (latest == null || event.at().isAfter(latest))) {
                latest = event.at();
            }
        }
        JsonObjectBuilder data = Json.createObjectBuilder()
                .add("schema", SCHEMA)
                .add("receiver", AlertView.text(n.receiver()))
                .add("groupKey", AlertView.text(n.groupKey()))
                .add("repeat", n.repeat())
                .add("standards", Json.createObjectBuilder()
                        .add("control", AlertView.CONTROL_STANDARD)
                        .add("annexA", AlertView.ANNEX_A_STANDARD)
                        .add("clauses", AlertView.CLAUSE_STANDARD))
                .add("events", events);
        return Json.createObjectBuilder()
                .add("type", TYPE)
                .add("timestamp", latest == null ? Instant.EPOCH.toString() : latest.toString())
                .add("data", data)
                .build();
    }

    private static JsonObjectBuilder event(AlertEvent event) {
        JsonObjectBuilder labels = Json.createObjectBuilder();
        if (event.labels() != null) {
            event.labels().forEach((name, value) -> labels.add(name, AlertView.text(value)));
        }
        JsonObjectBuilder json = Json.createObjectBuilder()
                .add("id", AlertView.text(event.id()))
                .add("type", AlertView.text(event.type()));
        instant(json, "at", event.at());
        json.add("labels", labels);
        AlertSubject s = event.subject();
        if (s == null) {
            json.addNull("subject");
            return json;
        }
        JsonObjectBuilder subject = Json.createObjectBuilder();
        if (s.nonconformityId() == null) {
            subject.addNull("nonconformityId");
        } else {
            subject.add("nonconformityId", s.nonconformityId());
        }
        JsonArrayBuilder clauses = Json.createArrayBuilder();
        if (s.clauses() != null) {
            s.clauses().forEach(clause -> clauses.add(AlertView.text(clause)));
        }
        subject.add("rule", Json.createObjectBuilder().add("id", AlertView.text(s.ruleId())).add("title", AlertView.text(s.ruleTitle())))
                .add("control", AlertView.text(s.control()))
                .add("annexA", AlertView.text(s.annexA()))
                .add("clauses", clauses)
                .add("requirement", AlertView.text(s.requirement()))
                .add("grade", AlertView.text(s.grade()))
                .add("severity", AlertView.text(s.severity()))
                .add("status", AlertView.text(s.status()))
                .add("asset", AlertView.text(s.asset()))
                .add("owner", AlertView.text(s.owner()))
                .add("evidenceSummary", AlertView.text(s.evidenceSummary()));
        instant(subject, "firstSeen", s.firstSeen());
        instant(subject, "lastSeen", s.lastSeen());
        String link = AlertView.webLink(s.link());
        if (link.isEmpty()) {
            subject.addNull("link");
        } else {
            subject.add("link", link);
        }
        json.add("subject", subject);
        return json;
    }

    private static void instant(JsonObjectBuilder json, String name, Instant at) {
        if (at == null) {
            json.addNull(name);
        } else {
            json.add(name, at.toString());
        }
    }

    @SuppressWarnings("unchecked")
    private static JsonObject slack(Notification n) {
        Map<String, Object> view = AlertView.of(n);
        String headline = (String) view.get("headline");
        List<Map<String, Object>> events = (List<Map<String, Object>>) view.get("events");
        JsonArrayBuilder blocks = Json.createArrayBuilder()
                .add(Json.createObjectBuilder().add("type", "header")
                        .add("text", plainText(cut(headline, 150))));
        int shown = Math.min(events.size(), SHOWN_EVENTS);
        for (Map<String, Object> e : events.subList(0, shown)) {
            StringBuilder text = new StringBuilder();
            String title = slackEscape((String) e.get("typeText"));
            String link = (String) e.get("link");
            text.append('*').append(link.isEmpty() ? title : "<" + slackEscape(link) + "|" + title + ">").append('*');
            appendIf(text, " · ", ((String) e.get("gradeUpper")));
            appendIf(text, " · severity ", (String) e.get("severity"));
            appendIf(text, " · ", (String) e.get("status"));
            text.append('\n');
            String control = (String) e.get("control");
            if (!control.isEmpty()) {
                text.append('*').append(slackEscape(control)).append("* ");
            }
            text.append(slackEscape((String) e.get("ruleTitle")));
            appendIf(text, " on *", (String) e.get("asset"), "*");
            appendIf(text, "\nOwner: ", (String) e.get("owner"));
            appendIf(text, "\nEvidence: ", cut((String) e.get("evidenceSummary"), SUMMARY_CHARS));
            blocks.add(Json.createObjectBuilder().add("type", "section")
                    .add("text", Json.createObjectBuilder().add("type", "mrkdwn").add("text", text.toString())));
        }
        String footer = "Annexa · " + n.events().size() + (n.events().size() == 1 ? " event" : " events")
                + (shown < events.size() ? ", " + (events.size() - shown) + " more not shown" : "")
                + " · control: " + AlertView.CONTROL_STANDARD;
        blocks.add(Json.createObjectBuilder().add("type", "context")
                .add("elements", Json.createArrayBuilder().add(Json.createObjectBuilder().add("type", "mrkdwn")
                        .add("text", slackEscape(footer)))));
        return Json.createObjectBuilder().add("text", slackEscape(headline)).add("blocks", blocks).build();
    }

    private static void appendIf(StringBuilder text, String before, String value) {
        appendIf(text, before, value, "");
    }

    private static void appendIf(StringBuilder text, String before, String value, String after) {
        if (value != null && !value.isEmpty()) {
            text.append(before).append(slackEscape(value)).append(after);
        }
    }

    private static JsonObjectBuilder plainText(String text) {
        return Json.createObjectBuilder().add("type", "plain_text").add("text", text);
    }

    /** Slack reads &, < and > as markup (links, mentions); everything else in mrkdwn is harmless. */
    static String slackEscape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    @SuppressWarnings("unchecked")
    private static JsonObject teams(Notification n) {
        Map<String, Object> view = AlertView.of(n);
        List<Map<String, Object>> events = (List<Map<String, Object>>) view.get("events");
        JsonArrayBuilder body = Json.createArrayBuilder()
                .add(Json.createObjectBuilder().add("type", "TextBlock").add("text", (String) view.get("headline"))
                        .add("weight", "Bolder").add("size", "Medium").add("wrap", true));
        int shown = Math.min(events.size(), SHOWN_EVENTS);
        JsonArrayBuilder actions = Json.createArrayBuilder();
        for (Map<String, Object> e : events.subList(0, shown)) {
            JsonArrayBuilder facts = Json.createArrayBuilder();
            fact(facts, "Event", (String) e.get("typeText"));
            fact(facts, "Grade", (String) e.get("grade"));
            fact(facts, "Severity", (String) e.get("severity"));
            fact(facts, "Status", (String) e.get("status"));
            fact(facts, "Control (" + AlertView.CONTROL_STANDARD + ")", (String) e.get("control"));
            fact(facts, "Annex A", (String) e.get("annexA"));
            fact(facts, "Rule", (String) e.get("ruleTitle"));
            fact(facts, "Asset", (String) e.get("asset"));
            fact(facts, "Owner", (String) e.get("owner"));
            fact(facts, "Evidence", cut((String) e.get("evidenceSummary"), SUMMARY_CHARS));
            fact(facts, "Last seen", (String) e.get("lastSeen"));
            body.add(Json.createObjectBuilder().add("type", "FactSet").add("separator", true).add("facts", facts));
            String link = (String) e.get("link");
            if (!link.isEmpty() && shown == 1) {
                actions.add(Json.createObjectBuilder().add("type", "Action.OpenUrl").add("title", "Open in Annexa").add("url", link));
            }
        }
        if (shown < events.size()) {
            body.add(Json.createObjectBuilder().add("type", "TextBlock").add("wrap", true)
                    .add("text", (events.size() - shown) + " more events not shown"));
        }
        JsonObject card = Json.createObjectBuilder()
                .add("$schema", "http://adaptivecards.io/schemas/adaptive-card.json")
                .add("type", "AdaptiveCard")
                .add("version", "1.4")
                .add("body", body)
                .add("actions", actions)
                .build();
        return Json.createObjectBuilder()
                .add("type", "message")
                .add("summary", (String) view.get("headline"))
                .add("attachments", Json.createArrayBuilder().add(Json.createObjectBuilder()
                        .add("contentType", "application/vnd.microsoft.card.adaptive")
                        .addNull("contentUrl")
                        .add("content", card)))
                .build();
    }

    private static void fact(JsonArrayBuilder facts, String title, String value) {
        if (value != null && !value.isEmpty()) {
            facts.add(Json.createObjectBuilder().add("title", title).add("value", value));
        }
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
