package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.evidence.LogEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import io.annexa.ingestion.log.LogScenario;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code message repeated 100000 times: [...]} once made 100,000 events (about 160 MB of heap) out of one line
 * anybody able to write to syslog can send. It is now one event counting 100,000, and the temporal rules still see
 * the whole burst.
 */
class RepeatedLinesTest {

    @TempDir
    Path temp;

    @Test
    void oneRepeatedLineIsOneFactAndTheBruteForceRuleCountsAllOfIt() throws Exception {
        Path log = Files.writeString(temp.resolve("auth.log"), "Dec 10 07:00:02 web1 sshd[1]: message repeated 100000 times: "
                + "[ Failed password for root from 1.2.3.4 port 22 ssh2]\n");
        List<LogEvent> events = LogScenario.read(log, "web1", Instant.parse("2026-06-01T00:00:00Z")).events();
        assertThat(events).singleElement().satisfies(e -> assertThat(e.getRepeat()).isEqualTo(100_000));

        RuleLibrary library = RuleLibrary.load(ProjectFiles.rules(), ControlCatalog.load());
        List<Finding> incidents;
        long facts;
        try (EvaluationSession session = library.newSession(EvaluationSession.Clock.PSEUDO)) {
            long before = session.factCount();
            session.insertEvent(events.get(0), events.get(0).getTimestamp());
            incidents = session.fire().incidents();
            facts = session.factCount() - before;
        }

        assertThat(facts).as("one event and a few windows, not 100,000 events").isLessThan(20);
        assertThat(incidents).filteredOn(f -> f.getRuleId().equals("ssh_brute_force_detected")).singleElement()
                .satisfies(f -> assertThat(f.getEvidence()).startsWith("source 1.2.3.4: 100000 failed SSH authentications"));
    }
}
