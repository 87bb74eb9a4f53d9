package io.annexa.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.LogEvent;
import io.annexa.evidence.ScenarioFacts;
import io.annexa.evidence.ScenarioInput;
import io.annexa.evidence.SharedStrings;
import io.annexa.ingestion.host.HostSnapshotReader;
import io.annexa.ingestion.http.InventorySamples;
import io.annexa.ingestion.log.LogScenario;
import io.annexa.ingestion.scenario.ScenarioInputs;
import io.annexa.ingestion.xccdf.XccdfReport;
import io.annexa.ingestion.xccdf.XccdfResultParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Facts made as the product makes them (every rule scenario read by its source's reader, the bundled sample hosts, the
 * log and OpenSCAP corpora, the shipped inventory mapping) come back from a record equal, field for field.
 */
class EvidenceCodecRoundTripTest {

    private static final EvidenceCodec CODEC = new EvidenceCodec(8 * 1024 * 1024);
    private static final Instant OBSERVED = Instant.parse("2026-06-01T00:00:00Z");
    private static final Pattern SCENARIO = Pattern.compile("([a-z0-9_]+)\\.(pass|fail|notapplicable)\\.([A-Za-z0-9_.-]+)");
    private static final Path CORPUS = ProjectFiles.root().resolve("src/test/resources/corpus");

    /** The types every test here round-tripped, to show at the end that none was left out. */
    private static final Set<Class<?>> SEEN = new HashSet<>();

    @Test
    void everyRuleScenarioComesBackAsItsReaderMadeIt() throws Exception {
        ScenarioInputs inputs = new ScenarioInputs(ControlCatalog.load());
        List<Path> scenarios;
        try (Stream<Path> files = Files.walk(ProjectFiles.rules())) {
            scenarios = files.filter(f -> f.getParent().getFileName().toString().equals("tests"))
                    .filter(f -> SCENARIO.matcher(f.getFileName().toString()).matches())
                    // beside a scenario, what it must produce: not an input
                    .filter(f -> !f.getFileName().toString().endsWith(".expect")).sorted().toList();
        }
        assertThat(scenarios).hasSizeGreaterThan(100);
        int read = 0;
        for (Path file : scenarios) {
            Matcher name = SCENARIO.matcher(file.getFileName().toString());
            name.matches();
            ScenarioInput input = inputs.forSource(name.group(3)).orElseThrow();
            String asset = "scenario-" + name.group(1).replace('_', '-');
            ScenarioFacts facts;
            try {
                facts = input.read(file, asset, OBSERVED);
            } catch (io.annexa.evidence.InvalidInputException e) {
                continue; // a scenario about unreadable input: nothing is handed over
            }
            read++;
            if (name.group(3).equals(ScenarioInputs.HOST)) {
                roundTripSnapshot(asset, "scenario", facts.evidence());
            }
            facts.evidence().values().forEach(EvidenceCodecRoundTripTest::roundTripFacts);
            if (!facts.events().isEmpty()) {
                roundTripEvents(facts.events());
            }
        }
        assertThat(read).isGreaterThan(100);
    }

    @Test
    void theBundledSampleHostsComeBackAsOneSnapshotEach() throws Exception {
        HostSnapshotReader reader = new HostSnapshotReader();
        for (Path host : List.of(ProjectFiles.integrations().resolve("samples/hosts/web-01"),
                ProjectFiles.integrations().resolve("samples/hosts/bastion-01"), CORPUS.resolve("debian12-host"))) {
            String asset = host.getFileName().toString().replace('.', '-');
            Map<EvidenceKey, List<Object>> evidence = reader.read(host, asset, "hosts-folder", OBSERVED);
            assertThat(evidence).as(host.toString()).isNotEmpty();
            roundTripSnapshot(asset, "hosts-folder", evidence);
            evidence.values().forEach(EvidenceCodecRoundTripTest::roundTripFacts);
        }
    }

    @Test
    void theLogCorporaComeBackInBatchesOfAThousandEvents() throws Exception {
        for (String log : List.of("loghub/OpenSSH_2k.log", "loghub/Linux_2k.log")) {
            List<LogEvent> events = LogScenario.read(CORPUS.resolve(log), "labsz", OBSERVED).events();
            assertThat(events).as(log).hasSizeGreaterThan(1000);
            for (int from = 0; from < events.size(); from += 1000) {
                roundTripEvents(events.subList(from, Math.min(events.size(), from + 1000)));
            }
        }
    }

    @Test
    void decodedEventsShareTheirAttributeNamesKindAndProgramAsTheClassifiersDo() throws Exception {
        List<LogEvent> events = LogScenario.read(CORPUS.resolve("loghub/OpenSSH_2k.log"), "labsz", OBSERVED).events();
        Decoded.Events decoded = (Decoded.Events) CODEC.decode(CODEC.events(events.subList(0, 200)));

        for (Object decodedEvent : decoded.events()) {
            LogEvent event = (LogEvent) decodedEvent;
            assertThat(SharedStrings.share(new String(event.getKind()))).isSameAs(event.getKind());
            assertThat(SharedStrings.share(new String(event.getProgram()))).isSameAs(event.getProgram());
            for (String key : event.getAttributes().keySet()) {
                assertThat(SharedStrings.share(new String(key))).isSameAs(key);
            }
        }
    }

    @Test
    void theOpenScapCorpusComesBackPerHost() throws Exception {
        XccdfReport report = new XccdfResultParser(ControlCatalog.load(), XccdfResultParser.DEFAULT_MAX_BYTES)
                .parse(CORPUS.resolve("openscap/debian12-standard-xccdf-results.xml"));
        assertThat(report.assets()).isNotEmpty();
        for (String asset : report.assets()) {
            roundTripFacts(new ArrayList<>(report.checksOf(asset)));
        }
    }

    @Test
    void inventoryItemsOfTheShippedMappingComeBack() throws Exception {
        List<Object> items = new ArrayList<>(InventorySamples.fromShippedMapping("""
                {"instances": [
                   {"id": "i-0abc", "type": "instance", "hostname": "web-01.example.org",
                    "network": {"publicIp": "203.0.113.7"}, "disk": {"encrypted": true}, "tags": ["web", "prod"]},
                   {"id": "i-0def", "type": "instance", "hostname": "DB-01.example.org.", "disk": {"encrypted": false}}]}
                """, OBSERVED));
        assertThat(items).hasSize(2);
        roundTripFacts(items);
    }

    @Test
    void anEmptyReadComesBackEmpty() throws Exception {
        assertThat(CODEC.decode(CODEC.facts(List.of()))).isEqualTo(new Decoded.Facts(List.of()));
        assertThat(CODEC.decode(CODEC.events(List.of()))).isEqualTo(new Decoded.Events(List.of()));
        assertThat(CODEC.decode(CODEC.snapshot("web-01", "hosts", Map.of())))
                .isEqualTo(new Decoded.Snapshot("web-01", "hosts", Map.of()));
    }

    @AfterAll
    static void everyCodableTypeWasRoundTripped() {
        assertThat(SEEN).containsExactlyInAnyOrderElementsOf(FactTypes.ALL.stream().<Class<?>>map(FactType::type).toList());
    }

    private static void roundTripFacts(List<Object> facts) {
        try {
            Decoded decoded = CODEC.decode(CODEC.facts(facts));
            assertThat(decoded).isInstanceOf(Decoded.Facts.class);
            List<Object> back = ((Decoded.Facts) decoded).facts();
            assertThat(back).isEqualTo(facts);
            assertThat(back).usingRecursiveComparison().isEqualTo(facts);
            facts.forEach(f -> SEEN.add(f.getClass()));
        } catch (EvidenceCodecException e) {
            throw new AssertionError(e.getMessage() + " in " + facts, e);
        }
    }

    private static void roundTripEvents(List<LogEvent> events) {
        try {
            Decoded decoded = CODEC.decode(CODEC.events(events));
            assertThat(decoded).isInstanceOf(Decoded.Events.class);
            List<Object> back = ((Decoded.Events) decoded).events();
            assertThat(back).isEqualTo(events);
            assertThat(back).usingRecursiveComparison().isEqualTo(events);
            SEEN.add(LogEvent.class);
        } catch (EvidenceCodecException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private static void roundTripSnapshot(String asset, String origin, Map<EvidenceKey, List<Object>> evidence) {
        try {
            Decoded decoded = CODEC.decode(CODEC.snapshot(asset, origin, evidence));
            assertThat(decoded).isInstanceOf(Decoded.Snapshot.class);
            Decoded.Snapshot snapshot = (Decoded.Snapshot) decoded;
            assertThat(snapshot.asset()).isEqualTo(asset);
            assertThat(snapshot.origin()).isEqualTo(origin);
            assertThat(snapshot.evidence()).isEqualTo(evidence);
            assertThat(new ArrayList<>(snapshot.evidence().keySet())).isEqualTo(new ArrayList<>(evidence.keySet()));
            assertThat(new LinkedHashMap<>(snapshot.evidence())).usingRecursiveComparison().isEqualTo(new LinkedHashMap<>(evidence));
        } catch (EvidenceCodecException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
