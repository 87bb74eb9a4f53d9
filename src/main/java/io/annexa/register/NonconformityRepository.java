package io.annexa.register;

import io.annexa.evaluation.Finding.FindingKey;
import io.annexa.register.NonconformityQuery.Page;
import io.annexa.register.NonconformityQuery.Sort;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Query;
import jakarta.persistence.TypedQuery;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads and writes the register's tables. Thread-safe: every call uses its own entity manager. The schema is
 * Flyway's ({@link DatabaseMigrations}); this class never creates or alters a table.
 */
public final class NonconformityRepository implements AutoCloseable {

    static final String UNIT = "annexa-register";
    private static final String TERMINAL = "('closed', 'withdrawn')";

    private final EntityManagerFactory factory;

    private NonconformityRepository(EntityManagerFactory factory) {
        this.factory = factory;
    }

    /** Opens the register on a database whose schema {@link DatabaseMigrations#migrate} brought up to date. */
    public static NonconformityRepository open(DatabaseSettings settings) {
        return new NonconformityRepository(PersistenceUnits.open(UNIT, settings));
    }

    /** Every nonconformity that is still the current one of its (rule, asset): neither closed nor withdrawn. */
    public List<Nonconformity> findActive() {
        return read(em -> em.createQuery("select n from Nonconformity n where n.status not in " + TERMINAL + " order by n.id",
                Nonconformity.class).getResultList());
    }

    /**
     * The nonconformities not yet fixed ({@link NonconformityStatus#unfixed()}) as id, cited controls and grade only, read
     * as plain columns without loading the entities: for figures over the whole register (the console's overview).
     */
    public List<Unfixed> unfixed() {
        List<Object[]> rows = read(em -> em.createQuery("select n.id, n.controls, n.grade from Nonconformity n where n.status in :statuses order by n.id",
                Object[].class).setParameter("statuses", NonconformityStatus.unfixedOnes().stream().map(NonconformityStatus::label).toList())
                .getResultList());
        return rows.stream().map(r -> new Unfixed(((Number) r[0]).longValue(), List.of(((String) r[1]).split(",")), (String) r[2])).toList();
    }

    /** A nonconformity not yet fixed, as figures over the register need it. */
    public record Unfixed(long id, List<String> controls, String grade) {
    }

    public Optional<Nonconformity> find(long id) {
        return read(em -> Optional.ofNullable(em.find(Nonconformity.class, id)));
    }

    /**
     * The last closed or withdrawn nonconformity of each (rule, asset): what a recurrence links to. One query per 500
     * assets, not one per nonconformity opened: a first cycle on a fleet opens thousands.
     */
    Map<FindingKey, Nonconformity> latestEnded(java.util.Collection<FindingKey> keys) {
        Map<FindingKey, Nonconformity> latest = new HashMap<>();
        List<String> assets = keys.stream().map(FindingKey::asset).distinct().toList();
        Set<String> rules = keys.stream().map(FindingKey::ruleId).collect(Collectors.toSet());
        for (int i = 0; i < assets.size(); i += 500) {
            List<String> chunk = assets.subList(i, Math.min(assets.size(), i + 500));
            read(em -> em.createQuery("select n from Nonconformity n where n.asset in :assets and n.ruleId in :rules"
                            + " and n.status in " + TERMINAL + " order by n.id", Nonconformity.class)
                    .setParameter("assets", chunk).setParameter("rules", rules).getResultList())
                    .forEach(nc -> {
                        FindingKey key = new FindingKey(nc.getRuleId(), nc.getAsset());
                        if (keys.contains(key)) {
                            latest.put(key, nc);   // ordered by id: the last one put is the latest
                        }
                    });
        }
        return latest;
    }

    /** For each active nonconformity, the content hashes of the evidence already recorded in its current episode. */
    Map<Long, Set<String>> episodeHashes() {
        return read(em -> {
            Map<Long, Set<String>> hashes = new HashMap<>();
            em.createQuery("select o.nonconformityId, o.contentHash from Occurrence o, Nonconformity n"
                            + " where o.nonconformityId = n.id and n.status not in " + TERMINAL
                            + " and o.observedAt >= n.raisedAt", Object[].class)
                    .getResultStream()
                    .forEach(row -> hashes.computeIfAbsent((Long) row[0], id -> new HashSet<>()).add((String) row[1]));
            return hashes;
        });
    }

    public Page<Nonconformity> page(NonconformityQuery query) {
        return read(em -> {
            StringBuilder jpql = new StringBuilder("select n from Nonconformity n where 1 = 1");
            Map<String, Object> parameters = new HashMap<>();
            if (!query.statuses().isEmpty()) {
                jpql.append(" and n.status in :statuses");
                parameters.put("statuses", query.statuses().stream().map(NonconformityStatus::label).toList());
            }
            query.grade().ifPresent(g -> {
                jpql.append(" and n.grade = :grade");
                parameters.put("grade", g);
            });
            query.control().ifPresent(c -> {
                // a rule citing 8.5 and 8.2 shows under both controls
                jpql.append(" and (n.control = :control or concat(',', n.controls, ',') like :controlLike)");
                parameters.put("control", c);
                parameters.put("controlLike", "%," + c + ",%");
            });
            query.theme().ifPresent(t -> {
                jpql.append(" and n.theme = :theme");
                parameters.put("theme", t);
            });
            query.asset().ifPresent(a -> {
                jpql.append(" and n.asset = :asset");
                parameters.put("asset", a);
            });
            query.requirement().ifPresent(r -> {
                if (r.startsWith("A.")) {
                    jpql.append(" and n.annexA = :annexA");
                    parameters.put("annexA", r);
                } else {
                    jpql.append(" and concat(',', n.clauses, ',') like :clause");
                    parameters.put("clause", "%," + r + ",%");
                }
            });
            query.since().ifPresent(s -> {
                jpql.append(" and n.firstSeen >= :since");
                parameters.put("since", Nonconformity.utc(s));
            });
            query.until().ifPresent(u -> {
                jpql.append(" and n.firstSeen < :until");
                parameters.put("until", Nonconformity.utc(u));
            });
            String field = column(query.sort());
            String direction = query.descending() ? "desc" : "asc";
            query.cursor().ifPresent(token -> {
                PageCursor cursor = PageCursor.decode(token, query.sort(), query.descending());
                String beyond = query.descending() ? "<" : ">";
                if (query.sort() == Sort.ID) {
                    jpql.append(" and n.id ").append(beyond).append(" :afterId");
                } else {
                    jpql.append(" and (n.").append(field).append(' ').append(beyond).append(" :afterValue or (n.").append(field)
                            .append(" = :afterValue and n.id ").append(beyond).append(" :afterId))");
                    parameters.put("afterValue", sortValue(query.sort(), cursor.value()));
                }
                parameters.put("afterId", cursor.id());
            });
            jpql.append(" order by ");
            if (query.sort() != Sort.ID) {
                jpql.append("n.").append(field).append(' ').append(direction).append(", ");
            }
            jpql.append("n.id ").append(direction);
            TypedQuery<Nonconformity> typed = em.createQuery(jpql.toString(), Nonconformity.class);
            parameters.forEach(typed::setParameter);
            List<Nonconformity> rows = typed.setMaxResults(query.limit() + 1).getResultList();
            if (rows.size() <= query.limit()) {
                return new Page<>(rows, Optional.empty());
            }
            List<Nonconformity> items = new ArrayList<>(rows.subList(0, query.limit()));
            Nonconformity last = items.get(items.size() - 1);
            return new Page<>(items, Optional.of(new PageCursor(query.sort(), query.descending(), textOf(query.sort(), last),
                    last.getId()).encode()));
        });
    }

    private static String column(Sort sort) {
        return switch (sort) {
            case ID -> "id";
            case FIRST_SEEN -> "firstSeen";
            case LAST_SEEN -> "lastSeen";
            case GRADE -> "grade";
            case ASSET -> "asset";
            case CONTROL -> "control";
        };
    }

    private static String textOf(Sort sort, Nonconformity nc) {
        return switch (sort) {
            case ID -> "";
            case FIRST_SEEN -> nc.getFirstSeen().toString();
            case LAST_SEEN -> nc.getLastSeen().toString();
            case GRADE -> nc.getGrade();
            case ASSET -> nc.getAsset();
            case CONTROL -> nc.getControl();
        };
    }

    private static Object sortValue(Sort sort, String text) {
        try {
            return sort == Sort.FIRST_SEEN || sort == Sort.LAST_SEEN ? Nonconformity.utc(Instant.parse(text)) : text;
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("cursor is not one this list gave out; start again without it", e);
        }
    }

    /** A nonconformity's evidence, oldest first, a page at a time. */
    public List<Occurrence> occurrences(long nonconformityId, long afterId, int limit) {
        return read(em -> em.createQuery("select o from Occurrence o where o.nonconformityId = :id and o.id > :after order by o.id",
                        Occurrence.class)
                .setParameter("id", nonconformityId).setParameter("after", afterId).setMaxResults(limit).getResultList());
    }

    /** A nonconformity's history, oldest first. */
    public List<AuditEntry> history(long nonconformityId) {
        return read(em -> em.createQuery("select e from AuditEntry e where e.nonconformityId = :id order by e.id", AuditEntry.class)
                .setParameter("id", nonconformityId).getResultList());
    }

    /** Every nonconformity that was active at some time in [from, to): what an audit of the period reads. */
    public List<Nonconformity> activeDuring(Instant from, Instant to, int max) {
        return activeDuring(from, to, 0, max);
    }

    /** How many nonconformities {@link #activeDuring} finds for [from, to): a report checks its size before it starts. */
    public long countActiveDuring(Instant from, Instant to) {
        return read(em -> em.createQuery("select count(n) from Nonconformity n where " + ACTIVE_DURING, Long.class)
                .setParameter("from", Nonconformity.utc(from)).setParameter("to", Nonconformity.utc(to))
                .getSingleResult());
    }

    /**
     * {@link #activeDuring} a page at a time, by id after {@code afterId}, so a report of a long period is written
     * without holding the whole period in memory.
     */
    public List<Nonconformity> activeDuring(Instant from, Instant to, long afterId, int limit) {
        return read(em -> em.createQuery("select n from Nonconformity n where n.id > :after and " + ACTIVE_DURING
                        + " order by n.id", Nonconformity.class)
                .setParameter("after", afterId)
                .setParameter("from", Nonconformity.utc(from)).setParameter("to", Nonconformity.utc(to))
                .setMaxResults(limit).getResultList());
    }

    /** The condition of {@link #activeDuring(Instant, Instant, int)}, for its count and its pages. */
    private static final String ACTIVE_DURING = "n.firstSeen < :to and (n.status not in " + TERMINAL
            + " or coalesce(n.closedAt, n.lastSeen) >= :from)";

    /** The history entries of the given nonconformities, by nonconformity, oldest first. */
    public Map<Long, List<AuditEntry>> histories(java.util.Collection<Long> ids) {
        Map<Long, List<AuditEntry>> byId = new HashMap<>();
        List<Long> all = List.copyOf(ids);
        for (int i = 0; i < all.size(); i += 500) {
            List<Long> chunk = all.subList(i, Math.min(all.size(), i + 500));
            read(em -> em.createQuery("select e from AuditEntry e where e.nonconformityId in :ids order by e.id", AuditEntry.class)
                    .setParameter("ids", chunk).getResultList())
                    .forEach(e -> byId.computeIfAbsent(e.getNonconformityId(), k -> new ArrayList<>()).add(e));
        }
        return byId;
    }

    public AuditTrail.Verification verifyAuditTrail() {
        return read(AuditTrail::verify);
    }

    /** Open nonconformities by day, grade and theme, from the daily snapshots: the trend over {@code days}. */
    public List<Snapshot> snapshots(LocalDate from) {
        return read(em -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createNativeQuery("select snapshot_day, grade, theme, open_count from register_snapshot"
                    + " where snapshot_day >= ? order by snapshot_day, grade, theme").setParameter(1, from).getResultList();
            return rows.stream().map(row -> new Snapshot(day(row[0]), (String) row[1], (String) row[2],
                    ((Number) row[3]).intValue())).toList();
        });
    }

    private static LocalDate day(Object value) {
        return value instanceof java.sql.Date date ? date.toLocalDate() : (LocalDate) value;
    }

    /** One cell of a daily snapshot. */
    public record Snapshot(LocalDate day, String grade, String theme, int open) {
    }

    /** Writes the day's snapshot in the caller's transaction, replacing the one written earlier that day. */
    static void writeSnapshot(EntityManager em, LocalDate day, Map<List<String>, Integer> counts) {
        em.createNativeQuery("delete from register_snapshot where snapshot_day = ?").setParameter(1, day).executeUpdate();
        counts.forEach((gradeAndTheme, count) -> em.createNativeQuery(
                        "insert into register_snapshot (snapshot_day, grade, theme, open_count) values (?, ?, ?, ?)")
                .setParameter(1, day).setParameter(2, gradeAndTheme.get(0)).setParameter(3, gradeAndTheme.get(1))
                .setParameter(4, count).executeUpdate());
    }

    /** How many nonconformities not yet fixed there are, by (grade, theme), over the whole register: the daily figures. */
    Map<List<String>, Integer> unfixedCounts() {
        List<Object[]> rows = read(em -> em.createQuery("select n.grade, n.theme, count(n) from Nonconformity n"
                        + " where n.status in :statuses group by n.grade, n.theme", Object[].class)
                .setParameter("statuses", NonconformityStatus.unfixedOnes().stream().map(NonconformityStatus::label).toList())
                .getResultList());
        Map<List<String>, Integer> counts = new HashMap<>();
        rows.forEach(row -> counts.put(List.of((String) row[0], (String) row[1]), ((Number) row[2]).intValue()));
        return counts;
    }

    /**
     * Moves last seen forward for many nonconformities at once, in the caller's transaction; not a lifecycle change, so
     * the version stays.
     */
    static void markSeen(EntityManager em, List<Long> ids, Instant at) {
        for (int i = 0; i < ids.size(); i += 500) {
            List<Long> chunk = ids.subList(i, Math.min(ids.size(), i + 500));
            // SQL, not JPQL: the persistence provider increments the version on a JPQL bulk update, and the register
            // holds these nonconformities with the version they had, so their next change (an action, a resolution)
            // failed as changed by someone else
            Query update = em.createNativeQuery("update nonconformity set last_seen = ? where last_seen < ?"
                    + " and id in (" + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")");
            update.setParameter(1, Nonconformity.utc(at)).setParameter(2, Nonconformity.utc(at));
            for (int j = 0; j < chunk.size(); j++) {
                update.setParameter(j + 3, chunk.get(j));
            }
            update.executeUpdate();
        }
    }

    /** Runs work in one transaction: all of it is stored, or none. */
    <T> T inTransaction(Function<EntityManager, T> work) {
        return PersistenceUnits.inTransaction(factory, work);
    }

    private <T> T read(Function<EntityManager, T> work) {
        EntityManager em = factory.createEntityManager();
        try {
            return work.apply(em);
        } finally {
            em.close();
        }
    }

    @Override
    public void close() {
        factory.close();
    }
}
