package io.annexa.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.evaluation.RuleIndex;
import io.annexa.evaluation.RuleLibrary;
import io.annexa.evidence.EventKind;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The parts of the rule author's guide that are generated from the code: the event vocabulary in
 * {@code rules/README.md}, {@code rules/SOURCES.md} and {@code rules/INDEX.md}. Each fails when it no longer says
 * what the code says, naming the command that rewrites it ({@code -Dannexa.regenerate=true}).
 */
class RuleGuideTest {

    private static List<RuleIndex.Entry> index;

    @BeforeAll
    static void indexTheLibrary() throws Exception {
        index = RuleIndex.of(RuleLibrary.load(ProjectFiles.rules(), ControlCatalog.load()));
    }

    @Test
    void theGuidesEventVocabularyIsTheDeclaredOne() throws Exception {
        String table = EventVocabularyTable.render();
        for (EventKind kind : EventKind.values()) {
            assertThat(table).contains("| `" + kind.id() + "`<br>").contains(kind.example().line());
        }

        GeneratedText.assertSection("rules/README.md", EventVocabularyTable.SECTION, table);
    }

    @Test
    void sourcesPageListsTheKeysTheParsersProduce() throws Exception {
        String page = SourcesPage.render(index);
        assertThat(page).contains("| [`sshd_config`](../src/main/java/io/annexa/ingestion/sshd/SshdConfigParser.java) |")
                .contains("`PermitRootLogin`").contains("`module:auth`").contains("`retention_days`");

        GeneratedText.assertFile(SourcesPage.FILE, page);
    }

    @Test
    void indexHasOneLinePerRule() throws Exception {
        String page = RuleIndexPage.render(index);
        assertThat(index).hasSizeGreaterThan(40).extracting(RuleIndex.Entry::folder).isSorted();
        for (RuleIndex.Entry entry : index) {
            assertThat(page.lines().filter(line -> line.startsWith("| `" + entry.rule().id() + "` |"))).hasSize(1);
        }

        GeneratedText.assertFile(RuleIndexPage.FILE, page);
    }
}
