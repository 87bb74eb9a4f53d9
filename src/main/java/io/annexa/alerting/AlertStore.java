package io.annexa.alerting;

import io.annexa.register.AuditRecord;
import io.annexa.register.AuditTrail;
import io.annexa.register.DatabaseSettings;
import io.annexa.register.PersistenceUnits;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * The alert tables of migrations V3, V4 and V6, in SQL: the outbox of events, deliveries, receivers disabled by their
 * endpoint, silences, reminders, and the claims that let several dispatchers (one per Annexa instance) share them.
 * Thread-safe: every call has its own entity manager (and so its own pooled connection).
 *
 * <p>Claims: a dispatcher claims the pending deliveries it attempts ({@code claimed_by}, {@code claimed_until}), read
 * with {@code FOR UPDATE SKIP LOCKED} so two dispatchers never claim the same row; it stores an attempt's result only
 * while the claim is still its own. The grouping of events is a lease (table {@code alert_lease}) that every write of
 * deliveries made of events checks in its own transaction. Reminders are taken with {@code FOR UPDATE SKIP LOCKED} in
 * the one transaction that writes their deliveries, so they need no claim that could outlive a dispatcher.
 */
public final class AlertStore implements AutoCloseable {

    static final String UNIT = "annexa-alerts";

    public enum State {
        PENDING, DELIVERED, FAILED, DEAD;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static State parse(String text) {
            for (State s : values()) {
                if (s.label().equals(text)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("state '" + text + "' is not one of pending, delivered, failed, dead");
        }
    }

    /** An event to store; its id is given when it is stored. */
    record NewEvent(String type, Instant at, Map<String, String> labels, AlertSubject subject) {
    }

    /**
     * One delivery as stored. {@code events} is empty in lists (the payload is read only for one delivery or to send).
     * {@code lastError} holds what went wrong, never a secret. {@code reminder}: it reminds of nonconformities still not
     * fixed ({@code repeat_interval}) instead of telling news.
     */
    public record Delivery(String id, String receiver, String channel, String groupKey, List<AlertEvent> events, State state,
                           int attempts, Instant nextAttemptAt, String lastError, Integer lastStatus, Instant createdAt,
                           Instant retryFrom, Instant deliveredAt, boolean reminder) {

        /** What the sender is given: the same on every attempt, so a redelivery sends the same body. */
        Notification notification() {
            return new Notification(receiver, groupKey, events, reminder);
        }
    }

    /** A delivery to write: pending, due now. */
    record NewDelivery(String id, String receiver, String channel, Notification notification) {
    }

    /** A delivery's new state after an attempt (or a decision not to attempt). */
    record Update(String id, State state, int attempts, Instant nextAttemptAt, String lastError, Integer lastStatus, Instant deliveredAt) {
    }

    public record ReceiverState(String name, Instant disabledAt, String reason) {
    }

    /** Who is reminded of which nonconformity, in which group: a row of {@code alert_reminder}. */
    record ReminderKey(String receiver, String groupKey, long nonconformityId) {
    }

    /** A reminder to write or refresh: due {@code nextAt}, for the firing event {@code eventId} just notified. */
    record NewReminder(ReminderKey key, long eventId, Instant nextAt) {
    }

    /** A group with a reminder due. */
    record ReminderGroup(String receiver, String groupKey) {
    }

    /** The register's row of a nonconformity as it is now: what a reminder shows instead of what the event said. */
    record NonconformityNow(String status, String grade, String severity, String owner, String evidenceSummary, Instant lastSeen) {
    }

    /**
     * A stored reminder: the firing event it was made for ({@code fired}, with the labels its route and group were chosen
     * by) and the nonconformity now ({@code now}; null when the register has no such row).
     */
    record Reminder(ReminderKey key, AlertEvent fired, Instant nextAt, NonconformityNow now) {

        /** The fired event as a reminder shows it: same id, type and time; grade, severity, owner, status, evidence as now. */
        AlertEvent current() {
            Map<String, String> labels = new LinkedHashMap<>(fired.labels());
            labels.put("grade", orEmpty(now.grade()));
            labels.put("severity", orEmpty(now.severity()));
            labels.put("owner", orEmpty(now.owner()));
            AlertSubject s = fired.subject();
            AlertSubject current = new AlertSubject(s.nonconformityId(), s.ruleId(), s.ruleTitle(), s.control(), s.annexA(),
                    s.clauses(), s.requirement(), now.grade(), now.severity(), now.status(), s.asset(), now.owner(),
                    now.evidenceSummary(), s.firstSeen(), now.lastSeen() == null ? s.lastSeen() : now.lastSeen(), s.link());
            return new AlertEvent(fired.id(), fired.type(), fired.at(), labels, current);
        }

        private static String orEmpty(String value) {
            return value == null ? "" : value;
        }
    }

    /** A reminder moved on: to {@code to}, if it is still due {@code from} (another dispatcher has not moved it). */
    record Move(ReminderKey key, Instant from, Instant to) {
    }

    public record Page<T>(List<T> items, Optional<String> next) {
    }

    private final EntityManagerFactory factory;

    private AlertStore(EntityManagerFactory factory) {
        this.factory = factory;
    }

    /** Opens the alert tables on a database that {@code DatabaseMigrations.migrate} brought up to date. */
    public static AlertStore open(DatabaseSettings settings) {
        return new AlertStore(PersistenceUnits.open(UNIT, settings));
    }

    // ------------------------------------------------------------------ plumbing

    /** Runs work in one transaction: all of it is stored, or none. */
    <T> T inTransaction(Function<EntityManager, T> work) {
        return PersistenceUnits.inTransaction(factory, work);
    }

    /** Plain SQL on the transaction's connection, for reads and writes alike. */
    private <T> T read(Sql<T> work) {
        return inTransaction(em -> {
            try {
                return work.run(connection(em));
            } catch (SQLException e) {
                throw new IllegalStateException("alert tables: " + e.getMessage(), e);
            }
        });
    }

    @FunctionalInterface
    interface Sql<T> {
        T run(Connection connection) throws SQLException;
    }

    /** The JDBC connection of the entity manager's transaction: what is written with it commits or rolls back with it. */
    static Connection connection(EntityManager em) {
        Connection connection = em.unwrap(Connection.class);
        if (connection == null) {
            throw new IllegalStateException("the persistence provider gave no connection for the transaction");
        }
        return connection;
    }

    static OffsetDateTime utc(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rows, String column) throws SQLException {
        OffsetDateTime at = rows.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    /** Takes {@code count} ids from {@code alert_ids}; the row stays locked until the transaction ends. */
    static long allocate(Connection connection, String name, int count) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("update alert_ids set next_id = next_id + ? where name = ?")) {
            update.setLong(1, count);
            update.setString(2, name);
            if (update.executeUpdate() != 1) {
                throw new SQLException("alert_ids has no row '" + name + "': the alert tables are damaged");
            }
        }
        try (PreparedStatement select = connection.prepareStatement("select next_id from alert_ids where name = ?")) {
            select.setString(1, name);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1) - count + 1;
            }
        }
    }

    static String eventId(long id) {
        return "evt-" + id;
    }

    static long eventNumber(String id) {
        return Long.parseLong(id.substring(id.indexOf('-') + 1));
    }

    /** A Standard Webhooks message id: unique, kept by every attempt and redelivery. */
    static String newDeliveryId() {
        UUID uuid = UUID.randomUUID();
        return "msg_" + Long.toHexString(uuid.getMostSignificantBits()) + Long.toHexString(uuid.getLeastSignificantBits());
    }

    // ------------------------------------------------------------------ events

    /** Stores events in the caller's transaction, as one batch. */
    static List<AlertEvent> insertEvents(Connection connection, List<NewEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return List.of();
        }
        long first = allocate(connection, "alert_event", events.size());
        List<AlertEvent> stored = new ArrayList<>(events.size());
        try (PreparedStatement insert = connection.prepareStatement("insert into alert_event (id, event_type, at, nonconformity_id,"
                + " labels, subject, dispatched) values (?, ?, ?, ?, ?, ?, false)")) {
            for (int i = 0; i < events.size(); i++) {
                NewEvent e = events.get(i);
                long id = first + i;
                insert.setLong(1, id);
                insert.setString(2, e.type());
                insert.setObject(3, utc(e.at()));
                insert.setObject(4, e.subject().nonconformityId());
                insert.setString(5, AlertJson.labels(e.labels()));
                insert.setString(6, AlertJson.subject(e.subject()));
                insert.addBatch();
                stored.add(new AlertEvent(eventId(id), e.type(), e.at(), e.labels(), e.subject()));
            }
            insert.executeBatch();
        }
        return stored;
    }

    List<AlertEvent> insertEvents(List<NewEvent> events) {
        return read(c -> insertEvents(c, events));
    }

    /** Thrown when a dispatcher writes as the holder of the grouping lease and another dispatcher holds it now. */
    static final class LeaseLost extends IllegalStateException {
        LeaseLost(String message) {
            super(message);
        }
    }

    static final String GROUPING = "grouping";

    /**
     * Takes or renews the lease {@code name} for {@code holder} until {@code until}: granted when nobody holds it, the
     * holder already does (however late), or the last holder's claim ended before {@code now}.
     */
    boolean claimLease(String name, String holder, Instant now, Instant until) {
        return read(c -> {
            try (PreparedStatement update = c.prepareStatement("update alert_lease set claimed_by = ?, claimed_until = ? where name = ?"
                    + " and (claimed_by is null or claimed_by = ? or claimed_until < ?)")) {
                update.setString(1, holder);
                update.setObject(2, utc(until));
                update.setString(3, name);
                update.setString(4, holder);
                update.setObject(5, utc(now));
                return update.executeUpdate() == 1;
            }
        });
    }

    /** Who holds the lease {@code name} and until when; empty when nobody does. */
    Optional<Map.Entry<String, Instant>> leaseHolder(String name) {
        return read(c -> {
            try (PreparedStatement select = c.prepareStatement("select claimed_by, claimed_until from alert_lease where name = ?")) {
                select.setString(1, name);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() && rows.getString(1) != null
                            ? Optional.of(Map.entry(rows.getString(1), instant(rows, "claimed_until"))) : Optional.empty();
                }
            }
        });
    }

    /**
     * The fence of every write made as the lease holder, in that write's transaction: the lease row stays locked until
     * it commits, so a dispatcher taking the lease over waits for it and then sees it renewed.
     */
    private static void holdLease(Connection c, String name, String holder, Instant until) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("update alert_lease set claimed_until = ? where name = ? and claimed_by = ?")) {
            update.setObject(1, utc(until));
            update.setString(2, name);
            update.setString(3, holder);
            if (update.executeUpdate() != 1) {
                throw new LeaseLost("the " + name + " lease was taken over by another dispatcher; what this one held is dropped");
            }
        }
    }

    /**
     * A dispatcher that stops cleanly gives its claims back, so another instance need not wait for them to end: the
     * leases it holds, and its claims on deliveries except {@code attempting} (attempts still under way).
     */
    void releaseClaims(String holder, java.util.Set<String> attempting) {
        read(c -> {
            try (PreparedStatement lease = c.prepareStatement("update alert_lease set claimed_by = null, claimed_until = null"
                    + " where claimed_by = ?");
                 PreparedStatement deliveries = c.prepareStatement("select id from alert_delivery where claimed_by = ?")) {
                lease.setString(1, holder);
                lease.executeUpdate();
                deliveries.setString(1, holder);
                List<String> ids = new ArrayList<>();
                try (ResultSet rows = deliveries.executeQuery()) {
                    while (rows.next()) {
                        if (!attempting.contains(rows.getString(1))) {
                            ids.add(rows.getString(1));
                        }
                    }
                }
                release(c, holder, ids);
            }
            return null;
        });
    }

    /** Gives back {@code holder}'s claims on these deliveries (claimed but not attempted). */
    void releaseDeliveries(String holder, java.util.Collection<String> ids) {
        read(c -> {
            release(c, holder, ids);
            return null;
        });
    }

    private static void release(Connection c, String holder, java.util.Collection<String> ids) throws SQLException {
        try (PreparedStatement release = c.prepareStatement("update alert_delivery set claimed_by = null, claimed_until = null"
                + " where id = ? and claimed_by = ?")) {
            for (String id : ids) {
                release.setString(1, id);
                release.setString(2, holder);
                release.addBatch();
            }
            release.executeBatch();
        }
    }

    /** Events not yet dispatched, oldest first, after the id {@code after}. */
    List<AlertEvent> undispatched(long after, int limit) {
        return read(c -> {
            try (PreparedStatement select = c.prepareStatement("select id, event_type, at, labels, subject from alert_event"
                    + " where dispatched = false and id > ? order by id fetch first ? rows only")) {
                select.setLong(1, after);
                select.setInt(2, limit);
                List<AlertEvent> events = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        events.add(new AlertEvent(eventId(rows.getLong("id")), rows.getString("event_type"), instant(rows, "at"),
                                AlertJson.labels(rows.getString("labels")), AlertJson.subject(rows.getString("subject"))));
                    }
                }
                return events;
            }
        });
    }

    /** The events stored for a nonconformity, oldest first. */
    public List<AlertEvent> eventsOf(long nonconformityId) {
        return read(c -> {
            try (PreparedStatement select = c.prepareStatement("select id, event_type, at, labels, subject from alert_event"
                    + " where nonconformity_id = ? order by id")) {
                select.setLong(1, nonconformityId);
                List<AlertEvent> events = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        events.add(new AlertEvent(eventId(rows.getLong("id")), rows.getString("event_type"), instant(rows, "at"),
                                AlertJson.labels(rows.getString("labels")), AlertJson.subject(rows.getString("subject"))));
                    }
                }
                return events;
            }
        });
    }

    /** How each event ended in the dispatcher (notified, silenced, unrouted, repeat), null while not dispatched. */
    public Map<String, String> eventOutcomes() {
        return read(c -> {
            Map<String, String> outcomes = new LinkedHashMap<>();
            try (PreparedStatement select = c.prepareStatement("select id, outcome from alert_event order by id");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    outcomes.put(eventId(rows.getLong(1)), rows.getString(2));
                }
            }
            return outcomes;
        });
    }

    /**
     * In one transaction: the deliveries (pending, due now) with their events, the events marked dispatched with how
     * they ended, and the reminders of the firing events notified, written or refreshed. A crash leaves either all of it
     * or none.
     */
    void dispatch(List<NewDelivery> deliveries, Map<Long, String> dispatched, java.util.Collection<NewReminder> remember, Instant now) {
        dispatch(deliveries, dispatched, remember, now, null, null);
    }

    /**
     * As {@link #dispatch(List, Map, java.util.Collection, Instant)}, written only while {@code holder} holds the
     * grouping lease (renewed until {@code leaseUntil} by it), and only if none of the events was marked dispatched
     * meanwhile: otherwise nothing is written ({@link LeaseLost}). So each event becomes deliveries once.
     */
    void dispatch(List<NewDelivery> deliveries, Map<Long, String> dispatched, java.util.Collection<NewReminder> remember, Instant now,
                  String holder, Instant leaseUntil) {
        if (deliveries.isEmpty() && dispatched.isEmpty() && remember.isEmpty()) {
            return;
        }
        read(c -> {
            if (holder != null) {
                holdLease(c, GROUPING, holder, leaseUntil);
            }
            insertDeliveries(c, deliveries, now);
            try (PreparedStatement mark = c.prepareStatement("update alert_event set dispatched = true, dispatched_at = ?, outcome = ?"
                    + " where id = ? and dispatched = false")) {
                List<Long> ids = new ArrayList<>(dispatched.keySet());
                for (Map.Entry<Long, String> e : dispatched.entrySet()) {
                    mark.setObject(1, utc(now));
                    mark.setString(2, e.getValue());
                    mark.setLong(3, e.getKey());
                    mark.addBatch();
                }
                int[] marked = mark.executeBatch();
                for (int i = 0; i < marked.length; i++) {
                    if (marked[i] == 0) {
                        throw new LeaseLost("event " + ids.get(i) + " was dispatched by another dispatcher meanwhile");
                    }
                }
            }
            if (!remember.isEmpty()) {
                // written afresh: the latest firing event, and due a whole repeat_interval from this notification
                try (PreparedStatement delete = c.prepareStatement("delete from alert_reminder where receiver = ? and group_key = ?"
                        + " and nonconformity_id = ?");
                     PreparedStatement insert = c.prepareStatement("insert into alert_reminder (receiver, group_key, nonconformity_id,"
                             + " event_id, next_at) values (?, ?, ?, ?, ?)")) {
                    for (NewReminder r : remember) {
                        key(delete, r.key());
                        delete.addBatch();
                        key(insert, r.key());
                        insert.setLong(4, r.eventId());
                        insert.setObject(5, utc(r.nextAt()));
                        insert.addBatch();
                    }
                    delete.executeBatch();
                    insert.executeBatch();
                }
            }
            return null;
        });
    }

    private static void key(PreparedStatement statement, ReminderKey key) throws SQLException {
        statement.setString(1, key.receiver());
        statement.setString(2, key.groupKey());
        statement.setLong(3, key.nonconformityId());
    }

    private static void insertDeliveries(Connection c, List<NewDelivery> deliveries, Instant now) throws SQLException {
        if (deliveries.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = c.prepareStatement("insert into alert_delivery (id, receiver, channel, group_key, payload,"
                + " state, attempts, next_attempt_at, created_at, retry_from, reminder) values (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?)");
             PreparedStatement link = c.prepareStatement("insert into alert_delivery_event (delivery_id, event_id) values (?, ?)")) {
            for (NewDelivery d : deliveries) {
                insert.setString(1, d.id());
                insert.setString(2, d.receiver());
                insert.setString(3, d.channel());
                insert.setString(4, d.notification().groupKey());
                insert.setString(5, AlertJson.events(d.notification().events()));
                insert.setObject(6, utc(now));
                insert.setObject(7, utc(now));
                insert.setObject(8, utc(now));
                insert.setBoolean(9, d.notification().repeat());
                insert.addBatch();
                for (AlertEvent e : d.notification().events()) {
                    link.setString(1, d.id());
                    link.setLong(2, eventNumber(e.id()));
                    link.addBatch();
                }
            }
            insert.executeBatch();
            link.executeBatch();
        }
    }

    // ------------------------------------------------------------------ reminders

    /** Every reminder of one group, due or not, with its firing event and its nonconformity as it is now; oldest event first. */
    private static List<Reminder> reminders(Connection c, ReminderGroup group) throws SQLException {
        List<Reminder> reminders = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement("select r.nonconformity_id, r.next_at, e.id, e.event_type, e.at,"
                + " e.labels, e.subject, n.id as nc, n.status, n.grade, n.severity, n.owner, n.evidence_summary, n.last_seen"
                + " from alert_reminder r join alert_event e on e.id = r.event_id"
                + " left join nonconformity n on n.id = r.nonconformity_id"
                + " where r.receiver = ? and r.group_key = ? order by e.id")) {
            select.setString(1, group.receiver());
            select.setString(2, group.groupKey());
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    AlertEvent fired = new AlertEvent(eventId(rows.getLong("id")), rows.getString("event_type"), instant(rows, "at"),
                            AlertJson.labels(rows.getString("labels")), AlertJson.subject(rows.getString("subject")));
                    rows.getLong("nc");
                    NonconformityNow now = rows.wasNull() ? null : new NonconformityNow(rows.getString("status"),
                            rows.getString("grade"), rows.getString("severity"), rows.getString("owner"),
                            rows.getString("evidence_summary"), instant(rows, "last_seen"));
                    reminders.add(new Reminder(new ReminderKey(group.receiver(), group.groupKey(), rows.getLong("nonconformity_id")),
                            fired, instant(rows, "next_at"), now));
                }
            }
        }
        return reminders;
    }

    /** What a dispatcher makes of the reminders due: see {@link #writeReminders}. */
    record ReminderPlan(List<NewDelivery> deliveries, List<Move> moves, List<ReminderKey> drop) {
    }

    /**
     * Reminders due, taken by one dispatcher: in ONE transaction, the first {@code rows} due reminder rows no other
     * dispatcher has locked are locked ({@code FOR UPDATE SKIP LOCKED}), their groups read whole and given to
     * {@code plan}, and what it returns written as {@link #writeReminders} writes it. A second
     * dispatcher skips those rows until the first commits, and then they are no longer due; one that dies lets its
     * transaction roll back. A group whose rows two dispatchers took part of is written by the first to commit; the
     * other one's moves find the reminders moved and roll its round back.
     *
     * @return whether there may be further due rows
     */
    boolean remindDue(Instant now, int rows, Function<Map<ReminderGroup, List<Reminder>>, ReminderPlan> plan) {
        return read(c -> {
            java.util.Set<ReminderGroup> groups = new java.util.LinkedHashSet<>();
            int seen = 0;
            // H2 applies the row limit before it skips the locked rows (PostgreSQL after): on H2 a second dispatcher
            // may find nothing though more is due, which a single instance never notices
            try (PreparedStatement select = c.prepareStatement("select receiver, group_key from alert_reminder where next_at <= ?"
                    + " order by next_at fetch first ? rows only for update skip locked")) {
                select.setObject(1, utc(now));
                select.setInt(2, rows);
                try (ResultSet result = select.executeQuery()) {
                    while (result.next()) {
                        seen++;
                        groups.add(new ReminderGroup(result.getString(1), result.getString(2)));
                    }
                }
            }
            if (groups.isEmpty()) {
                return false;
            }
            Map<ReminderGroup, List<Reminder>> due = new LinkedHashMap<>();
            for (ReminderGroup group : groups) {
                due.put(group, reminders(c, group));
            }
            ReminderPlan planned = plan.apply(due);
            writeReminders(c, planned.deliveries(), planned.moves(), planned.drop(), now);
            return seen == rows;
        });
    }

    /**
     * The reminders' deliveries, the reminders moved on and the ones no longer wanted deleted, in the caller's
     * transaction. A reminder moved meanwhile by someone else (it is no longer where it was read) rolls all of it back,
     * so no reminder is sent twice; the next round reads them again.
     */
    private static void writeReminders(Connection c, List<NewDelivery> deliveries, List<Move> moves, List<ReminderKey> drop,
                                       Instant now) throws SQLException {
        try (PreparedStatement move = c.prepareStatement("update alert_reminder set next_at = ? where receiver = ? and group_key = ?"
                + " and nonconformity_id = ? and next_at = ?")) {
            for (Move m : moves) {
                move.setObject(1, utc(m.to()));
                move.setString(2, m.key().receiver());
                move.setString(3, m.key().groupKey());
                move.setLong(4, m.key().nonconformityId());
                move.setObject(5, utc(m.from()));
                move.addBatch();
            }
            int[] moved = move.executeBatch();
            for (int i = 0; i < moved.length; i++) {
                if (moved[i] == 0) {
                    throw new SQLException("the reminder of nonconformity " + moves.get(i).key().nonconformityId() + " for receiver '"
                            + moves.get(i).key().receiver() + "' was moved meanwhile; it is read again");
                }
            }
        }
        try (PreparedStatement delete = c.prepareStatement("delete from alert_reminder where receiver = ? and group_key = ?"
                + " and nonconformity_id = ?")) {
            for (ReminderKey k : drop) {
                key(delete, k);
                delete.addBatch();
            }
            delete.executeBatch();
        }
        insertDeliveries(c, deliveries, now);
    }

    /** When each stored reminder is due next, soonest first. */
    Map<ReminderKey, Instant> reminders() {
        return read(c -> {
            Map<ReminderKey, Instant> all = new LinkedHashMap<>();
            try (PreparedStatement select = c.prepareStatement("select receiver, group_key, nonconformity_id, next_at from alert_reminder"
                    + " order by next_at, nonconformity_id");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    all.put(new ReminderKey(rows.getString(1), rows.getString(2), rows.getLong(3)), instant(rows, "next_at"));
                }
            }
            return all;
        });
    }

    // ------------------------------------------------------------------ deliveries

    /**
     * Pending deliveries whose next attempt has come and that no other dispatcher holds a live claim on, soonest first, with
     * their payload, claimed for {@code holder} until {@code until}; {@code busy} ones (its own attempts under way) are
     * left out. Read without the payload first: the ones under way are pending too and come first, so a caller that
     * took some already may go on {@code after} the last one it took instead of reading them again. The rows are read
     * {@code FOR UPDATE SKIP LOCKED}: a dispatcher claiming at the same time passes over them instead of waiting and
     * then claiming them too. (H2 applies the row limit before it skips: a second dispatcher on H2 may find fewer.)
     */
    List<Delivery> claimDue(Instant now, int limit, String holder, Instant until, java.util.Set<String> busy, Delivery after) {
        return read(c -> {
            // only columns of the index alert_delivery_claimable (V6), so the rows of the busy deliveries, which come first,
            // are not read at all (their payload made this query most of the dispatcher's time on H2); the rest in one query
            List<String> ids = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("select id from alert_delivery"
                    + " where state = 'pending' and next_attempt_at <= ? and (claimed_until is null or claimed_until < ? or claimed_by = ?)"
                    // the plain lower bound lets the index start at the last one taken instead of walking every
                    // pending delivery before it, which made draining a large backlog quadratic
                    + (after == null ? "" : " and next_attempt_at >= ? and (next_attempt_at > ? or (next_attempt_at = ? and id > ?))")
                    // state first, though fixed: only then does H2 read the index in order and stop at the limit,
                    // instead of reading and sorting every pending delivery that is due
                    + " order by state, next_attempt_at, id fetch first ? rows only for update skip locked")) {
                int i = 1;
                select.setObject(i++, utc(now));
                select.setObject(i++, utc(now));
                // its own claims too: a restart under the same name takes back what the process before it held
                select.setString(i++, holder);
                if (after != null) {
                    select.setObject(i++, utc(after.nextAttemptAt()));
                    select.setObject(i++, utc(after.nextAttemptAt()));
                    select.setObject(i++, utc(after.nextAttemptAt()));
                    select.setString(i++, after.id());
                }
                select.setInt(i, limit + busy.size());
                try (ResultSet result = select.executeQuery()) {
                    while (result.next() && ids.size() < limit) {
                        String id = result.getString(1);
                        if (!busy.contains(id)) {
                            ids.add(id);
                        }
                    }
                }
            }
            if (ids.isEmpty()) {
                return List.of();
            }
            try (PreparedStatement claim = c.prepareStatement("update alert_delivery set claimed_by = ?, claimed_until = ? where id = ?")) {
                for (String id : ids) {
                    claim.setString(1, holder);
                    claim.setObject(2, utc(until));
                    claim.setString(3, id);
                    claim.addBatch();
                }
                claim.executeBatch();
            }
            Map<String, Delivery> rows = new HashMap<>();
            try (PreparedStatement select = c.prepareStatement("select id, receiver, channel, group_key, state, attempts,"
                    + " next_attempt_at, last_error, last_status, created_at, retry_from, delivered_at, reminder, payload from alert_delivery"
                    + " where id in (" + String.join(", ", java.util.Collections.nCopies(ids.size(), "?")) + ")")) {
                for (int i = 0; i < ids.size(); i++) {
                    select.setString(i + 1, ids.get(i));
                }
                // by the primary key alone: with state in the condition H2 may take the state index and walk every pending row
                for (Delivery d : deliveries(select, true)) {
                    if (d.state() == State.PENDING) {
                        rows.put(d.id(), d);
                    }
                }
            }
            // in the order of the first query: soonest first
            return ids.stream().map(rows::get).filter(java.util.Objects::nonNull).toList();
        });
    }

    /** Renews every claim {@code holder} has on a pending delivery until {@code until}: its attempts still run. */
    void renewClaims(String holder, Instant until) {
        read(c -> {
            try (PreparedStatement update = c.prepareStatement("update alert_delivery set claimed_until = ? where claimed_by = ?"
                    + " and state = 'pending'")) {
                update.setObject(1, utc(until));
                update.setString(2, holder);
                return update.executeUpdate();
            }
        });
    }

    /** Who claims each pending delivery claimed, by id, and until when. */
    Map<String, Map.Entry<String, Instant>> claims() {
        return read(c -> {
            Map<String, Map.Entry<String, Instant>> claims = new LinkedHashMap<>();
            try (PreparedStatement select = c.prepareStatement("select id, claimed_by, claimed_until from alert_delivery"
                    + " where claimed_by is not null order by id");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    claims.put(rows.getString(1), Map.entry(rows.getString(2), instant(rows, "claimed_until")));
                }
            }
            return claims;
        });
    }

    /** When the next pending delivery is due, if any. */
    Optional<Instant> nextPending() {
        return read(c -> {
            try (PreparedStatement select = c.prepareStatement("select min(next_attempt_at) from alert_delivery where state = 'pending'");
                 ResultSet rows = select.executeQuery()) {
                rows.next();
                OffsetDateTime at = rows.getObject(1, OffsetDateTime.class);
                return Optional.ofNullable(at).map(OffsetDateTime::toInstant);
            }
        });
    }

    /**
     * Stores the attempts' results of {@code holder}'s claims in one transaction, and drops the claims; a receiver that
     * answered 410 is disabled with them. Only a delivery still pending and still claimed by {@code holder} is changed:
     * one redelivered meanwhile keeps its reset, and one another dispatcher took over (the claim had ended) is left to
     * it. A claim that ended without anyone taking it over is still the holder's: its result is stored.
     */
    void update(List<Update> updates, Map<String, String> disable, Instant now, String holder) {
        if (updates.isEmpty() && disable.isEmpty()) {
            return;
        }
        read(c -> {
            try (PreparedStatement update = c.prepareStatement("update alert_delivery set state = ?, attempts = ?, next_attempt_at = ?,"
                    + " last_error = ?, last_status = ?, delivered_at = ?, claimed_by = null, claimed_until = null"
                    + " where id = ? and state = 'pending' and claimed_by = ?")) {
                for (Update u : updates) {
                    update.setString(1, u.state().label());
                    update.setInt(2, u.attempts());
                    update.setObject(3, utc(u.nextAttemptAt()));
                    update.setString(4, cut(u.lastError(), 2000));
                    update.setObject(5, u.lastStatus());
                    update.setObject(6, utc(u.deliveredAt()));
                    update.setString(7, u.id());
                    update.setString(8, holder);
                    update.addBatch();
                }
                update.executeBatch();
            }
            for (Map.Entry<String, String> d : disable.entrySet()) {
                disable(c, d.getKey(), d.getValue(), now);
            }
            return null;
        });
    }

    public Optional<Delivery> delivery(String id) {
        return read(c -> {
            try (PreparedStatement select = c.prepareStatement("select * from alert_delivery where id = ?")) {
                select.setString(1, id);
                return deliveries(select, true).stream().findFirst();
            }
        });
    }

    /** Deliveries newest first, in the given state (all when null), {@code limit} at a time. */
    public Page<Delivery> deliveries(State state, String cursor, int limit) {
        return read(c -> {
            StringBuilder sql = new StringBuilder("select id, receiver, channel, group_key, state, attempts, next_attempt_at,"
                    + " last_error, last_status, created_at, retry_from, delivered_at, reminder from alert_delivery where 1 = 1");
            List<Object> parameters = new ArrayList<>();
            if (state != null) {
                sql.append(" and state = ?");
                parameters.add(state.label());
            }
            if (cursor != null) {
                String[] parts = decodeCursor(cursor);
                sql.append(" and (created_at < ? or (created_at = ? and id < ?))");
                OffsetDateTime at = utc(Instant.parse(parts[0]));
                parameters.add(at);
                parameters.add(at);
                parameters.add(parts[1]);
            }
            // the limit in SQL: H2 reads every matching row before it applies a JDBC maximum
            sql.append(" order by created_at desc, id desc fetch first ? rows only");
            parameters.add(limit + 1);
            try (PreparedStatement select = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < parameters.size(); i++) {
                    select.setObject(i + 1, parameters.get(i));
                }
                List<Delivery> rows = deliveries(select, false);
                if (rows.size() <= limit) {
                    return new Page<>(rows, Optional.empty());
                }
                List<Delivery> items = List.copyOf(rows.subList(0, limit));
                Delivery last = items.get(items.size() - 1);
                return new Page<>(items, Optional.of(Base64.getUrlEncoder().withoutPadding()
                        .encodeToString((last.createdAt() + "|" + last.id()).getBytes(StandardCharsets.UTF_8))));
            }
        });
    }

    private static String[] decodeCursor(String cursor) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", 2);
            Instant.parse(parts[0]);
            if (parts.length != 2) {
                throw new IllegalArgumentException();
            }
            return parts;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cursor is not one this list gave out; start again without it");
        }
    }

    private static List<Delivery> deliveries(PreparedStatement select, boolean payload) throws SQLException {
        List<Delivery> list = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                int status = rows.getInt("last_status");
                Integer lastStatus = rows.wasNull() ? null : status;
                list.add(new Delivery(rows.getString("id"), rows.getString("receiver"), rows.getString("channel"),
                        rows.getString("group_key"), payload ? AlertJson.events(rows.getString("payload")) : List.of(),
                        State.parse(rows.getString("state")), rows.getInt("attempts"), instant(rows, "next_attempt_at"),
                        rows.getString("last_error"), lastStatus, instant(rows, "created_at"),
                        instant(rows, "retry_from"), instant(rows, "delivered_at"), rows.getBoolean("reminder")));
            }
        }
        return list;
    }

    /**
     * Sends a delivery again with the same webhook-id: pending, due now, its attempts and age counted afresh.
     *
     * @return false when there is no such delivery
     */
    public boolean redeliver(String id, Instant now) {
        return read(c -> {
            try (PreparedStatement update = c.prepareStatement("update alert_delivery set state = 'pending', attempts = 0,"
                    + " next_attempt_at = ?, retry_from = ?, last_error = null, delivered_at = null where id = ?")) {
                update.setObject(1, utc(now));
                update.setObject(2, utc(now));
                update.setString(3, id);
                return update.executeUpdate() == 1;
            }
        });
    }

    // ------------------------------------------------------------------ receivers

    private static void disable(Connection c, String receiver, String reason, Instant now) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("delete from alert_receiver_state where name = ?");
             PreparedStatement insert = c.prepareStatement("insert into alert_receiver_state (name, disabled_at, reason) values (?, ?, ?)")) {
            delete.setString(1, receiver);
            delete.executeUpdate();
            insert.setString(1, receiver);
            insert.setObject(2, utc(now));
            insert.setString(3, cut(reason, 2000));
            insert.executeUpdate();
        }
    }

    /** Receivers disabled because their endpoint answered 410 Gone, by name. */
    public Map<String, ReceiverState> disabledReceivers() {
        return read(c -> {
            Map<String, ReceiverState> disabled = new LinkedHashMap<>();
            try (PreparedStatement select = c.prepareStatement("select name, disabled_at, reason from alert_receiver_state"
                    + " where disabled_at is not null order by name");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    disabled.put(rows.getString(1), new ReceiverState(rows.getString(1), instant(rows, "disabled_at"), rows.getString(3)));
                }
            }
            return disabled;
        });
    }

    /**
     * Enables a receiver again, with an audit entry naming who did it.
     *
     * @return false when it was not disabled
     */
    public boolean enableReceiver(String name, String actor, Instant now) {
        return inTransaction(em -> {
            try {
                Connection c = connection(em);
                int removed;
                try (PreparedStatement delete = c.prepareStatement("delete from alert_receiver_state where name = ?")) {
                    delete.setString(1, name);
                    removed = delete.executeUpdate();
                }
                if (removed > 0) {
                    AuditTrail.append(em, now, new AuditRecord(actor, "receiver-enable", null, null, null,
                            "alert receiver '" + name + "' enabled again", null));
                }
                return removed > 0;
            } catch (SQLException e) {
                throw new IllegalStateException("alert tables: " + e.getMessage(), e);
            }
        });
    }

    // ------------------------------------------------------------------ silences

    /** A silence as stored: its matchers as text. */
    public record StoredSilence(long id, List<String> matchers, Instant startsAt, Instant endsAt, String comment, String createdBy,
                                Instant createdAt, Instant deletedAt, String deletedBy) {

        /** As the routing part uses it. */
        public Silence silence() {
            return new Silence(id, matchers.stream().map(LabelMatcher::parse).toList(), startsAt, endsAt, comment, createdBy);
        }
    }

    /** Stores a silence and its audit entry in one transaction. */
    public StoredSilence createSilence(List<String> matchers, Instant startsAt, Instant endsAt, String comment, String actor,
                                      String bodyHash, Instant now) {
        return inTransaction(em -> {
            try {
                Connection c = connection(em);
                long id = allocate(c, "silence", 1);
                try (PreparedStatement insert = c.prepareStatement("insert into silence (id, matchers, starts_at, ends_at, comment,"
                        + " created_by, created_at) values (?, ?, ?, ?, ?, ?, ?)")) {
                    insert.setLong(1, id);
                    insert.setString(2, String.join("\n", matchers));
                    insert.setObject(3, utc(startsAt));
                    insert.setObject(4, utc(endsAt));
                    insert.setString(5, comment);
                    insert.setString(6, actor);
                    insert.setObject(7, utc(now));
                    insert.executeUpdate();
                }
                AuditTrail.append(em, now, new AuditRecord(actor, "silence-create", null, null, null,
                        cut("silence " + id + " " + String.join(", ", matchers) + " from " + startsAt + " until " + endsAt + ": " + comment,
                                4000), bodyHash));
                return new StoredSilence(id, List.copyOf(matchers), startsAt, endsAt, comment, actor, now, null, null);
            } catch (SQLException e) {
                throw new IllegalStateException("alert tables: " + e.getMessage(), e);
            }
        });
    }

    /**
     * Ends a silence now (the row stays, marked deleted), with its audit entry.
     *
     * @return false when there is no such silence or it was already deleted
     */
    public boolean deleteSilence(long id, String actor, Instant now) {
        return inTransaction(em -> {
            try {
                Connection c = connection(em);
                int changed;
                try (PreparedStatement update = c.prepareStatement("update silence set deleted_at = ?, deleted_by = ? where id = ?"
                        + " and deleted_at is null")) {
                    update.setObject(1, utc(now));
                    update.setString(2, actor);
                    update.setLong(3, id);
                    changed = update.executeUpdate();
                }
                if (changed > 0) {
                    AuditTrail.append(em, now, new AuditRecord(actor, "silence-delete", null, null, null, "silence " + id + " deleted", null));
                }
                return changed > 0;
            } catch (SQLException e) {
                throw new IllegalStateException("alert tables: " + e.getMessage(), e);
            }
        });
    }

    /** Silences not deleted whose end is after {@code now} (including those not started yet), by id. */
    public List<StoredSilence> silences(Instant now) {
        return read(c -> {
            List<StoredSilence> list = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("select * from silence where deleted_at is null and ends_at > ? order by id")) {
                select.setObject(1, utc(now));
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        list.add(silence(rows));
                    }
                }
            }
            return list;
        });
    }

    public Optional<StoredSilence> silence(long id) {
        return read(c -> {
            try (PreparedStatement select = c.prepareStatement("select * from silence where id = ?")) {
                select.setLong(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(silence(rows)) : Optional.empty();
                }
            }
        });
    }

    private static StoredSilence silence(ResultSet rows) throws SQLException {
        return new StoredSilence(rows.getLong("id"), List.of(rows.getString("matchers").split("\n")), instant(rows, "starts_at"),
                instant(rows, "ends_at"), rows.getString("comment"), rows.getString("created_by"), instant(rows, "created_at"),
                instant(rows, "deleted_at"), rows.getString("deleted_by"));
    }

    private static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    /** Counts of deliveries by state, for the receivers' page and the figures. */
    public Map<String, Map<State, Long>> countsByReceiver() {
        return read(c -> {
            Map<String, Map<State, Long>> counts = new LinkedHashMap<>();
            try (PreparedStatement select = c.prepareStatement("select receiver, state, count(*) from alert_delivery group by receiver, state"
                    + " order by receiver");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    counts.computeIfAbsent(rows.getString(1), r -> new java.util.EnumMap<>(State.class))
                            .put(State.parse(rows.getString(2)), rows.getLong(3));
                }
            }
            return counts;
        });
    }

    @Override
    public void close() {
        factory.close();
    }
}
