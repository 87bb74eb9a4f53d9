package io.annexa.register;

/**
 * The theme of an ISO/IEC 27002:2022 control, from its number: the standard groups its controls in clauses 5 to 8
 * by theme, so the first number says it.
 */
final class Themes {

    private Themes() {
    }

    static String of(String control) {
        return switch (control.substring(0, control.indexOf('.') < 0 ? control.length() : control.indexOf('.'))) {
            case "5" -> "organizational";
            case "6" -> "people";
            case "7" -> "physical";
            case "8" -> "technological";
            default -> throw new IllegalArgumentException("'" + control + "' is not an ISO/IEC 27002:2022 control id");
        };
    }
}
