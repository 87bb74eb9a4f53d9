package io.annexa.ingestion.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.annexa.ProjectFiles;
import io.annexa.evidence.EventAttribute;
import io.annexa.evidence.EventKind;
import io.annexa.evidence.InvalidInputException;
import io.annexa.evidence.LogEvent;
import io.annexa.evidence.LogVocabulary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The declared event vocabulary ({@link EventKind}) against what the classifier really produces. The kinds cannot
 * drift (the classifier names them by the enum); the attributes are checked here on the declared examples, on every
 * line of the real corpus and of the rules' log scenarios, and on every line {@link LogClassifierTest} classifies.
 */
class EventVocabularyTest {

    private static final Instant READ_AT = Instant.parse("2026-01-05T00:00:00Z");
    private static final List<String> CORPUS = List.of("loghub/OpenSSH_2k.log", "loghub/Linux_2k.log");

    /** Fails naming the kind or attribute the vocabulary lacks: the one check every classified line goes through. */
    static void assertDeclared(LogEvent event) {
        assertThat(LogVocabulary.isKnown(event.getKind()))
                .as("kind '%s' of %s is not declared in EventKind", event.getKind(), event.getRaw()).isTrue();
        assertThat(LogVocabulary.attributes(event.getKind()))
                .as("attributes of '%s' from %s, declared in EventKind.%s", event.getKind(), event.getRaw(),
                        LogVocabulary.kind(event.getKind()).orElseThrow().name())
                .containsAll(event.getAttributes().keySet());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(EventKind.class)
    void theExampleLineYieldsItsKindWithExactlyTheAttributesItDeclares(EventKind kind) throws InvalidInputException {
        EventKind.Example example = kind.example();

        List<LogEvent> events = classify(example.line());

        assertThat(events).as(example.line()).singleElement().satisfies(event -> {
            assertThat(event.getKind()).isEqualTo(kind.id());
            assertThat(event.getAttributes()).isEqualTo(example.attributes());
            assertDeclared(event);
        });
    }

    /** "Real" is checked, not claimed; and a made-up example is allowed only while the corpus has no such line. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(EventKind.class)
    void aRealExampleIsALineOfItsCorpusFileAndOnlyKindsTheCorpusLacksShowAnotherLine(EventKind kind) throws Exception {
        EventKind.Example example = kind.example();
        if (example.real()) {
            assertThat(CORPUS).contains(example.origin());
            assertThat(corpusLines(example.origin())).as("%s in corpus/%s", example.line(), example.origin())
                    .contains(example.line());
        } else {
            assertThat(example.origin()).as("why the example is no real line").isNotBlank();
            List<String> realOnes = new ArrayList<>();
            for (String file : CORPUS) {
                for (String line : corpusLines(file)) {
                    if (classifyLenient(line).stream().anyMatch(e -> e.getKind().equals(kind.id()))) {
                        realOnes.add(file + ": " + line);
                    }
                }
            }
            assertThat(realOnes).as("the corpus has real %s lines: take one as the example", kind.id()).isEmpty();
        }
    }

    @Test
    void everyKindAndAttributeOfTheCorpusAndOfTheRuleScenariosIsDeclared() throws Exception {
        List<LogEvent> events = new ArrayList<>();
        for (String file : CORPUS) {
            for (String line : corpusLines(file)) {
                events.addAll(classifyLenient(line));
            }
        }
        List<Path> scenarios = logScenarios();
        assertThat(scenarios).isNotEmpty();
        for (Path scenario : scenarios) {
            events.addAll(LogScenario.read(scenario, "scenario", READ_AT).events());
        }
        assertThat(events).hasSizeGreaterThan(3000);

        Set<String> undeclared = new TreeSet<>();
        for (LogEvent event : events) {
            if (!LogVocabulary.isKnown(event.getKind())) {
                undeclared.add(event.getKind() + " (kind) from " + event.getRaw());
                continue;
            }
            event.getAttributes().keySet().stream().filter(name -> !LogVocabulary.carries(event.getKind(), name))
                    .forEach(name -> undeclared.add(event.getKind() + "." + name + " from " + event.getRaw()));
        }
        assertThat(undeclared).as("produced by the classifier but missing in EventKind").isEmpty();
    }

    @Test
    void everyKindIsDeclaredOnceAndNoKindNamesAnAttributeTwice() {
        assertThat(LogVocabulary.kinds()).doesNotHaveDuplicates().hasSize(EventKind.values().length);
        for (EventKind kind : EventKind.values()) {
            assertThat(kind.attributes()).extracting(EventAttribute::name).as(kind.id()).doesNotHaveDuplicates();
            assertThat(kind.attributes()).extracting(EventAttribute::meaning).as(kind.id())
                    .allSatisfy(meaning -> assertThat(meaning).isNotBlank());
            assertThat(kind.meaning()).isNotBlank();
            assertThat(kind.writtenBy()).isNotBlank();
        }
    }

    @Test
    void answersWhatRuleChecksAsk() {
        assertThat(LogVocabulary.isKnown("auth_failure")).isTrue();
        assertThat(LogVocabulary.isKnown("login_failure")).isFalse();
        assertThat(LogVocabulary.attributes("invalid_user")).containsExactly("user", "source_ip", "source_host",
                "port", "preauth", "claimed_time", "claimed_host");
        assertThat(LogVocabulary.carries("possible_break_in", "claimed_host")).isTrue();
        assertThat(LogVocabulary.carries("auth_failure", "user")).isTrue();
        assertThat(LogVocabulary.carries("auth_failure", "username")).isFalse();
        assertThat(LogVocabulary.carries("no_such_kind", "user")).isFalse();
        assertThat(LogVocabulary.kindsCarrying("command")).containsExactly("privilege_use");
        assertThat(LogVocabulary.attributesOfAny(List.of("session_closed", "possible_break_in")))
                .containsExactly("claimed_host", "claimed_time", "hostname", "service", "source_ip", "user");
        assertThat(LogVocabulary.allAttributes()).contains("reported_by", "target_user").doesNotContain("username");
        assertThat(LogVocabulary.kind("disconnect")).contains(EventKind.DISCONNECT);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LogVocabulary.attributes("login_failure"))
                .withMessageContaining("'login_failure' is no LogEvent kind").withMessageContaining("auth_failure");
    }

    private static List<LogEvent> classify(String line) throws InvalidInputException {
        SyslogRecord record = new SyslogLineParser(READ_AT, ZoneOffset.UTC).parse(line, "example", 1);
        return new LogClassifier().classify(record.host(), record).events();
    }

    /** A corpus line the parser refuses yields nothing here; LogClassifierTest counts those. */
    private static List<LogEvent> classifyLenient(String line) {
        try {
            return classify(line);
        } catch (InvalidInputException e) {
            return List.of();
        }
    }

    private static List<String> corpusLines(String file) throws IOException, URISyntaxException {
        return Files.readAllLines(Path.of(EventVocabularyTest.class.getResource("/corpus/" + file).toURI()));
    }

    private static List<Path> logScenarios() {
        try (Stream<Path> files = Files.walk(ProjectFiles.rules())) {
            return files.filter(f -> f.getParent().getFileName().toString().equals("tests")
                    && f.getFileName().toString().endsWith(".log")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
