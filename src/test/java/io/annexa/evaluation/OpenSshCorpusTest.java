package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.evidence.LogEvent;
import io.annexa.ingestion.log.LogScenario;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The whole rule library over the real LogHub OpenSSH_2k sample (src/test/resources/corpus/loghub). The
 * expected addresses were worked out independently of Annexa: every "Failed ... from ADDR" line of sshd
 * (with "message repeated N times" counted N times), grouped by address, checked for five failures within
 * any ten minutes. 24 addresses failed at least once; these 11 crossed the threshold.
 *
 * <p>The same corpus arriving out of order, as from several syslog senders whose delays differ by minutes, must
 * raise the same incidents: the windows count by event time, not by arrival.
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

        List<Finding> incidents = replay(library, events);

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

    @Test
    void senderDelaysOfUpToFiveMinutesChangeNoIncident() throws Exception {
        RuleLibrary library = RuleLibrary.load(ProjectFiles.rules(), ControlCatalog.load());
        Path corpus = ProjectFiles.root().resolve("src/test/resources/corpus/loghub/OpenSSH_2k.log");
        List<LogEvent> events = LogScenario.read(corpus, "labsz", Instant.parse("2026-06-01T00:00:00Z")).events();
        List<LogEvent> delayed = arrivalWithDelays(events, 5 * 60_000, new Random(27001));
        assertThat(delayed).as("the shuffle moved events").isNotEqualTo(events);

        List<Finding> inOrder = replay(library, events);
        List<Finding> outOfOrder = replay(library, delayed);

        assertThat(inOrder).hasSize(17);
        assertThat(overstated(events, outOfOrder)).isEmpty();
        assertThat(outOfOrder.stream().map(OpenSshCorpusTest::burst).sorted().toList())
                .isEqualTo(inOrder.stream().map(OpenSshCorpusTest::burst).sorted().toList());
    }

    /**
     * What makes an incident the same burst: rule, host and source. The evidence's count and times are those at
     * the moment the threshold was crossed, so they depend on which events of the burst had arrived by then.
     */
    private static String burst(Finding incident) {
        return incident.getRuleId() + " " + incident.getAsset() + " " + incident.getEvidence().substring(0, incident.getEvidence().indexOf(':'));
    }

    private static final Pattern BRUTE_FORCE = Pattern.compile("source (\\S+): (\\d+) failed SSH authentications from (\\S+) to (\\S+) .*");

    /**
     * Brute-force incidents whose evidence claims more failures, or an earlier first one, than the corpus has
     * from that source within the ten minutes up to the last failure named.
     */
    static List<String> overstated(List<LogEvent> events, List<Finding> incidents) {
        List<String> wrong = new java.util.ArrayList<>();
        for (Finding incident : incidents) {
            Matcher m = BRUTE_FORCE.matcher(incident.getEvidence());
            if (!incident.getRuleId().equals("ssh_brute_force_detected") || !m.matches()) {
                continue;
            }
            long from = Instant.parse(m.group(3)).toEpochMilli();
            long to = Instant.parse(m.group(4)).toEpochMilli();
            long inWindow = events.stream()
                    .filter(e -> e.getKind().equals("auth_failure") && e.attribute("reported_by").equals("sshd"))
                    .filter(e -> e.getRemote().equals(m.group(1)) && e.getEpochMillis() > to - 10 * 60_000 && e.getEpochMillis() <= to)
                    .mapToLong(LogEvent::getRepeat).sum();
            if (Long.parseLong(m.group(2)) > inWindow || from <= to - 10 * 60_000) {
                wrong.add(incident.getEvidence() + " (the corpus has " + inWindow + ")");
            }
        }
        return wrong;
    }

    /** The order events arrive in when each sender's delay varies by up to {@code spread} either way. */
    private static List<LogEvent> arrivalWithDelays(List<LogEvent> events, long spread, Random random) {
        record Arrival(LogEvent event, long at) {
        }
        return events.stream()
                .map(e -> new Arrival(e, e.getEpochMillis() + random.nextLong(-spread, spread + 1)))
                .sorted(Comparator.comparingLong(Arrival::at))
                .map(Arrival::event)
                .toList();
    }

    /** Each event inserted when it arrives, on the pseudo clock, as a replayed log file is. */
    private static List<Finding> replay(RuleLibrary library, List<LogEvent> arrival) {
        try (EvaluationSession session = library.newSession(EvaluationSession.Clock.PSEUDO)) {
            for (LogEvent event : arrival) {
                session.insertEvent(event, event.getTimestamp());
            }
            return session.fire().incidents();
        }
    }
}
