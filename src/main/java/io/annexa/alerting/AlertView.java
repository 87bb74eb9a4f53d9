package io.annexa.alerting;

import io.annexa.register.policy.Grade;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a notification shows a person, as plain maps and lists: the model of the mail templates and of the
 * Slack and Teams messages. Built from the notification alone, so it holds nothing of the receiver's
 * configuration (no secret, no URL).
 */
final class AlertView {

    static final String CONTROL_STANDARD = "ISO/IEC 27002:2022";
    static final String ANNEX_A_STANDARD = "ISO/IEC 27001:2022 Annex A";
    static final String CLAUSE_STANDARD = "ISO/IEC 27001:2022";

    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private AlertView() {
    }

    static Map<String, Object> of(Notification notification) {
        List<AlertEvent> events = notification.events();
        List<Map<String, Object>> shown = new ArrayList<>();
        for (AlertEvent event : events) {
            shown.add(event(event));
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("receiver", text(notification.receiver()));
        view.put("groupKey", text(notification.groupKey()));
        view.put("count", events.size());
        view.put("single", events.size() == 1);
        String worst = worstGrade(events);
        view.put("worstGrade", worst);
        view.put("worstGradeUpper", worst.toUpperCase(Locale.ROOT));
        view.put("asset", common(events, "asset", "assets"));
        view.put("control", common(events, "control", "controls"));
        view.put("controlStandard", CONTROL_STANDARD);
        view.put("annexAStandard", ANNEX_A_STANDARD);
        view.put("clauseStandard", CLAUSE_STANDARD);
        view.put("events", shown);
        view.put("repeat", notification.repeat());
        String headline = headline(events, worst);
        view.put("headline", notification.repeat() ? "Reminder: " + headline : headline);
        return view;
    }

    /** One line that says what happened: the subject of a single event, or count, worst grade and asset. */
    static String headline(List<AlertEvent> events, String worstGrade) {
        if (events.size() == 1) {
            AlertEvent event = events.get(0);
            AlertSubject s = event.subject();
            StringBuilder line = new StringBuilder();
            if (!worstGrade.isEmpty()) {
                line.append(worstGrade.toUpperCase(Locale.ROOT)).append(' ');
            }
            line.append(typeText(event.type()).toLowerCase(Locale.ROOT));
            String control = s == null ? "" : text(s.control());
            if (!control.isEmpty()) {
                line.append(": ").append(control);
            }
            String title = s == null ? "" : text(s.ruleTitle());
            if (!title.isEmpty()) {
                line.append(' ').append(title);
            }
            String asset = s == null ? "" : text(s.asset());
            if (!asset.isEmpty()) {
                line.append(" on ").append(asset);
            }
            return oneLine(line.toString());
        }
        String asset = common(events, "asset", "assets");
        return oneLine(events.size() + " alerts" + (worstGrade.isEmpty() ? "" : ", worst " + worstGrade)
                + (asset.isEmpty() ? "" : " on " + asset));
    }

    static String worstGrade(List<AlertEvent> events) {
        Grade worst = null;
        for (AlertEvent event : events) {
            String text = event.subject() == null ? "" : text(event.subject().grade());
            if (text.isEmpty()) {
                continue;
            }
            try {
                Grade grade = Grade.parse(text);
                if (worst == null || grade.worseThan(worst)) {
                    worst = grade;
                }
            } catch (IllegalArgumentException e) {
                // a grade the policy does not know cannot be ranked; the known ones still are
            }
        }
        return worst == null ? "" : worst.label();
    }

    /** "nonconformity.opened" reads "Nonconformity opened", "risk-acceptance.expiring" "Risk acceptance expiring". */
    static String typeText(String type) {
        String words = text(type).replace('.', ' ').replace('-', ' ').replace('_', ' ').strip();
        return words.isEmpty() ? "Alert" : Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    private static Map<String, Object> event(AlertEvent event) {
        AlertSubject s = event.subject();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", text(event.id()));
        view.put("type", text(event.type()));
        view.put("typeText", typeText(event.type()));
        view.put("at", shown(event.at()));
        view.put("nonconformityId", s == null || s.nonconformityId() == null ? "" : s.nonconformityId().toString());
        view.put("ruleId", s == null ? "" : text(s.ruleId()));
        view.put("ruleTitle", s == null ? "" : text(s.ruleTitle()));
        view.put("control", s == null ? "" : text(s.control()));
        view.put("annexA", s == null ? "" : text(s.annexA()));
        view.put("clauses", s == null || s.clauses() == null ? "" : String.join(", ", s.clauses()));
        view.put("requirement", s == null ? "" : text(s.requirement()));
        String grade = s == null ? "" : text(s.grade());
        view.put("grade", grade);
        view.put("gradeUpper", grade.toUpperCase(Locale.ROOT));
        view.put("severity", s == null ? "" : text(s.severity()));
        view.put("status", s == null ? "" : text(s.status()));
        view.put("asset", s == null ? "" : text(s.asset()));
        view.put("owner", s == null ? "" : text(s.owner()));
        view.put("evidenceSummary", s == null ? "" : text(s.evidenceSummary()));
        view.put("firstSeen", s == null ? "" : shown(s.firstSeen()));
        view.put("lastSeen", s == null ? "" : shown(s.lastSeen()));
        view.put("link", s == null ? "" : webLink(s.link()));
        return view;
    }

    /** Only http(s) links are shown: a template puts them into href, where javascript: would run. */
    static String webLink(String link) {
        String text = text(link);
        String lower = text.toLowerCase(Locale.ROOT);
        return lower.startsWith("https://") || lower.startsWith("http://") ? text : "";
    }

    private static String common(List<AlertEvent> events, String field, String plural) {
        Set<String> values = new LinkedHashSet<>();
        for (AlertEvent event : events) {
            AlertSubject s = event.subject();
            String value = s == null ? "" : text(field.equals("asset") ? s.asset() : s.control());
            if (!value.isEmpty()) {
                values.add(value);
            }
        }
        if (values.size() <= 1) {
            return values.isEmpty() ? "" : values.iterator().next();
        }
        return values.size() + " " + plural;
    }

    static String shown(Instant at) {
        return at == null ? "" : SHOWN.format(at);
    }

    static String text(String value) {
        return value == null ? "" : value;
    }

    /** Line breaks would end a mail header or a chat title early. */
    static String oneLine(String value) {
        return value.replaceAll("[\\r\\n\\t]+", " ").strip();
    }
}
