package io.annexa.evaluation;

import io.annexa.evidence.RuleParameter;
import java.util.Optional;
import java.util.Set;

/** The types a rule parameter may have, and what makes a value valid for each. */
final class ParameterTypes {

    static final Set<String> NAMES = Set.of("integer", "string", "duration", "boolean", "schedule", "zone");

    private ParameterTypes() {
    }

    static Optional<String> check(String type, String value) {
        String v = value.strip();
        return switch (type) {
            case "integer" -> v.matches("-?\\d{1,18}") ? Optional.empty() : Optional.of("'" + value + "' is not an integer");
            case "boolean" -> v.equals("true") || v.equals("false") ? Optional.empty() : Optional.of("'" + value + "' is not true or false");
            case "duration" -> {
                try {
                    RuleParameter.parseDuration(v);
                    yield Optional.empty();
                } catch (RuntimeException e) {
                    yield Optional.of("'" + value + "' is not a duration like 10m, 2h, 30s, 7d or PT10M");
                }
            }
            case "schedule" -> {
                try {
                    WeeklySchedule.parse(v);
                    yield Optional.empty();
                } catch (RuntimeException e) {
                    yield Optional.of(e.getMessage());
                }
            }
            case "zone" -> {
                try {
                    java.time.ZoneId.of(v);
                    yield Optional.empty();
                } catch (RuntimeException e) {
                    yield Optional.of("'" + value + "' is not a time zone like UTC or Europe/Berlin");
                }
            }
            default -> Optional.empty();
        };
    }
}
