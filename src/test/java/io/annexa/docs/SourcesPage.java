package io.annexa.docs;

import static io.annexa.docs.Markdown.cell;
import static io.annexa.docs.Markdown.code;

import io.annexa.ProjectFiles;
import io.annexa.evaluation.RuleIndex;
import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.InvalidInputException;
import io.annexa.ingestion.ConfigParser;
import io.annexa.ingestion.ConfigParsers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code rules/SOURCES.md}: for each configuration source, the keys its {@code ConfigEntry} facts carry, as the
 * production parsers read them from the stock Debian 12 files of the corpus and from the rules' scenarios, and the
 * keys rules read (from {@link RuleIndex}).
 */
final class SourcesPage {

    static final String FILE = "rules/SOURCES.md";
    private static final Path CORPUS = Path.of("src/test/resources/corpus/debian-bookworm");
    private static final Instant OBSERVED = Instant.parse("2026-06-01T00:00:00Z");
    /** Case-insensitive first, so that {@code Ciphers} and {@code ClientAliveInterval} sit together; but both spellings kept. */
    private static final Comparator<String> BY_NAME =
            String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder());

    private SourcesPage() {
    }

    static String render(List<RuleIndex.Entry> index) throws IOException, InvalidInputException {
        StringBuilder page = new StringBuilder();
        page.append(GeneratedText.beginMarker("SOURCES.md")).append("\n\n");
        page.append("# Configuration sources and their keys\n\n");
        page.append("Each configuration file Annexa reads becomes one `ConfigFile` fact and one `ConfigEntry` per "
                + "effective setting,\n`ConfigEntry( source == \"<source>\", key == \"<key>\" )`, with its `value`, "
                + "`scope`, `file` and `line`.\nThe keys below are those the production parsers produce from the stock "
                + "Debian 12 files in\n`" + CORPUS + "/` and from the rules' scenarios (`tests/*.<source>`): a host's "
                + "file may set\nothers. How a source spells its keys (case, `module:auth`, `retention_days`) is in its "
                + "parser's class comment,\nlinked from the source name. \"Read by rules\" are the keys some rule "
                + "names; [INDEX.md](INDEX.md) says which.\n\n");
        page.append("Generated from the code by `RuleGuideTest`; do not edit. To update: `").append(GeneratedText.COMMAND)
                .append("`.\n\n");
        page.append("| source | keys in the Debian 12 files and the scenarios | read by rules |\n");
        page.append("|---|---|---|\n");
        for (ConfigParsers.Kind kind : ConfigParsers.kinds()) {
            String source = kind.source();
            ConfigParser parser = kind.parser().apply(null);
            Set<String> keys = new TreeSet<>(BY_NAME);
            for (Path file : examples(source)) {
                for (ConfigEntry entry : parser.parse(file, "example", OBSERVED).entries()) {
                    keys.add(entry.getKey());
                }
            }
            String parserFile = "../src/main/java/" + parser.getClass().getName().replace('.', '/') + ".java";
            page.append("| [").append(code(source)).append("](").append(parserFile).append(") | ")
                    .append(cell(keys.stream().map(Markdown::code).collect(Collectors.joining(", "))))
                    .append(" | ").append(cell(readByRules(source, index))).append(" |\n");
        }
        return page.toString();
    }

    /** The corpus file named after the source ({@code sshd_config}, {@code pam.d-sshd}) and its scenarios. */
    private static List<Path> examples(String source) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> corpus = Files.list(ProjectFiles.root().resolve(CORPUS))) {
            corpus.filter(f -> f.getFileName().toString().equals(source)
                    || f.getFileName().toString().startsWith(source + "-")).sorted().forEach(files::add);
        }
        try (Stream<Path> rules = Files.walk(ProjectFiles.rules())) {
            rules.filter(f -> f.getParent().getFileName().toString().equals("tests")
                    && f.getFileName().toString().endsWith("." + source)).sorted().forEach(files::add);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return files;
    }

    private static String readByRules(String source, List<RuleIndex.Entry> index) {
        Set<String> keys = new TreeSet<>(BY_NAME);
        String prefix = source + ":";
        String anySource = RuleIndex.ANY + ":";
        for (RuleIndex.Entry entry : index) {
            for (String read : entry.configKeys()) {
                if (read.startsWith(prefix)) {
                    keys.add(read.substring(prefix.length()));
                } else if (read.startsWith(anySource)) {
                    keys.add(read.substring(anySource.length()));
                }
            }
        }
        boolean every = keys.remove(RuleIndex.ANY);
        String named = keys.stream().map(Markdown::code).collect(Collectors.joining(", "));
        if (every) {
            return "every key" + (named.isEmpty() ? "" : "; by name: " + named);
        }
        return named.isEmpty() ? "none" : named;
    }
}
