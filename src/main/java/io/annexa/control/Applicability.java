package io.annexa.control;

/**
 * What the organisation decided about one control for its Statement of Applicability
 * (ISO/IEC 27001:2022 clause 6.1.3 d): whether it applies, why, how far it is implemented, and its
 * own notes or guidance. A control not mentioned in {@code config/applicability.yml} is applicable,
 * without justification, implementation not stated.
 */
public record Applicability(String control, boolean applicable, String justification, Implementation implementation,
                            String notes) {

    public static Applicability byDefault(String control) {
        return new Applicability(control, true, "", null, "");
    }
}
