package io.annexa.control;

import java.util.List;
import java.util.Map;

/**
 * An ISO/IEC 27002:2022 control: id, title, theme and attribute values. Each one is also an
 * ISO/IEC 27001:2022 Annex A control with the same number ({@link #annexA()}).
 */
public record Control(String id, String theme, boolean newIn2022, String title, Map<Dimension, List<String>> attributes) {

    public Control {
        attributes = Map.copyOf(attributes);
    }

    /** The ISO/IEC 27001:2022 Annex A reference a nonconformity is raised against: {@code A.8.5}. */
    public String annexA() {
        return "A." + id;
    }

    public List<String> values(Dimension dimension) {
        return attributes.getOrDefault(dimension, List.of());
    }

    /** True when any dimension carries {@code value} (already canonical). */
    public boolean has(String value) {
        return attributes.values().stream().anyMatch(list -> list.contains(value));
    }
}
