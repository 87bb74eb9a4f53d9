package io.annexa.register;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.evaluation.EvaluationEngine;
import io.annexa.evaluation.RuleLibrary;
import io.annexa.ingestion.SavedNames;
import io.annexa.ingestion.SilenceWatch;
import io.annexa.ingestion.SourceMonitor;
import io.annexa.ingestion.ssh.Collector;
import io.annexa.ingestion.ssh.HostInventory;
import io.annexa.ingestion.ssh.SnapshotLimits;
import io.annexa.ingestion.ssh.SshCollection;
import io.annexa.ingestion.ssh.TestKeys;
import io.annexa.testing.ManualClock;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The remediation of the two monitoring-gap rules, for a source retired on purpose, ends the nonconformity: a route
 * whose expected interval is unset, a host taken out of config/hosts.yml, each while Annexa was down. The real engine
 * with the two rules, the silence watch and the collection over SSH with their state under the data directory, and
 * the register on H2 and on PostgreSQL: withdrawn (evidence removed), never left open and never resolved.
 */
class MonitoringGapWithdrawalTest {

    @Nested
    class OnH2 extends Contract {
        @Override
        TestDatabase createDatabase(Path directory) {
            return TestDatabase.h2(directory);
        }
    }

    @Nested
    class OnPostgreSql extends Contract {
        @Override
        TestDatabase createDatabase(Path directory) throws Exception {
            return TestDatabase.postgres();
        }
    }

    abstract static class Contract extends RegisterFixture {

        private static final Duration DEADLINE = Duration.ofSeconds(30);
        private static final String SILENT_RULE = "technological/c8_16_monitoring_activities/source_reporting_on_schedule";
        private static final String COLLECTION_RULE = "technological/c8_16_monitoring_activities/host_evidence_collected_on_schedule";

        private final List<AutoCloseable> closing = new ArrayList<>();

        @AfterEach
        void stop() throws Exception {
            for (int i = closing.size() - 1; i >= 0; i--) {
                closing.get(i).close();
            }
        }

        /** Annexa stopped (that part of it). */
        private void stop(AutoCloseable part) throws Exception {
            closing.remove(part);
            part.close();
        }

        /** Annexa's engine on the two rules, handing every result to the register in use. */
        private EvaluationEngine engine() throws Exception {
            Path rules = temp.resolve("rules");
            if (!rules.toFile().exists()) {
                ProjectFiles.rulesSubset(rules, SILENT_RULE, COLLECTION_RULE);
            }
            RuleLibrary library = RuleLibrary.load(rules, ControlCatalog.load());
            EvaluationEngine[] engine = new EvaluationEngine[1];
            engine[0] = new EvaluationEngine(library, result -> register.reconcile(result, id -> engine[0].library().enabledRule(id)),
                    Thread::new);
            closing.add(engine[0]);
            return engine[0];
        }

        private Nonconformity only(String ruleId) {
            return all().stream().filter(nc -> nc.getRuleId().equals(ruleId)).reduce((a, b) -> {
                throw new AssertionError("more than one nonconformity of " + ruleId);
            }).orElseThrow();
        }

        private boolean opened(String ruleId) {
            return all().stream().anyMatch(nc -> nc.getRuleId().equals(ruleId));
        }

        @Test
        void aSilentRouteWhoseIntervalWasUnsetWhileAnnexaWasDownHasItsGapWithdrawn() throws Exception {
            Path saved = temp.resolve("data/state/silent-routes.txt");
            Instant started = Instant.parse("2026-03-02T08:00:00Z");
            EvaluationEngine before = engine();
            ManualClock watchClock = new ManualClock(started);
            SilenceWatch watch = new SilenceWatch(new SourceMonitor(), before, watchClock, SavedNames.in(saved, "routes reported silent"));
            watchClock.set(started.plus(Duration.ofMinutes(11)));
            watch.check(Map.of("accounts-query", new SilenceWatch.Expectation("accounts", Duration.ofMinutes(10))));
            await().atMost(DEADLINE).until(() -> opened("source_reporting_on_schedule"));
            long id = only("source_reporting_on_schedule").getId();
            assertThat(find(id).getAsset()).isEqualTo("accounts-query");

            // stopped; annexa.sources.accounts-query.expected-interval-ms removed; started again
            stop(before);
            restart();
            EvaluationEngine after = engine();
            new SilenceWatch(new SourceMonitor(), after, new ManualClock(started.plus(Duration.ofHours(2))),
                    SavedNames.in(saved, "routes reported silent")).check(Map.of());

            await().atMost(DEADLINE).until(() -> find(id).getStatus() == NonconformityStatus.WITHDRAWN);
            Nonconformity withdrawn = find(id);
            assertThat(withdrawn.getWithdrawnReason()).isEqualTo("evidence-removed");
            assertThat(withdrawn.getResolvedAt()).isNull();
            assertThat(history(id)).containsExactly("system open null->open", "system withdraw open->withdrawn");
        }

        @Test
        void aFailingHostTakenOutOfTheInventoryWhileAnnexaWasDownHasItsGapWithdrawn() throws Exception {
            int closed;
            try (ServerSocket socket = new ServerSocket(0)) {
                closed = socket.getLocalPort();
            }
            Path key = TestKeys.write(TestKeys.ed25519(), temp.resolve("id_ed25519"), null);
            HostInventory.Host retired = new HostInventory.Host("old-01", "127.0.0.1", closed, "annexa",
                    new HostInventory.KeyFile(key, null), temp.resolve("known_hosts"), Optional.empty(), EnumSet.of(Collector.FILES),
                    Duration.ofHours(1), Duration.ofSeconds(10), Duration.ofHours(2));
            Path saved = temp.resolve("data/state/failing-hosts.txt");
            ManualClock collectionClock = new ManualClock(Instant.parse("2026-03-02T08:00:00Z"));
            EvaluationEngine before = engine();
            SshCollection collection = collection(before, collectionClock, saved);
            collection.useInventory(() -> new HostInventory(List.of(retired)));
            collection.collect(retired);
            // failing past its expected interval: a gap, not a hiccup
            collectionClock.advance(Duration.ofHours(3));
            collection.collect(retired);
            await().atMost(DEADLINE).until(() -> opened("host_evidence_collected_on_schedule"));
            long id = only("host_evidence_collected_on_schedule").getId();
            assertThat(find(id).getAsset()).isEqualTo("old-01");
            stop(collection);

            // stopped; old-01 taken out of config/hosts.yml; started again
            stop(before);
            restart();
            EvaluationEngine after = engine();
            SshCollection restarted = collection(after, collectionClock, saved);
            restarted.useInventory(() -> new HostInventory(List.of()));
            restarted.tick();

            await().atMost(DEADLINE).until(() -> find(id).getStatus() == NonconformityStatus.WITHDRAWN);
            Nonconformity withdrawn = find(id);
            assertThat(withdrawn.getWithdrawnReason()).isEqualTo("evidence-removed");
            assertThat(withdrawn.getResolvedAt()).isNull();
            assertThat(history(id)).containsExactly("system open null->open", "system withdraw open->withdrawn");
        }

        private SshCollection collection(EvaluationEngine engine, ManualClock clock, Path saved) {
            SshCollection collection = new SshCollection(engine, temp.resolve("data/inbox/hosts"), temp.resolve("data/staging/hosts"), 1,
                    Duration.ofMinutes(5), SnapshotLimits.DEFAULT, name -> null, clock, SavedNames.in(saved, "hosts reported failing"));
            closing.add(collection);
            return collection;
        }
    }
}
