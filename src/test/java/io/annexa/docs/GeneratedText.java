package io.annexa.docs;

import static org.assertj.core.api.Assertions.fail;

import io.annexa.ProjectFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Text in the repository that is generated from code and must say what the code says: a whole file, or a section
 * of a hand-written one between {@code <!-- generated: NAME ... -->} and {@code <!-- end generated: NAME -->}.
 * Out of date, it fails with the command that rewrites it; with {@code -Dannexa.regenerate=true} it is rewritten.
 */
final class GeneratedText {

    static final String REGENERATE = "annexa.regenerate";
    static final String COMMAND = "mvn -q test -Dtest=RuleGuideTest -Dannexa.regenerate=true";

    private GeneratedText() {
    }

    static String beginMarker(String section) {
        return "<!-- generated: " + section + " (from code by RuleGuideTest; to update: " + COMMAND + ") -->";
    }

    static String endMarker(String section) {
        return "<!-- end generated: " + section + " -->";
    }

    /** {@code file} (relative to the project) must hold exactly {@code expected}. */
    static void assertFile(String file, String expected) throws IOException {
        Path path = ProjectFiles.root().resolve(file);
        String actual = Files.exists(path) ? Files.readString(path, StandardCharsets.UTF_8) : "";
        if (actual.equals(expected)) {
            return;
        }
        if (regenerating()) {
            Files.writeString(path, expected, StandardCharsets.UTF_8);
            System.out.println("regenerated " + file);
            return;
        }
        fail(outOfDate(file, actual, expected));
    }

    /** The section {@code section} of {@code file} must hold exactly {@code expected}, markers aside. */
    static void assertSection(String file, String section, String expected) throws IOException {
        Path path = ProjectFiles.root().resolve(file);
        String text = Files.readString(path, StandardCharsets.UTF_8);
        String begin = beginMarker(section);
        String end = endMarker(section);
        int start = text.indexOf(begin);
        int stop = text.indexOf(end);
        if (start < 0 || stop < start) {
            fail(file + " has no section '" + section + "': put the lines\n" + begin + "\n" + end
                    + "\nwhere it belongs (the first exactly as written), then run " + COMMAND);
        }
        int contentStart = start + begin.length() + 1;
        String actual = contentStart <= stop ? text.substring(contentStart, stop) : "";
        if (actual.equals(expected)) {
            return;
        }
        if (regenerating()) {
            Files.writeString(path, text.substring(0, contentStart) + expected + text.substring(stop),
                    StandardCharsets.UTF_8);
            System.out.println("regenerated the section '" + section + "' of " + file);
            return;
        }
        fail(outOfDate(file + " (section '" + section + "')", actual, expected));
    }

    private static boolean regenerating() {
        return Boolean.getBoolean(REGENERATE);
    }

    private static String outOfDate(String what, String actual, String expected) {
        String[] found = actual.split("\n", -1);
        String[] wanted = expected.split("\n", -1);
        int line = 0;
        while (line < found.length && line < wanted.length && found[line].equals(wanted[line])) {
            line++;
        }
        return what + " is out of date with the code it is generated from. Rewrite it with\n    " + COMMAND
                + "\nthen review the diff and commit it. First difference, at line " + (line + 1) + " of the generated text:\n"
                + "  expected: " + (line < wanted.length ? wanted[line] : "(end)") + "\n"
                + "  found:    " + (line < found.length ? found[line] : "(end)");
    }
}
