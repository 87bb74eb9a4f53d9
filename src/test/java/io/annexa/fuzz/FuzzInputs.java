package io.annexa.fuzz;

import io.annexa.ProjectFiles;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Hostile inputs for the parsers' fuzz tests: random text, random bytes read as leniently as a careless
 * reader would, and — most productive — real sample files (the corpus and the rules' test scenarios) with a
 * few lines inserted, deleted, duplicated or cut, control characters, odd Unicode and huge tokens injected.
 *
 * <p>A mutation is driven by a seed number rather than built from shrinkable parts: jqwik then reports the
 * mutated text itself as the counterexample, which is what goes into the regression test.
 */
public final class FuzzInputs {

    /** Characters parsers treat specially somewhere: quoting, escapes, comments, separators, line ends. */
    private static final String[] SPECIAL = {"\u0000", "\r", "\n", "\t", "\u000b", "\f", "\u001b", "\u007f", "\u0085",
            "\u00a0", "\u2028", "\u2029", "\ufeff", "\ufffd", "\ud800", "\udfff", "\ud83d\ude00", "\u0301", "\u202e",
            "\\", "\"", "'", "`", "#", "=", ":", ";", ",", "{", "}", "[", "]", "(", ")", "<", ">", "!", "@", "$", "%",
            "*", "?", "+", "-", "/", "..", "&", "|", "~", "^", " ", "  ", "0", "1"};
    /** Values that break naive number, keyword and path handling. */
    private static final String[] TOKENS = {"", "-1", "0", "00", "+5", "2147483648", "-2147483649", "99999999999999999999",
            "1e309", "0x1F", "NaN", "1.5", "yes", "no", "true", "null", "~", "-", "*", "**", "include", "@include",
            "$IncludeConfig", "Match", "Defaults", "-a", "-w", "{", "}", "[", "]", "[z-a]", "[!", "/", "/../../..",
            "/etc/*", "${x}", "%s%n", "\"unterminated", "'x", "\\", "#", "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>",
            "<x>", "</", "&e;", "<![CDATA[", "]]>", "?", "&&", "||", "!", "=", "==", ":", "::", "\u0130", "\u00df"};

    private FuzzInputs() {
    }

    /** Sample files to mutate: those under a folder of the project whose names end with one of the suffixes. */
    public static List<String> samples(String folder, String... suffixes) {
        Path root = ProjectFiles.root().resolve(folder);
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            List<String> texts = new ArrayList<>();
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = file.getFileName().toString();
                if (Stream.of(suffixes).anyMatch(name::endsWith)) {
                    texts.add(Files.readString(file, StandardCharsets.UTF_8));
                }
            }
            return texts;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rules' test scenarios for one source ({@code *.pass.sshd_config}, ...). */
    public static List<String> scenarios(String source) {
        return samples("rules", ".pass." + source, ".fail." + source, ".notapplicable." + source);
    }

    /** Mutations of the samples most of the time, fully random text and bytes the rest. */
    public static Arbitrary<String> text(List<String> samples) {
        if (samples.isEmpty()) {
            return random();
        }
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(7, mutated(samples)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(samples)),
                net.jqwik.api.Tuple.of(2, random()));
    }

    /** Random strings over all of Unicode, over the special characters, and random bytes decoded leniently. */
    public static Arbitrary<String> random() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(300),
                Arbitraries.of(SPECIAL).list().ofMaxSize(60).map(parts -> String.join("", parts)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(400).map(FuzzInputs::lenient));
    }

    public static Arbitrary<String> mutated(List<String> samples) {
        return Combinators.combine(Arbitraries.of(samples), Arbitraries.longs())
                .as((sample, seed) -> mutate(sample, new Random(seed)));
    }

    /** File content: the text as UTF-8 (an unpaired surrogate becomes '?'), now and then raw random bytes. */
    public static Arbitrary<byte[]> bytes(List<String> samples) {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(9, text(samples).map(t -> t.getBytes(StandardCharsets.UTF_8))),
                net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(400)));
    }

    /**
     * Runs one parse under a time limit, so a parser that loops forever fails its property instead of hanging
     * the build; whatever the parse throws (its declared error, or a defect) comes out unchanged.
     */
    public static <T> T bounded(org.junit.jupiter.api.function.ThrowingSupplier<T> parse) {
        return org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), parse);
    }

    /** As {@link #bounded(org.junit.jupiter.api.function.ThrowingSupplier)}, naming the input as text when anything but an assertion escapes. */
    public static <T> T bounded(byte[] input, org.junit.jupiter.api.function.ThrowingSupplier<T> parse) {
        return bounded(lenient(input), parse);
    }

    public static <T> T bounded(String input, org.junit.jupiter.api.function.ThrowingSupplier<T> parse) {
        try {
            return bounded(parse);
        } catch (AssertionError e) {
            if (String.valueOf(e.getMessage()).startsWith("execution timed out")) {
                throw new AssertionError(e.getMessage() + " on input (Java literal):\n" + literal(input), e);
            }
            throw e;
        } catch (Throwable e) {
            throw new AssertionError("undeclared " + e + " on input (Java literal):\n" + literal(input), e);
        }
    }

    /** The input as a Java string literal, ready to paste into a regression test. */
    public static String literal(String text) {
        StringBuilder out = new StringBuilder("\"");
        text.chars().limit(4000).forEach(c -> {
            switch (c) {
                case '\n' -> out.append("\\n\"\n    + \"");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> out.append(c >= 0x20 && c < 0x7f ? Character.toString(c) : String.format("\\u%04x", c));
            }
        });
        return out.append(text.length() > 4000 ? "...(cut)" : "").append('"').toString();
    }

    /**
     * Lines as an editor numbers them, to check the line numbers errors give: LF, CRLF and a lone CR end a line
     * (XML and YAML count a lone CR as a line end; editors differ).
     */
    public static int lineCount(byte[] content) {
        int lines = 1;
        for (int i = 0; i < content.length; i++) {
            if (content[i] == '\n' || content[i] == '\r' && (i + 1 == content.length || content[i + 1] != '\n')) {
                lines++;
            }
        }
        return lines;
    }

    /** What an assertion about a parse of this content says: the complaint, and the content to paste into a test. */
    public static String describe(String complaint, byte[] content) {
        return complaint + "\non input (Java literal):\n" + literal(lenient(content));
    }

    /** Bytes as a reader that replaces what is not UTF-8 would see them. */
    public static String lenient(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("REPLACE never fails", e);
        }
    }

    /** One to six edits of a sample: line-level, character-level, huge tokens and truncation. */
    public static String mutate(String sample, Random random) {
        List<String> lines = new ArrayList<>(List.of(sample.split("\n", -1)));
        int edits = 1 + random.nextInt(6);
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(lines.size());
            String line = lines.get(at);
            switch (random.nextInt(12)) {
                case 0 -> lines.add(at, randomLine(random));
                case 1 -> {
                    if (lines.size() > 1) {
                        lines.remove(at);
                    }
                }
                case 2 -> lines.add(at, line);
                case 3 -> lines.set(at, lines.set(random.nextInt(lines.size()), line));
                case 4 -> lines.set(at, insert(line, pick(SPECIAL, random), random));
                case 5 -> lines.set(at, insert(line, pick(TOKENS, random), random));
                case 6 -> lines.set(at, replaceWord(line, pick(TOKENS, random), random));
                case 7 -> lines.set(at, insert(line, Character.toString(randomCodePoint(random)), random));
                case 8 -> lines.set(at, insert(line, huge(random), random));
                case 9 -> lines.set(at, line.substring(0, random.nextInt(line.length() + 1)));
                case 10 -> lines.set(at, line + (random.nextBoolean() ? "\\" : " \\"));
                default -> lines.add(at, lines.get(random.nextInt(lines.size())).replace(" ", pick(SPECIAL, random)));
            }
        }
        String text = String.join("\n", lines);
        return random.nextInt(8) == 0 ? text.substring(0, random.nextInt(text.length() + 1)) : text;
    }

    private static String randomLine(Random random) {
        StringBuilder line = new StringBuilder();
        int words = random.nextInt(6);
        for (int w = 0; w < words; w++) {
            line.append(w > 0 ? " " : "").append(random.nextBoolean() ? pick(TOKENS, random) : pick(SPECIAL, random));
        }
        return line.toString();
    }

    /** Mostly a few kilobytes; sometimes past the 64 KiB line limit of the configuration reader. */
    private static String huge(Random random) {
        String unit = random.nextBoolean() ? "a" : pick(TOKENS, random) + pick(SPECIAL, random);
        int length = random.nextInt(10) == 0 ? 70_000 : 1 + random.nextInt(5_000);
        return unit.isEmpty() ? "x".repeat(length) : unit.repeat(Math.max(1, length / unit.length()));
    }

    private static int randomCodePoint(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> random.nextInt(0x20);
            case 1 -> 0x80 + random.nextInt(0x780);
            case 2 -> 0x1F000 + random.nextInt(0x1000);
            default -> random.nextInt(Character.MAX_CODE_POINT + 1);
        };
    }

    private static String insert(String line, String what, Random random) {
        int at = random.nextInt(line.length() + 1);
        return line.substring(0, at) + what + line.substring(at);
    }

    private static String replaceWord(String line, String with, Random random) {
        String[] words = line.split(" ", -1);
        words[random.nextInt(words.length)] = with;
        return String.join(" ", words);
    }

    private static String pick(String[] choices, Random random) {
        return choices[random.nextInt(choices.length)];
    }
}
