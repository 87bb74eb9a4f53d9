package io.annexa.register;

import static io.annexa.register.RegisterRules.BRUTE_FORCE;
import static io.annexa.register.RegisterRules.PASSWORDS;
import static io.annexa.register.RegisterRules.ROOT_LOGIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.annexa.alerting.AlertOutbox;
import io.annexa.alerting.AlertStore;
import io.annexa.register.NonconformityRegister.Change;
import io.annexa.register.NonconformityRegister.ChangeKind;
import io.annexa.register.PartitionLeases.Lease;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Cluster mode: several registers on one database, each answering for the assets of the partitions it holds a lease
 * on. Scoped registers never touch each other's rows, a register whose lease was taken over writes nothing, a change
 * made by another instance is neither lost nor lost to, and a session rebuilt after a crash reporting the same
 * evidence again records nothing twice.
 */
class ClusterRegisterTest {

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

        @Test
        void concurrentTakersOfOnePartitionEachGetAnEpochOfTheirOwn() throws Exception {
            PartitionLeases leases = new PartitionLeases(repository, clock);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Lease>> takes = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    String owner = "annexa-" + i;
                    takes.add(pool.submit(() -> leases.take(3, owner)));
                }
                List<Long> epochs = new ArrayList<>();
                for (Future<Lease> take : takes) {
                    epochs.add(take.get().epoch());
                }
                assertThat(epochs).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
                assertThat(leases.all()).singleElement().satisfies(lease -> assertThat(lease.epoch()).isEqualTo(8));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    abstract static class Contract extends RegisterFixture {

        private final List<NonconformityRepository> repositories = new ArrayList<>();
        private final List<AlertStore> stores = new ArrayList<>();

        @AfterEach
        final void closeTheOtherInstances() {
            repositories.forEach(NonconformityRepository::close);
            stores.forEach(AlertStore::close);
        }

        /** Another instance's register on the same database, with its own connections and memory. */
        NonconformityRegister instance(RegisterScope scope, ChangeJournal journal) {
            NonconformityRepository own = NonconformityRepository.open(database.settings());
            repositories.add(own);
            return new NonconformityRegister(own, policy, inventory, clock, journal, scope);
        }

        /** The real alert outbox, so a fenced store is seen to leave no alert event behind either. */
        ChangeJournal outbox() {
            AlertStore store = AlertStore.open(database.settings());
            stores.add(store);
            return new AlertOutbox(store, "https://annexa.example.org/");
        }

        static Predicate<String> startingWith(String prefix) {
            return asset -> asset.startsWith(prefix);
        }

        // ------------------------------------------------------------ leases

        @Test
        void takingAPartitionAddsOneToItsEpochAndOnlyTheCurrentHolderReleasesIt() {
            PartitionLeases leases = new PartitionLeases(repository, clock);

            Lease first = leases.take(7, "annexa-a");
            Lease second = leases.take(7, "annexa-b");
            Lease other = leases.take(2, "annexa-a");

            assertThat(first).isEqualTo(new Lease(7, "annexa-a", 1));
            assertThat(second).isEqualTo(new Lease(7, "annexa-b", 2));
            assertThat(other).isEqualTo(new Lease(2, "annexa-a", 1));
            assertThat(leases.release(first)).isFalse();
            assertThat(leases.release(second)).isTrue();
            assertThat(leases.release(second)).isFalse();
            assertThat(leases.all()).containsExactly(new Lease(2, "annexa-a", 1), new Lease(7, null, 2));
            // released, the epoch stays: the next holder is still after every earlier one
            assertThat(leases.take(7, "annexa-a")).isEqualTo(new Lease(7, "annexa-a", 3));
        }

        // ------------------------------------------------------------ scope

        @Test
        void twoScopedRegistersReconcilingAtOnceStoreEachNonconformityOnceAndOnlyTheirOwn() throws Exception {
            NonconformityRegister east = instance(RegisterScope.partition(startingWith("east-"), WriteFence.NONE), outbox());
            NonconformityRegister west = instance(RegisterScope.partition(startingWith("west-"), WriteFence.NONE), outbox());
            List<String> assets = IntStream.rangeClosed(1, 20).boxed()
                    .flatMap(i -> java.util.stream.Stream.of("east-" + i, "west-" + i)).toList();
            // both are handed the whole estate's result: each must take its own share of it, and only that
            Cycle everything = cycle();
            assets.forEach(asset -> everything.finding(ROOT_LOGIN, asset, "PermitRootLogin yes").finding(PASSWORDS, asset,
                    "PasswordAuthentication yes").read(ROOT_LOGIN, asset));

            List<List<Change>> changes = inParallel(() -> everything.reconcile(east), () -> everything.reconcile(west));

            assertThat(changes.get(0)).hasSize(40).allSatisfy(change -> {
                assertThat(change.kind()).isEqualTo(ChangeKind.OPENED);
                assertThat(change.nonconformity().getAsset()).startsWith("east-");
            });
            assertThat(changes.get(1)).hasSize(40).allSatisfy(change -> assertThat(change.nonconformity().getAsset()).startsWith("west-"));
            assertThat(all()).hasSize(80);
            assertThat(all()).extracting(nc -> nc.getRuleId() + "@" + nc.getAsset()).doesNotHaveDuplicates();
            assertThat(all()).allSatisfy(nc -> assertThat(occurrences(nc.getId())).hasSize(1));
            assertThat(count("alert_event")).isEqualTo(80);
            assertThat(repository.verifyAuditTrail().valid()).isTrue();
            assertThat(repository.verifyAuditTrail().entries()).isEqualTo(80);

            // the findings go from the east only: the east resolves its own, the west, fed the same result, holds on
            later(Duration.ofHours(1));
            Cycle eastFixed = cycle();
            assets.forEach(asset -> eastFixed.read(ROOT_LOGIN, asset));
            assets.stream().filter(asset -> asset.startsWith("west-")).forEach(asset -> eastFixed
                    .finding(ROOT_LOGIN, asset, "PermitRootLogin yes").finding(PASSWORDS, asset, "PasswordAuthentication yes"));

            List<List<Change>> second = inParallel(() -> eastFixed.reconcile(east), () -> eastFixed.reconcile(west));

            assertThat(second.get(0)).hasSize(40).allSatisfy(change -> assertThat(change.kind()).isEqualTo(ChangeKind.RESOLVED));
            assertThat(second.get(1)).isEmpty();
            assertThat(all()).filteredOn(nc -> nc.getAsset().startsWith("west-"))
                    .allSatisfy(nc -> assertThat(nc.getStatus()).isEqualTo(NonconformityStatus.OPEN));
            assertThat(east.activeCount()).isEqualTo(40);
            assertThat(west.activeCount()).isEqualTo(40);
        }

        @Test
        void onlyTheRegisterKeepingTheFiguresWritesTheDailySnapshotAndItCountsTheWholeRegister() {
            NonconformityRegister east = instance(RegisterScope.partition(startingWith("east-"), WriteFence.NONE).keepingFigures(),
                    ChangeJournal.NONE);
            NonconformityRegister west = instance(RegisterScope.partition(startingWith("west-"), WriteFence.NONE), ChangeJournal.NONE);
            Cycle both = cycle().finding(ROOT_LOGIN, "east-1", "PermitRootLogin yes").read(ROOT_LOGIN, "east-1")
                    .finding(ROOT_LOGIN, "west-1", "PermitRootLogin yes").finding(ROOT_LOGIN, "west-2", "PermitRootLogin yes")
                    .read(ROOT_LOGIN, "west-1", "west-2");

            both.reconcile(west);
            assertThat(repository.snapshots(today())).isEmpty();
            both.reconcile(east);

            assertThat(repository.snapshots(today())).singleElement().satisfies(cell -> {
                assertThat(cell.day()).isEqualTo(today());
                assertThat(cell.open()).isEqualTo(3);
            });
        }

        private LocalDate today() {
            return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        }

        // ------------------------------------------------------------ fencing

        @Test
        void aRegisterWhoseLeaseWasTakenOverWritesNothingAndSaysSoWhileTheNewHolderWrites() throws Exception {
            PartitionLeases leases = new PartitionLeases(repository, clock);
            Predicate<String> partition = startingWith("web");
            Lease ours = leases.take(7, "annexa-a");
            NonconformityRegister a = instance(RegisterScope.partition(partition, leases.fence(ours)), outbox());
            long id = cycle().finding(ROOT_LOGIN, "web1", "PermitRootLogin yes").read(ROOT_LOGIN, "web1").reconcile(a)
                    .get(0).nonconformity().getId();
            // a GC pause, a network split: the partition moves to another instance meanwhile
            Lease theirs = leases.take(7, "annexa-b");
            NonconformityRegister b = instance(RegisterScope.partition(partition, leases.fence(theirs)), outbox());
            Map<String, Long> before = rows();

            later(Duration.ofHours(1));
            Cycle next = cycle().finding(ROOT_LOGIN, "web1", "PermitRootLogin yes").finding(ROOT_LOGIN, "web1", "PermitRootLogin yes in Match")
                    .finding(ROOT_LOGIN, "web2", "PermitRootLogin yes").read(ROOT_LOGIN, "web1", "web2")
                    .incident(BRUTE_FORCE, "web3", "203.0.113.5: 5 failed logins 10:00:01-10:00:09");

            assertThatThrownBy(() -> next.reconcile(a)).isInstanceOfSatisfying(LeaseLostException.class, lost -> {
                assertThat(lost.partition()).isEqualTo(7);
                assertThat(lost.ourEpoch()).isEqualTo(1);
                assertThat(lost.currentEpoch()).isEqualTo(2);
                assertThat(lost.currentOwner()).isEqualTo("annexa-b");
                assertThat(lost).hasMessageContaining("partition 7").hasMessageContaining("annexa-b");
            });
            assertThat(rows()).isEqualTo(before);
            assertThat(a.leaseLost()).hasValueSatisfying(lost -> assertThat(lost.currentEpoch()).isEqualTo(2));
            // never again: not the next offer of the same result, nor the timer, nor a person's action through it
            assertThatThrownBy(() -> next.reconcile(a)).isInstanceOf(LeaseLostException.class);
            assertThatThrownBy(a::tick).isInstanceOf(LeaseLostException.class);
            assertThatThrownBy(() -> a.act(id, LifecycleAction.ACKNOWLEDGE, comment("seen"), ANALYST))
                    .isInstanceOf(LeaseLostException.class);
            assertThat(rows()).isEqualTo(before);
            assertThat(find(id).getOccurrenceCount()).isEqualTo(1);

            List<Change> theirChanges = next.reconcile(b);

            assertThat(b.leaseLost()).isEmpty();
            assertThat(theirChanges).extracting(Change::kind).containsExactlyInAnyOrder(ChangeKind.UPDATED, ChangeKind.OPENED,
                    ChangeKind.OPENED);
            assertThat(rows()).containsEntry("nonconformity", before.get("nonconformity") + 2)
                    .containsEntry("occurrence", before.get("occurrence") + 3)
                    .containsEntry("audit_entry", before.get("audit_entry") + 2)
                    .containsEntry("alert_event", before.get("alert_event") + 2);
            assertThat(repository.verifyAuditTrail().valid()).isTrue();
        }

        @Test
        void aTakeWaitsForTheWriteUnderWayOfTheHolderItTakesOverFromAndEveryLaterWriteIsFencedOff() throws Exception {
            PartitionLeases leases = new PartitionLeases(repository, clock);
            Lease ours = leases.take(4, "annexa-a");
            CountDownLatch writing = new CountDownLatch(1);
            CountDownLatch finish = new CountDownLatch(1);
            // told of the changes inside the store's transaction: it holds that transaction open until let go
            ChangeJournal held = (em, changes, at) -> {
                writing.countDown();
                try {
                    assertThat(finish.await(60, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            };
            NonconformityRegister a = instance(RegisterScope.partition(asset -> true, leases.fence(ours)), held);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<List<Change>> write = pool.submit(() -> cycle().finding(ROOT_LOGIN, "web1", "PermitRootLogin yes")
                        .read(ROOT_LOGIN, "web1").reconcile(a));
                assertThat(writing.await(60, TimeUnit.SECONDS)).isTrue();

                Future<Lease> take = pool.submit(() -> leases.take(4, "annexa-b"));

                await().atMost(Duration.ofSeconds(30)).until(() -> sessionsWaitingForALock() > 0);
                assertThat(take).isNotDone();
                finish.countDown();
                // the write under way was still entitled to land: it did, before the lease moved on
                assertThat(write.get()).extracting(Change::kind).containsExactly(ChangeKind.OPENED);
                assertThat(take.get()).isEqualTo(new Lease(4, "annexa-b", 2));
                assertThat(all()).hasSize(1);
            } finally {
                finish.countDown();
                pool.shutdownNow();
            }

            later(Duration.ofHours(1));
            assertThatThrownBy(() -> cycle().finding(ROOT_LOGIN, "web2", "PermitRootLogin yes").read(ROOT_LOGIN, "web2")
                    .reconcile(a)).isInstanceOf(LeaseLostException.class);
            assertThat(all()).hasSize(1);
        }

        /** Sessions of this test's database blocked by another's lock (the take, behind the fence's lock). */
        private long sessionsWaitingForALock() {
            String sql = database.isPostgres()
                    ? "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like '%into partition_lease%'"
                    : "select count(*) from information_schema.sessions where blocker_id is not null";
            try (Connection connection = database.connect(); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery(sql)) {
                rows.next();
                return rows.getLong(1);
            } catch (SQLException e) {
                throw new AssertionError(e);
            }
        }

        @Test
        void theDailyFiguresOfAFormerHolderAreFencedOffToo() {
            PartitionLeases leases = new PartitionLeases(repository, clock);
            Lease ours = leases.take(0, "annexa-a");
            NonconformityRegister a = instance(RegisterScope.partition(asset -> true, leases.fence(ours)).keepingFigures(),
                    ChangeJournal.NONE);
            cycle().finding(ROOT_LOGIN, "web1", "PermitRootLogin yes").read(ROOT_LOGIN, "web1").reconcile(a);
            leases.take(0, "annexa-b");
            List<NonconformityRepository.Snapshot> before = repository.snapshots(today());
            assertThat(before).singleElement().satisfies(cell -> assertThat(cell.open()).isEqualTo(1));

            later(Duration.ofDays(1));

            assertThatThrownBy(a::tick).isInstanceOf(LeaseLostException.class);
            assertThat(repository.snapshots(today())).isEmpty();
            assertThat(repository.snapshots(today().minusDays(1))).isEqualTo(before);
        }

        // ------------------------------------------------------------ several writers

        @Test
        void anActionOnAnotherInstanceSurvivesAndTheStaleRegistersChangeLandsAfterItReadsTheRowAgain() {
            NonconformityRegister scoped = instance(RegisterScope.partition(startingWith("web"), WriteFence.NONE), outbox());
            long id = cycle().finding(ROOT_LOGIN, "web1", "PermitRootLogin yes").read(ROOT_LOGIN, "web1").reconcile(scoped)
                    .get(0).nonconformity().getId();
            // the API of another instance: its own register, its own memory
            NonconformityRegister api = instance(new RegisterScope(asset -> true, WriteFence.NONE, RegisterScope.Figures.NONE),
                    outbox());
            api.act(id, LifecycleAction.ACKNOWLEDGE, comment("on it"), ANALYST);

            later(Duration.ofHours(1));
            List<Change> changes = cycle().finding(ROOT_LOGIN, "web1", "PermitRootLogin yes")
                    .finding(ROOT_LOGIN, "web1", "PermitRootLogin yes in 'Match User admin'").read(ROOT_LOGIN, "web1")
                    .reconcile(scoped);

            assertThat(changes).extracting(Change::kind).containsExactly(ChangeKind.UPDATED);
            Nonconformity stored = find(id);
            assertThat(stored.getStatus()).isEqualTo(NonconformityStatus.ACKNOWLEDGED);
            assertThat(stored.getOccurrenceCount()).isEqualTo(2);
            assertThat(stored.getLastSeen()).isEqualTo(clock.instant());
            assertThat(occurrences(id)).extracting(Occurrence::getSummary)
                    .containsExactly("PermitRootLogin yes", "PermitRootLogin yes in 'Match User admin'");
            assertThat(history(id)).containsExactly("system open null->open", "alice acknowledge open->acknowledged");

            // and the other way round: the scoped register acts on the row as it is now, not on its old copy
            api.act(id, LifecycleAction.PLAN, plan("the image enables it", clock.instant().plus(Duration.ofDays(14))), ANALYST);
            Change resolved = scoped.act(id, LifecycleAction.RESOLVE, expecting(find(id).getVersion()), ANALYST);

            assertThat(resolved.kind()).isEqualTo(ChangeKind.PENDING_VERIFICATION);
            assertThat(find(id).getRootCause()).isEqualTo("the image enables it");
            assertThat(history(id)).containsExactly("system open null->open", "alice acknowledge open->acknowledged",
                    "alice plan acknowledged->action-planned", "alice resolve action-planned->pending-verification");
        }

        @Test
        void theTimersChangeOnARowAnotherInstanceEndedIsComputedAgainAndEndsNothingTwice() {
            NonconformityRegister scoped = instance(RegisterScope.partition(startingWith("web"), WriteFence.NONE), outbox());
            long id = cycle().finding(ROOT_LOGIN, "web1", "PermitRootLogin yes").read(ROOT_LOGIN, "web1").reconcile(scoped)
                    .get(0).nonconformity().getId();
            later(Duration.ofHours(1));
            cycle().read(ROOT_LOGIN, "web1").reconcile(scoped);
            assertThat(find(id).getStatus()).isEqualTo(NonconformityStatus.RESOLVED);
            NonconformityRegister api = instance(new RegisterScope(asset -> true, WriteFence.NONE, RegisterScope.Figures.NONE),
                    outbox());
            api.act(id, LifecycleAction.WITHDRAW, withdraw("false-positive"), ANALYST);

            later(policy.effectivenessPeriod());
            // the scoped register still holds it resolved, due to close: the database says withdrawn
            assertThat(scoped.tick()).isEmpty();

            assertThat(find(id).getStatus()).isEqualTo(NonconformityStatus.WITHDRAWN);
            assertThat(history(id)).containsExactly("system open null->open", "system resolve open->resolved",
                    "alice withdraw resolved->withdrawn");
            assertThat(scoped.activeCount()).isZero();
        }

        // ------------------------------------------------------------ replays

        @Test
        void aRebuiltSessionReportingTheSameFindingAndIncidentAgainRecordsNothingTwice() {
            NonconformityRegister before = instance(RegisterScope.partition(startingWith("web"), WriteFence.NONE), outbox());
            Cycle reported = cycle().finding(ROOT_LOGIN, "web1", "PermitRootLogin yes").read(ROOT_LOGIN, "web1")
                    .incident(BRUTE_FORCE, "web2", "203.0.113.5: 5 failed logins 10:00:01-10:00:09");
            List<Change> first = reported.reconcile(before);
            long incident = first.stream().filter(c -> c.nonconformity().isIncident()).findFirst().orElseThrow().nonconformity().getId();
            before.act(incident, LifecycleAction.ACKNOWLEDGE, comment("looking"), ANALYST);
            Map<String, Long> rows = rows();

            // a crash: the partition's session and register are built again and report what they had reported
            later(Duration.ofMinutes(5));
            NonconformityRegister rebuilt = instance(RegisterScope.partition(startingWith("web"), WriteFence.NONE), outbox());
            Cycle replayed = cycle().finding(ROOT_LOGIN, "web1", "PermitRootLogin yes").read(ROOT_LOGIN, "web1")
                    .incident(BRUTE_FORCE, "web2", "203.0.113.5: 5 failed logins 10:00:01-10:00:09");

            assertThat(replayed.reconcile(rebuilt)).isEmpty();
            assertThat(replayed.reconcile(rebuilt)).isEmpty();

            assertThat(all()).hasSize(2);
            assertThat(all()).allSatisfy(nc -> {
                assertThat(occurrences(nc.getId())).hasSize(1);
                assertThat(nc.getOccurrenceCount()).isEqualTo(1);
            });
            assertThat(find(incident).getStatus()).isEqualTo(NonconformityStatus.ACKNOWLEDGED);
            assertThat(rows()).isEqualTo(rows);
        }

        // ------------------------------------------------------------ helpers

        /** Rows of every table a register's store writes. */
        private Map<String, Long> rows() {
            Map<String, Long> rows = new LinkedHashMap<>();
            for (String table : List.of("nonconformity", "occurrence", "audit_entry", "alert_event", "register_snapshot")) {
                rows.put(table, count(table));
            }
            return rows;
        }

        private long count(String table) {
            try (Connection connection = database.connect(); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("select count(*) from " + table)) {
                rows.next();
                return rows.getLong(1);
            } catch (SQLException e) {
                throw new AssertionError(e);
            }
        }

        @SafeVarargs
        private static <T> List<T> inParallel(Callable<T>... tasks) throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(tasks.length);
            try {
                List<Future<T>> futures = new ArrayList<>();
                for (Callable<T> task : tasks) {
                    futures.add(pool.submit(task));
                }
                List<T> results = new ArrayList<>();
                for (Future<T> future : futures) {
                    results.add(future.get());
                }
                return results;
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
