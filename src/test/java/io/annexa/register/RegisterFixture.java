package io.annexa.register;

import io.annexa.evaluation.EvaluationResult;
import io.annexa.evaluation.Finding;
import io.annexa.evaluation.RuleDefinition;
import io.annexa.evidence.EvidenceScope;
import io.annexa.register.NonconformityRegister.Change;
import io.annexa.register.NonconformityRegister.ChangeKind;
import io.annexa.register.policy.AssetInventory;
import io.annexa.register.policy.AssetInventoryReader;
import io.annexa.register.policy.RegisterPolicy;
import io.annexa.register.policy.RegisterPolicyReader;
import io.annexa.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every contract test of the register starts from: a fresh database (H2 or a PostgreSQL schema, chosen by the
 * nested class), migrated and opened; a register on it with the default policy, an empty inventory and a manual
 * clock; and the means to feed it evaluation results and people's actions as the engine and the API do.
 */
abstract class RegisterFixture {

    static final Instant START = Instant.parse("2026-03-02T09:00:00Z");
    static final String ANALYST = "alice";
    static final String APPROVER = "bob";

    @TempDir
    Path temp;

    ManualClock clock;
    TestDatabase database;
    RegisterPolicy policy = RegisterPolicy.defaults();
    AssetInventory inventory = AssetInventory.empty();
    /** The rules the register is told are enabled, as the engine's library answers it. */
    Function<String, Optional<RuleDefinition>> rules = RegisterRules::enabled;
    NonconformityRepository repository;
    NonconformityRegister register;
    private final List<NonconformityRepository> others = new ArrayList<>();

    abstract TestDatabase createDatabase(Path directory) throws Exception;

    /** Whether the schema is migrated and the register opened before each test; a migration test prepares first. */
    boolean openAtStart() {
        return true;
    }

    @BeforeEach
    final void createDatabaseAndRegister() throws Exception {
        clock = new ManualClock(START);
        database = createDatabase(temp);
        if (openAtStart()) {
            openRegister();
        }
    }

    @AfterEach
    final void closeAndDropDatabase() throws Exception {
        try {
            others.forEach(NonconformityRepository::close);
            if (repository != null) {
                repository.close();
            }
        } finally {
            database.drop();
        }
    }

    void openRegister() {
        DatabaseMigrations.migrate(database.settings());
        repository = NonconformityRepository.open(database.settings());
        register = new NonconformityRegister(repository, policy, inventory, clock);
    }

    /** Annexa stopped and started again: a new repository and register on the same database, nothing kept in memory. */
    void restart() {
        repository.close();
        repository = NonconformityRepository.open(database.settings());
        register = new NonconformityRegister(repository, policy, inventory, clock);
    }

    /** A second Annexa on the same database, with its own memory. */
    NonconformityRegister anotherInstance() {
        NonconformityRepository other = NonconformityRepository.open(database.settings());
        others.add(other);
        return new NonconformityRegister(other, policy, inventory, clock);
    }

    void configure(RegisterPolicy newPolicy, AssetInventory newInventory) {
        policy = newPolicy;
        inventory = newInventory;
        register.configure(newPolicy, newInventory);
    }

    /** The policy an operator wrote in config/register.yml. */
    RegisterPolicy policyFile(String yaml) throws Exception {
        Path file = Files.writeString(temp.resolve("register.yml"), yaml);
        return RegisterPolicyReader.read(file);
    }

    /** The inventory an operator wrote in config/assets.yml. */
    AssetInventory inventoryFile(String yaml) throws Exception {
        Path file = Files.writeString(temp.resolve("assets.yml"), yaml);
        return AssetInventoryReader.read(file);
    }

    void later(Duration by) {
        clock.advance(by);
    }

    // ------------------------------------------------------------------ evidence

    /** The engine's next evaluation result, made at the clock's time. */
    Cycle cycle() {
        return new Cycle(clock.instant());
    }

    /** A finding of {@code rule} on {@code asset}, with its evidence read: the id of the nonconformity it opened. */
    long raise(RuleDefinition rule, String asset, String evidence) {
        return opened(cycle().finding(rule, asset, evidence).read(rule, asset).reconcile(), rule, asset);
    }

    /**
     * Raises two rules' nonconformities on one asset in one evaluation, as the engine reports every finding it holds
     * at once (raised one after the other, the second cycle would show the first finding gone).
     */
    long[] raiseBoth(String asset, RuleDefinition first, String firstEvidence, RuleDefinition second, String secondEvidence) {
        List<Change> changes = cycle().finding(first, asset, firstEvidence).finding(second, asset, secondEvidence)
                .read(first, asset).read(second, asset).reconcile();
        return new long[] {opened(changes, first, asset), opened(changes, second, asset)};
    }

    private static long opened(List<Change> changes, RuleDefinition rule, String asset) {
        return changes.stream()
                .filter(c -> c.kind() == ChangeKind.OPENED && c.nonconformity().getRuleId().equals(rule.id())
                        && c.nonconformity().getAsset().equals(asset))
                .findFirst().orElseThrow(() -> new AssertionError("no nonconformity opened: " + changes))
                .nonconformity().getId();
    }

    /** One evaluation result as the engine reports it: what the session holds, what it re-read, what was removed. */
    final class Cycle {
        private final Instant at;
        private final Set<Finding> findings = new HashSet<>();
        private final List<Finding> incidents = new ArrayList<>();
        private final Set<EvidenceScope> observed = new HashSet<>();
        private final Set<EvidenceScope> refreshed = new HashSet<>();
        private final Set<EvidenceScope> removed = new HashSet<>();
        private final Set<String> unevaluated = new HashSet<>();

        Cycle(Instant at) {
            this.at = at;
        }

        Cycle finding(RuleDefinition rule, String asset, String evidence) {
            findings.add(new Finding(rule.id(), rule.controls(), asset, rule.severity(), evidence));
            return this;
        }

        /** A finding as a rule made it, with the controls and severity it cites. */
        Cycle finding(Finding finding) {
            findings.add(finding);
            return this;
        }

        Cycle incident(RuleDefinition rule, String asset, String evidence) {
            incidents.add(new Finding(rule.id(), rule.controls(), asset, rule.severity(), evidence, true));
            return this;
        }

        /** Every kind of evidence the rule reads was read again for these assets in this cycle. */
        Cycle read(RuleDefinition rule, String... assets) {
            for (String asset : assets) {
                rule.sources().forEach(source -> read(source, asset));
            }
            return this;
        }

        Cycle read(String source, String asset) {
            observed.add(new EvidenceScope(source, asset));
            refreshed.add(new EvidenceScope(source, asset));
            return this;
        }

        /** The session still holds this evidence from an earlier cycle; it was not read again. */
        Cycle holds(String source, String asset) {
            observed.add(new EvidenceScope(source, asset));
            return this;
        }

        /** Its file was deleted, and no other source holds it. */
        Cycle removed(String source, String asset) {
            removed.add(new EvidenceScope(source, asset));
            observed.remove(new EvidenceScope(source, asset));
            return this;
        }

        /** The rule was quarantined: its findings in this cycle are the ones it last reported, kept, not evaluated. */
        Cycle unevaluated(RuleDefinition rule) {
            unevaluated.add(rule.id());
            return this;
        }

        EvaluationResult result() {
            return new EvaluationResult(at, findings, observed, refreshed, findings.size() + incidents.size(), incidents, removed,
                    unevaluated);
        }

        List<Change> reconcile() {
            return register.reconcile(result(), rules);
        }

        List<Change> reconcile(NonconformityRegister on) {
            return on.reconcile(result(), rules);
        }
    }

    // ------------------------------------------------------------------ people

    Change act(long id, LifecycleAction action, ActionRequest request, String actor) {
        return register.act(id, action, request, actor);
    }

    static ActionRequest comment(String comment) {
        return ActionRequest.comment(comment);
    }

    static ActionRequest plan(String rootCause, Instant due) {
        return new ActionRequest(null, rootCause, "PermitRootLogin set to no", "sshd_config managed by configuration management",
                due, null, null, null, null, null, null, null);
    }

    static ActionRequest acceptRisk(String requestedBy, Instant expires) {
        return new ActionRequest(null, null, null, null, null, null, requestedBy, "legacy appliance, replaced in Q3", expires,
                null, null, null);
    }

    static ActionRequest withdraw(String reason) {
        return new ActionRequest("not a nonconformity after all", null, null, null, null, null, null, null, null, reason,
                null, null);
    }

    static ActionRequest expecting(long version) {
        return new ActionRequest(null, null, null, null, null, null, null, null, null, null, version, null);
    }

    // ------------------------------------------------------------------ reading back

    Nonconformity find(long id) {
        return repository.find(id).orElseThrow(() -> new AssertionError("no nonconformity " + id));
    }

    List<Nonconformity> all() {
        return repository.page(NonconformityQuery.all()).items();
    }

    List<Occurrence> occurrences(long id) {
        return repository.occurrences(id, 0, 10_000);
    }

    /** A nonconformity's history as "actor action from->to" lines. */
    List<String> history(long id) {
        return repository.history(id).stream()
                .map(e -> e.getActor() + " " + e.getAction() + " " + e.getFromStatus() + "->" + e.getToStatus())
                .toList();
    }
}
