package io.annexa.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.LogEvent;
import io.annexa.evidence.ScenarioFacts;
import io.annexa.ingestion.log.LogScenario;
import io.annexa.ingestion.scenario.ScenarioInputs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How large the records of real reads are, against what they are read from: the figures the README gives for sizing
 * the topics ({@code max.message.bytes}) and the codec's limit. Printed, and bounded so that a change that bloats the
 * format fails here.
 */
class EvidenceCodecSizeTest {

    private static final EvidenceCodec CODEC = new EvidenceCodec(4 * 1024 * 1024);
    private static final Instant OBSERVED = Instant.parse("2026-06-01T00:00:00Z");
    private static final Path CORPUS = ProjectFiles.root().resolve("src/test/resources/corpus");

    @Test
    void aTypicalSshdConfigReplaceIsAFewKilobytes() throws Exception {
        ScenarioInputs inputs = new ScenarioInputs(ControlCatalog.load());
        for (Path file : List.of(CORPUS.resolve("debian-bookworm/sshd_config"),
                ProjectFiles.integrations().resolve("samples/hosts/web-01/etc/ssh/sshd_config"))) {
            ScenarioFacts read = inputs.forSource("sshd_config").orElseThrow().read(file, "web-01", OBSERVED);
            List<Object> facts = read.evidence().values().iterator().next();
            byte[] value = CODEC.facts(facts);
            String key = EvidenceCodec.recordKey(read.evidence().keySet().iterator().next());

            System.out.printf("sshd_config replace, %s: %d facts, %d bytes of file, record value %d bytes, key '%s'%n",
                    ProjectFiles.root().relativize(file), facts.size(), Files.size(file), value.length, key);
            assertThat(value.length).isLessThan(300 * facts.size());
        }
    }

    @Test
    void aBatchOfAThousandEventsIsAboutThreeTimesItsLines() throws Exception {
        for (String log : List.of("loghub/OpenSSH_2k.log", "loghub/Linux_2k.log")) {
            List<LogEvent> events = LogScenario.read(CORPUS.resolve(log), "labsz", OBSERVED).events().subList(0, 1000);
            long rawBytes = events.stream().mapToLong(e -> e.getRaw().length() + 1).sum();
            byte[] value = CODEC.events(events);

            // a rough rate on this machine (2 shared cores), after a warm-up: not a benchmark
            for (int i = 0; i < 50; i++) {
                CODEC.decode(CODEC.events(events));
            }
            int rounds = 20;
            long start = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                CODEC.events(events);
            }
            double encodeMicros = (System.nanoTime() - start) / 1000.0 / rounds / events.size();
            start = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                CODEC.decode(value);
            }
            double decodeMicros = (System.nanoTime() - start) / 1000.0 / rounds / events.size();

            System.out.printf("1,000 events of %s: raw lines %d bytes, record value %d bytes (%.1f per event), %d bytes "
                    + "with lz4 (the producer's compression), encode %.2f µs, decode %.2f µs per event%n", log, rawBytes,
                    value.length, value.length / 1000.0, lz4(value), encodeMicros, decodeMicros);
            assertThat((long) value.length).isLessThan(4 * rawBytes);
        }
    }

    private static int lz4(byte[] value) throws java.io.IOException {
        java.io.ByteArrayOutputStream compressed = new java.io.ByteArrayOutputStream();
        try (net.jpountz.lz4.LZ4FrameOutputStream out = new net.jpountz.lz4.LZ4FrameOutputStream(compressed)) {
            out.write(value);
        }
        return compressed.size();
    }

    @Test
    void aSnapshotKeyTellsItsAssetFirst() {
        assertThat(EvidenceCodec.recordKey(new EvidenceKey("pam.d", "web-01", "hosts-folder/sshd"))).isEqualTo("web-01|pam.d|hosts-folder/sshd");
    }
}
