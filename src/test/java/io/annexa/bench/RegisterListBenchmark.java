package io.annexa.bench;

import io.annexa.evaluation.RuleDefinition;
import io.annexa.register.Nonconformity;
import io.annexa.register.NonconformityQuery;
import io.annexa.register.NonconformityQuery.Page;
import io.annexa.register.NonconformityQuery.Sort;
import io.annexa.register.NonconformityRepository;
import io.annexa.register.NonconformityStatus;
import io.annexa.register.policy.Criticality;
import io.annexa.register.policy.RegisterPolicy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The list of nonconformities as {@code GET /api/nonconformities} runs it ({@link NonconformityRepository#page}, 100
 * a page, newest last seen first, following the cursor), on a register of 100,000 rows.
 *
 * <p>The rows are a register after half a year: 10 rules × 2,000 assets, five generations of each (rule, asset)
 * about a month apart; all but the last generation closed, the last one active in 70 % of cases (open, acknowledged,
 * action planned, reopened, resolved, pending verification or risk accepted) and closed otherwise. Grades follow the
 * default policy from the rule's severity and the asset's criticality. They are written with batched JDBC inserts
 * that fill every column the schema requires (the register itself would take minutes for 100,000 openings), and the
 * id generator is moved past them; then the tables are analyzed, as a database that grew to this size would have been.
 *
 * <p>Shapes, each after 100 warm-up queries: open + major (2,220 rows), pages 1 to 5; reopened + observation (355 rows),
 * pages 1 to 4; control 8.5 (which also matches rules citing 8.5 second), pages 1 to 5; one asset, first page; no filter,
 * pages 1 to 5.
 *
 * <pre>
 * java -Xmx384m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
 *     -cp target/test-classes:target/classes:$(cat target/bench.classpath) \
 *     io.annexa.bench.RegisterListBenchmark [h2|postgres, default both] [rows, 100000] [queries per shape, 500]
 * </pre>
 */
public final class RegisterListBenchmark {

    private static final int ASSETS = 2_000;
    private static final int GENERATIONS = 5;
    private static final int PAGE = 100;
    private static final int DEPTH = 5;
    private static final int WARM_UP = 100;
    private static final Instant START = Instant.parse("2026-06-01T00:00:00Z");
    private static final NonconformityStatus[] ACTIVE = {
        NonconformityStatus.OPEN, NonconformityStatus.OPEN, NonconformityStatus.OPEN, NonconformityStatus.OPEN,
        NonconformityStatus.OPEN, NonconformityStatus.ACKNOWLEDGED, NonconformityStatus.ACKNOWLEDGED,
        NonconformityStatus.ACTION_PLANNED, NonconformityStatus.REOPENED, NonconformityStatus.RESOLVED,
        NonconformityStatus.PENDING_VERIFICATION, NonconformityStatus.RISK_ACCEPTED,
    };

    private RegisterListBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<String> databases = args.length > 0 && !args[0].equals("both") ? List.of(args[0]) : List.of("h2", "postgres");
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int queries = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        Measure.quietLogs();
        System.out.println(Measure.jvm());
        for (String kind : databases) {
            try (BenchDatabase database = BenchDatabase.create(kind)) {
                long start = System.nanoTime();
                fill(database, rows);
                System.out.printf("%n%s: %,d rows inserted and analyzed in %.1f s%n", kind, rows, Measure.millisSince(start) / 1000);
                try (NonconformityRepository repository = NonconformityRepository.open(database.settings())) {
                    Random random = new Random(7);
                    NonconformityQuery newestFirst = new NonconformityQuery(Set.of(), Optional.empty(), Optional.empty(),
                            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                            Sort.LAST_SEEN, true, PAGE, Optional.empty());
                    shape(kind, "status=open, grade=major, pages 1-5", repository, queries, DEPTH,
                            i -> with(newestFirst, Set.of(NonconformityStatus.OPEN), Optional.of("major"), Optional.empty(), Optional.empty()));
                    // few rows match and no index serves both the filter and the order: the database must choose
                    shape(kind, "status=reopened, grade=observation (355 rows), pages 1-4", repository, queries, DEPTH,
                            i -> with(newestFirst, Set.of(NonconformityStatus.REOPENED), Optional.of("observation"), Optional.empty(),
                                    Optional.empty()));
                    shape(kind, "control=8.5, pages 1-5", repository, queries, DEPTH,
                            i -> with(newestFirst, Set.of(), Optional.empty(), Optional.of("8.5"), Optional.empty()));
                    shape(kind, "asset=<one of 2,000>, first page", repository, queries, 1,
                            i -> with(newestFirst, Set.of(), Optional.empty(), Optional.empty(),
                                    Optional.of(BenchRules.asset(random.nextInt(ASSETS)))));
                    shape(kind, "no filter, pages 1-5", repository, queries, DEPTH, i -> newestFirst);
                }
            }
        }
    }

    private static NonconformityQuery with(NonconformityQuery q, Set<NonconformityStatus> statuses, Optional<String> grade,
                                           Optional<String> control, Optional<String> asset) {
        return new NonconformityQuery(statuses, grade, control, q.theme(), asset, q.requirement(), q.since(), q.until(),
                q.sort(), q.descending(), q.limit(), q.cursor());
    }

    /** Runs {@code queries} page reads (after the warm-up), following each list's cursor {@code depth} pages deep. */
    private static void shape(String kind, String name, NonconformityRepository repository, int queries, int depth,
                              IntFunction<NonconformityQuery> firstPage) {
        List<Double> times = new ArrayList<>();
        List<Double> deepest = new ArrayList<>();
        int lists = 0;
        int rowsRead = 0;
        while (times.size() < WARM_UP + queries) {
            NonconformityQuery query = firstPage.apply(lists++);
            Instant previous = Instant.MAX;
            for (int page = 1; page <= depth && times.size() < WARM_UP + queries; page++) {
                long start = System.nanoTime();
                Page<Nonconformity> result = repository.page(query);
                double ms = Measure.millisSince(start);
                for (Nonconformity nc : result.items()) {
                    // a cursor that skipped or repeated rows would make the timing meaningless
                    if (nc.getLastSeen().isAfter(previous)) {
                        throw new IllegalStateException(name + ": page " + page + " is out of order at nonconformity " + nc.getId());
                    }
                    previous = nc.getLastSeen();
                }
                times.add(ms);
                if (page == depth) {
                    deepest.add(ms);
                }
                rowsRead += result.items().size();
                if (result.next().isEmpty()) {
                    break;
                }
                query = query.withCursor(result.next().get());
            }
        }
        List<Double> measured = times.subList(WARM_UP, times.size());
        System.out.printf("%s, %s: %d queries, %.0f rows a page on average: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms%s%n",
                kind, name, measured.size(), rowsRead / (double) times.size(), Measure.percentile(measured, 50),
                Measure.percentile(measured, 95), Measure.percentile(measured, 99),
                measured.stream().mapToDouble(d -> d).max().orElse(0),
                deepest.isEmpty() ? "" : "; page %d alone p50 %.1f ms".formatted(depth, Measure.median(deepest)));
    }

    /** Writes {@code rows} nonconformities as the register would have left them, oldest generation first. */
    private static void fill(BenchDatabase database, int rows) throws Exception {
        RegisterPolicy policy = RegisterPolicy.defaults();
        Random random = new Random(1);
        List<RuleDefinition> rules = BenchRules.RULES;
        int keys = rules.size() * ASSETS;
        try (Connection connection = database.connect()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("""
                    insert into nonconformity (id, version, rule_id, rule_title, control_id, controls, theme, annex_a, clauses,
                        asset, severity, grade, owner, status, incident, first_seen, last_seen, raised_at, resolved_at, closed_at,
                        occurrence_count, recurrence_count, evidence_sources, evidence_summary)
                    values (?, 0, ?, ?, ?, ?, ?, ?, '6.1.3,8.1', ?, ?, ?, ?, ?, false, ?, ?, ?, ?, ?, ?, 0, ?, ?)""")) {
                for (int id = 1; id <= rows; id++) {
                    int key = (id - 1) % keys;
                    int generation = (id - 1) / keys;
                    RuleDefinition rule = rules.get(key % rules.size());
                    int assetIndex = key / rules.size();
                    String asset = BenchRules.asset(assetIndex);
                    Criticality criticality = Criticality.values()[assetIndex % Criticality.values().length];
                    boolean last = generation == (rows - 1) / keys || id + keys > rows;
                    NonconformityStatus status = last && random.nextInt(10) < 7 ? ACTIVE[random.nextInt(ACTIVE.length)]
                            : NonconformityStatus.CLOSED;
                    Instant firstSeen = START.plus(Duration.ofDays(30L * generation)).plusSeconds(random.nextInt(20 * 86_400));
                    Instant lastSeen = firstSeen.plusSeconds(random.nextInt(10 * 86_400));
                    boolean fixed = status == NonconformityStatus.CLOSED || status == NonconformityStatus.RESOLVED;
                    String control = rule.controls().get(0);
                    int i = 0;
                    insert.setLong(++i, id);
                    insert.setString(++i, rule.id());
                    insert.setString(++i, rule.title());
                    insert.setString(++i, control);
                    insert.setString(++i, String.join(",", rule.controls()));
                    insert.setString(++i, control.startsWith("5.") ? "organizational" : "technological");
                    insert.setString(++i, "A." + control);
                    insert.setString(++i, asset);
                    insert.setString(++i, rule.severity().label());
                    insert.setString(++i, policy.grade(rule.severity(), criticality).label());
                    insert.setString(++i, "team-" + assetIndex % 12);
                    insert.setString(++i, status.label());
                    insert.setObject(++i, utc(firstSeen));
                    insert.setObject(++i, utc(lastSeen));
                    insert.setObject(++i, utc(firstSeen));
                    insert.setObject(++i, fixed ? utc(lastSeen.plusSeconds(600)) : null);
                    insert.setObject(++i, status == NonconformityStatus.CLOSED ? utc(lastSeen.plus(Duration.ofDays(7))) : null);
                    insert.setInt(++i, 1 + random.nextInt(4));
                    insert.setString(++i, rule.sources().get(0));
                    insert.setString(++i, BenchRules.evidence(rule, asset, generation));
                    insert.addBatch();
                    if (id % 1_000 == 0 || id == rows) {
                        insert.executeBatch();
                    }
                }
            }
            try (Statement sql = connection.createStatement()) {
                sql.executeUpdate("update register_ids set next_id = " + rows + " where name = 'nonconformity'");
            }
            connection.commit();
            connection.setAutoCommit(true);
            try (Statement sql = connection.createStatement()) {
                sql.execute("analyze");
            }
        }
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
