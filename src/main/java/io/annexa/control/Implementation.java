package io.annexa.control;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How far the organisation says it has implemented a control; it sets this, Annexa never derives it. */
public enum Implementation {
    NOT_STARTED, PLANNED, PARTIAL, IMPLEMENTED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Implementation> parse(String text) {
        return Arrays.stream(values()).filter(v -> v.label().equals(text.strip().toLowerCase(Locale.ROOT))).findFirst();
    }
}
