package io.annexa.control;

/**
 * An ISO/IEC 27002:2022 control, by id and title. Each one is also an ISO/IEC 27001:2022 Annex A
 * control with the same number ({@link #annexA()}).
 */
public record Control(String id, String theme, boolean newIn2022, String title) {

    /** The ISO/IEC 27001:2022 Annex A reference a nonconformity is raised against: {@code A.8.5}. */
    public String annexA() {
        return "A." + id;
    }
}
