package io.annexa.docs;

import static io.annexa.docs.Markdown.cell;
import static io.annexa.docs.Markdown.code;

import io.annexa.evaluation.RuleIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** {@code rules/INDEX.md}: one line per rule, for {@code grep}, rendered from {@link RuleIndex}. */
final class RuleIndexPage {

    static final String FILE = "rules/INDEX.md";

    private RuleIndexPage() {
    }

    static String render(List<RuleIndex.Entry> index) {
        StringBuilder page = new StringBuilder();
        page.append(GeneratedText.beginMarker("INDEX.md")).append("\n\n");
        page.append("# Rule index\n\n");
        page.append("Every rule of the library, one line each, ordered by folder: what `rule.yml` says (id, title, "
                + "controls,\nseverity, sources) and what its DRL reads, worked out from the compiled rules as the "
                + "engine does\n(`LogEvent:<kind>`, `<source>:<key>`; `*` stands for any). Look for a rule before "
                + "writing one:\n\n"
                + "```sh\n"
                + "grep -i 'PermitRootLogin' rules/INDEX.md      # by configuration key\n"
                + "grep 'LogEvent:auth_failure' rules/INDEX.md   # by event kind\n"
                + "grep -F ' 8.5 ' rules/INDEX.md                # by control, main or further\n"
                + "```\n\n");
        page.append("Generated from the code by `RuleGuideTest`; do not edit. To update: `").append(GeneratedText.COMMAND)
                .append("`.\n\n");
        page.append("| rule | title | controls | severity | sources | reads | folder |\n");
        page.append("|---|---|---|---|---|---|---|\n");
        for (RuleIndex.Entry entry : index) {
            page.append("| ").append(code(entry.rule().id()))
                    .append(" | ").append(cell(entry.rule().title()))
                    .append(" | ").append(String.join(" ", entry.rule().controls()))
                    .append(" | ").append(entry.rule().severity().label())
                    .append(" | ").append(cell(String.join(", ", entry.rule().sources())))
                    .append(" | ").append(cell(reads(entry)))
                    .append(" | [").append(entry.folder()).append("](").append(entry.folder()).append(")")
                    .append(" |\n");
        }
        return page.toString();
    }

    private static String reads(RuleIndex.Entry entry) {
        List<String> reads = new ArrayList<>();
        entry.eventKinds().stream().sorted().map(kind -> code("LogEvent:" + kind)).forEach(reads::add);
        entry.configKeys().stream().sorted().map(Markdown::code).forEach(reads::add);
        if (entry.baselined()) {
            reads.add("the keys `config/baseline.yml` declares");
        }
        return reads.isEmpty() ? "—" : reads.stream().collect(Collectors.joining(" "));
    }
}
