package io.annexa.api;

import io.annexa.evaluation.EvaluationResult;
import io.annexa.evaluation.Finding;
import io.annexa.evaluation.RuleDefinition;
import io.annexa.evaluation.Severity;
import io.annexa.evidence.EvidenceScope;
import io.annexa.register.ActionRequest;
import io.annexa.register.DatabaseMigrations;
import io.annexa.register.DatabaseSettings;
import io.annexa.register.LifecycleAction;
import io.annexa.register.Nonconformity;
import io.annexa.register.NonconformityRegister;
import io.annexa.register.NonconformityRepository;
import io.annexa.register.policy.AssetInventory;
import io.annexa.register.policy.RegisterPolicy;
import io.annexa.testing.ManualClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A real register on an H2 file database (or a given one), migrated by Flyway, fed the way the engine feeds it (evaluation results)
 * and acted on the way the API acts on it. For tests of what the API makes of the register.
 */
final class RegisterFixture implements AutoCloseable {

    static final String SOURCE = "sshd_config";

    final DatabaseSettings database;
    final NonconformityRepository repository;
    final NonconformityRegister register;
    final ManualClock clock;
    private final Map<String, RuleDefinition> rules = new LinkedHashMap<>();

    RegisterFixture(Path directory, AssetInventory inventory, Instant start) {
        this(DatabaseSettings.embedded(directory), inventory, start);
    }

    /** On any database: the embedded H2 or a PostgreSQL schema ({@code io.annexa.register.TestDatabase}). */
    RegisterFixture(DatabaseSettings database, AssetInventory inventory, Instant start) {
        this.database = database;
        DatabaseMigrations.migrate(database);
        repository = NonconformityRepository.open(database);
        clock = new ManualClock(start);
        register = new NonconformityRegister(repository, RegisterPolicy.defaults(), inventory, clock);
    }

    RuleDefinition rule(String id, String title, Severity severity, String... controls) {
        RuleDefinition rule = new RuleDefinition(id, title, List.of(controls), severity, List.of(SOURCE), "why", "how",
                Map.of(), Path.of("rules", id), id);
        rules.put(id, rule);
        return rule;
    }

    /** A rule as the library has it (its rule.yml), with its own sources. */
    RuleDefinition rule(RuleDefinition rule) {
        rules.put(rule.id(), rule);
        return rule;
    }

    static Finding finding(RuleDefinition rule, String asset, String evidence) {
        return new Finding(rule.id(), rule.controls(), asset, rule.severity(), evidence);
    }

    /** One evaluation cycle now: these findings hold, and the listed assets' evidence was read again. */
    List<NonconformityRegister.Change> evaluate(List<Finding> findings, String... readAssets) {
        Set<EvidenceScope> scopes = new HashSet<>();
        findings.forEach(f -> scopes.add(new EvidenceScope(SOURCE, f.getAsset())));
        for (String asset : readAssets) {
            scopes.add(new EvidenceScope(SOURCE, asset));
        }
        return register.reconcile(new EvaluationResult(clock.instant(), Set.copyOf(findings), scopes, scopes, findings.size()),
                id -> Optional.ofNullable(rules.get(id)));
    }

    /** One evaluation cycle now: these findings hold, and the evidence of these (source, asset) was read again. */
    List<NonconformityRegister.Change> evaluate(List<Finding> findings, Set<EvidenceScope> read) {
        return register.reconcile(new EvaluationResult(clock.instant(), Set.copyOf(findings), read, read, findings.size()),
                id -> Optional.ofNullable(rules.get(id)));
    }

    Nonconformity act(long id, LifecycleAction action, ActionRequest request, String actor) {
        return register.act(id, action, request, actor).nonconformity();
    }

    static ActionRequest plan(String comment, String rootCause, String correction, String correctiveAction, Instant due) {
        return new ActionRequest(comment, rootCause, correction, correctiveAction, due, null, null, null, null, null, null,
                "a".repeat(64));
    }

    static ActionRequest acceptRisk(String requestedBy, String justification, Instant expires) {
        return new ActionRequest(null, null, null, null, null, null, requestedBy, justification, expires, null, null, null);
    }

    @Override
    public void close() {
        repository.close();
    }
}
