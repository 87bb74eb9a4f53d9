package io.annexa.bench;

import io.annexa.evaluation.EvaluationResult;
import io.annexa.evaluation.Finding;
import io.annexa.evaluation.Finding.FindingKey;
import io.annexa.evaluation.RuleDefinition;
import io.annexa.evidence.EvidenceScope;
import io.annexa.register.Nonconformity;
import io.annexa.register.NonconformityRegister;
import io.annexa.register.NonconformityRegister.Change;
import io.annexa.register.NonconformityRegister.ChangeKind;
import io.annexa.register.NonconformityRepository;
import io.annexa.register.policy.AssetInventory;
import io.annexa.register.policy.RegisterPolicy;
import io.annexa.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The register's {@code reconcile} as the evaluation thread calls it, on a register holding 10,000 open
 * nonconformities (10 rules × 1,000 assets, evidence of about 150 characters each).
 *
 * <p>Each cycle 1 % of the findings change: 50 are gone with their source read again (they resolve), 25 have new
 * evidence and 25 are new (rule, asset) pairs on new assets (they open), their sources read again; the other 9,900
 * findings are unchanged (so there are 25 fewer findings each cycle: 8,500 after 60). Two variants, each on a fresh
 * database:
 * <ul>
 * <li>{@code changed}: only the changed findings' sources were read in the cycle, as when one poll or one dropped
 *     file brings news;</li>
 * <li>{@code all}: every source of every asset was read again in the cycle (a full poll), so last seen moves for all
 *     unchanged nonconformities.</li>
 * </ul>
 * The clock moves one minute per cycle, so the daily snapshot is rewritten every tenth cycle as in service. Every
 * measured cycle is checked to have made exactly 50 resolutions, 25 openings and 25 updates. Before them, the 10,000
 * findings arrive in one cycle (a first start on a fleet that was never checked), or in smaller loading cycles.
 *
 * <pre>
 * java -Xmx384m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
 *     -cp target/test-classes:target/classes:$(cat target/bench.classpath) \
 *     io.annexa.bench.RegisterReconcileBenchmark [h2|postgres, default both] [cycles, 50] [warm-up cycles, 10] [changed|all|both]
 *     [findings opened per loading cycle, default all 10,000 in one]
 * </pre>
 */
public final class RegisterReconcileBenchmark {

    private static final int ASSETS = 1_000;
    private static final int RESOLVED = 50;
    private static final int CHANGED = 25;
    private static final int OPENED = 25;
    private static final Instant START = Instant.parse("2026-03-02T08:00:00Z");

    private RegisterReconcileBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<String> databases = args.length > 0 && !args[0].equals("both") ? List.of(args[0]) : List.of("h2", "postgres");
        int cycles = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int warmUp = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        List<Boolean> variants = args.length > 3 && !args[3].equals("both") ? List.of(args[3].equals("all")) : List.of(false, true);
        int loadBatch = args.length > 4 ? Integer.parseInt(args[4]) : ASSETS * BenchRules.RULES.size();
        Measure.quietLogs();
        System.out.println(Measure.jvm());
        for (String kind : databases) {
            for (boolean refreshAll : variants) {
                try (BenchDatabase database = BenchDatabase.create(kind)) {
                    new Run(database, refreshAll).measure(warmUp, cycles, loadBatch);
                }
            }
        }
    }

    private static final class Run {
        private final BenchDatabase database;
        private final boolean refreshAll;
        private final Map<String, RuleDefinition> rules = BenchRules.RULES.stream()
                .collect(Collectors.toMap(RuleDefinition::id, r -> r, (a, b) -> a, LinkedHashMap::new));
        private final Function<String, Optional<RuleDefinition>> lookup = id -> Optional.ofNullable(rules.get(id));
        /** The findings the engine holds now, with the revision of each one's evidence. */
        private final Map<FindingKey, Integer> open = new LinkedHashMap<>();
        private final Set<EvidenceScope> observed = new HashSet<>();
        private final Random random = new Random(42);
        private final ManualClock clock = new ManualClock(START);
        private int assets = ASSETS;

        Run(BenchDatabase database, boolean refreshAll) {
            this.database = database;
            this.refreshAll = refreshAll;
        }

        void measure(int warmUp, int cycles, int loadBatch) throws Exception {
            try (NonconformityRepository repository = NonconformityRepository.open(database.settings())) {
                NonconformityRegister register = new NonconformityRegister(repository, RegisterPolicy.defaults(),
                        AssetInventory.empty(), clock);
                double loadMs = 0;
                int assetsPerLoad = Math.max(1, loadBatch / rules.size());
                for (int from = 0; from < ASSETS; from += assetsPerLoad) {
                    clock.advance(Duration.ofMinutes(1));
                    Set<EvidenceScope> read = new HashSet<>();
                    int added = 0;
                    for (int a = from; a < Math.min(ASSETS, from + assetsPerLoad); a++) {
                        for (RuleDefinition rule : rules.values()) {
                            FindingKey key = new FindingKey(rule.id(), BenchRules.asset(a));
                            open.put(key, 0);
                            observed.add(scope(key));
                            read.add(scope(key));
                            added++;
                        }
                    }
                    EvaluationResult load = result(read);
                    long start = System.nanoTime();
                    List<Change> opened = register.reconcile(load, lookup);
                    loadMs += Measure.millisSince(start);
                    if (opened.size() != added) {
                        throw new IllegalStateException("a loading cycle opened " + opened.size() + " of " + added);
                    }
                }
                System.out.printf("%n%s, %s: %,d nonconformities opened in %.1f s (%d at a time); heap %.0f MB after GC%n",
                        database.kind(), refreshAll ? "every source read each cycle" : "only the changed findings' sources read",
                        register.activeCount(), loadMs / 1000, Math.min(open.size(), assetsPerLoad * rules.size()),
                        Measure.usedHeapMbAfterGc());

                List<Double> times = new ArrayList<>();
                for (int cycle = 1; cycle <= warmUp + cycles; cycle++) {
                    EvaluationResult result = nextCycle();
                    long cycleStart = System.nanoTime();
                    List<Change> changes = register.reconcile(result, lookup);
                    double ms = Measure.millisSince(cycleStart);
                    check(cycle, changes);
                    if (cycle > warmUp) {
                        times.add(ms);
                    }
                }
                // what the API shows: last seen as stored, for the nonconformities whose finding is still there
                List<Instant> stored = repository.findActive().stream()
                        .filter(n -> open.containsKey(new FindingKey(n.getRuleId(), n.getAsset())))
                        .map(Nonconformity::getLastSeen).toList();
                long current = stored.stream().filter(clock.instant()::equals).count();
                Instant oldest = stored.stream().min(Instant::compareTo).orElseThrow();
                System.out.printf("%s, %s: %d cycles after %d warm-up cycles, %,d findings, %,d active in the register: "
                                + "median %.1f ms, p95 %.1f ms, max %.1f ms per reconcile; stored last seen: %,d at the last cycle, "
                                + "the oldest %d min behind%n",
                        database.kind(), refreshAll ? "all" : "changed", cycles, warmUp, open.size(), register.activeCount(),
                        Measure.median(times), Measure.percentile(times, 95), times.stream().mapToDouble(d -> d).max().orElse(0),
                        current, Duration.between(oldest, clock.instant()).toMinutes());
                System.out.println("slowest cycles: " + IntStream.range(0, times.size()).boxed()
                        .sorted((a, b) -> Double.compare(times.get(b), times.get(a))).limit(5)
                        .map(i -> "#%d %.0f ms".formatted(warmUp + 1 + i, times.get(i))).collect(Collectors.joining(", ")));
            }
        }

        /** Moves the clock a minute on and changes 1 % of the findings; returns what the engine would publish. */
        private EvaluationResult nextCycle() {
            clock.advance(Duration.ofMinutes(1));
            Set<EvidenceScope> refreshed = new HashSet<>();
            List<FindingKey> keys = new ArrayList<>(open.keySet());
            Set<FindingKey> picked = new HashSet<>();
            while (picked.size() < RESOLVED + CHANGED) {
                picked.add(keys.get(random.nextInt(keys.size())));
            }
            List<FindingKey> pickedInOrder = new ArrayList<>(picked);
            for (int i = 0; i < pickedInOrder.size(); i++) {
                FindingKey key = pickedInOrder.get(i);
                refreshed.add(scope(key));
                if (i < RESOLVED) {
                    open.remove(key);
                } else {
                    open.merge(key, 1, Integer::sum);
                }
            }
            for (int i = 0; i < OPENED; i++) {
                RuleDefinition rule = BenchRules.RULES.get(random.nextInt(BenchRules.RULES.size()));
                FindingKey key = new FindingKey(rule.id(), BenchRules.asset(assets++));
                open.put(key, 0);
                observed.add(scope(key));
                refreshed.add(scope(key));
            }
            return result(refreshAll ? Set.copyOf(observed) : refreshed);
        }

        private EvidenceScope scope(FindingKey key) {
            return new EvidenceScope(rules.get(key.ruleId()).sources().get(0), key.asset());
        }

        private EvaluationResult result(Set<EvidenceScope> refreshed) {
            Set<Finding> findings = new HashSet<>(open.size() * 2);
            open.forEach((key, revision) -> {
                RuleDefinition rule = rules.get(key.ruleId());
                findings.add(new Finding(rule.id(), rule.controls(), key.asset(), rule.severity(),
                        BenchRules.evidence(rule, key.asset(), revision)));
            });
            return new EvaluationResult(clock.instant(), findings, observed, refreshed, findings.size(), List.of(), Set.of());
        }

        /** A cycle that did other work than intended would measure the wrong thing. */
        private static void check(int cycle, List<Change> changes) {
            Map<ChangeKind, Integer> kinds = new EnumMap<>(ChangeKind.class);
            changes.forEach(change -> kinds.merge(change.kind(), 1, Integer::sum));
            if (kinds.getOrDefault(ChangeKind.RESOLVED, 0) != RESOLVED || kinds.getOrDefault(ChangeKind.OPENED, 0) != OPENED
                    || kinds.getOrDefault(ChangeKind.UPDATED, 0) != CHANGED || changes.size() != RESOLVED + OPENED + CHANGED) {
                throw new IllegalStateException("cycle " + cycle + " made " + kinds + ", not " + RESOLVED + " resolved, " + OPENED
                        + " opened and " + CHANGED + " updated");
            }
        }
    }
}
