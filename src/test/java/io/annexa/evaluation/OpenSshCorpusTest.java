package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.evidence.LogEvent;
import io.annexa.ingestion.log.LogScenario;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole rule library over the real LogHub OpenSSH_2k sample (src/test/resources/corpus/loghub). The
 * expected addresses were worked out independently of Annexa: every "Failed ... from ADDR" line of sshd
 * (with "message repeated N times" counted N times), grouped by address, checked for five failures within
 * any ten minutes. 24 addresses failed at least once; these 11 crossed the threshold.
 */
class OpenSshCorpusTest {

    private static final List<String> OFFENDERS = List.of("103.99.0.122", "106.5.5.195", "112.95.230.3",
            "119.4.203.64", "123.235.32.19", "183.62.140.253", "185.190.58.151", "187.141.143.180", "5.188.10.180",
            "5.36.59.76", "60.2.12.12");
    // failed, but never five times within ten minutes; 52.80.34.196 failed five times, spread over three hours
    private static final List<String> BELOW_THRESHOLD = List.of("173.234.31.186", "52.80.34.196", "202.100.179.208",
            "183.136.162.51", "191.210.223.172", "195.154.37.122", "103.207.39.165", "175.102.13.6", "103.207.39.212",
            "103.207.39.16", "104.192.3.34", "181.214.87.4", "88.147.143.242");

    @Test
    void bruteForceNonconformityNamesExactlyTheSourcesAboveTheThreshold() throws Exception {
        RuleLibrary library = RuleLibrary.load(ProjectFiles.rules(), ControlCatalog.load());
        Path corpus = ProjectFiles.root().resolve("src/test/resources/corpus/loghub/OpenSSH_2k.log");
        List<LogEvent> events = LogScenario.read(corpus, "labsz", Instant.parse("2026-06-01T00:00:00Z")).events();

        List<Finding> incidents;
        try (EvaluationSession session = library.newSession(EvaluationSession.Clock.PSEUDO)) {
            for (LogEvent event : events) {
                session.insertEvent(event, event.getTimestamp());
            }
            incidents = session.fire().incidents();
        }

        List<Finding> bruteForce = incidents.stream().filter(f -> f.getRuleId().equals("ssh_brute_force_detected")).toList();
        assertThat(bruteForce).allSatisfy(f -> assertThat(f.getAsset()).isEqualTo("labsz"));
        String evidence = String.join("\n", bruteForce.stream().map(Finding::getEvidence).toList());
        for (String address : OFFENDERS) {
            assertThat(evidence).as("evidence names %s", address).contains("source " + address + ":");
        }
        for (String address : BELOW_THRESHOLD) {
            assertThat(evidence).as("evidence does not name %s", address).doesNotContain("source " + address + ":");
        }
        assertThat(bruteForce.stream().map(f -> f.getEvidence().substring(0, f.getEvidence().indexOf(':'))).distinct())
                .hasSize(OFFENDERS.size());
    }
}
