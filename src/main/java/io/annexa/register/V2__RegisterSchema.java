package io.annexa.register;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Migration 2: the register's own schema (nonconformities with their clause 10.2 lifecycle, evidence occurrences,
 * the hash-chained audit trail, daily snapshots), replacing the table the persistence provider used to generate.
 *
 * <p>It is Java, not SQL, for two reasons. The two databases need different words for two things: one active
 * nonconformity per (rule, asset) is a partial unique index on PostgreSQL, and a unique generated column on H2, which
 * has no partial indexes; unbounded text is {@code text} on one and a long {@code varchar} on the other. And a register
 * created before migrations existed holds its times as serialized Java objects, which only Java can read back: its
 * rows are carried over, nothing already recorded is lost.
 */
// Flyway reads the version from the class name, like the V1__access.sql file beside it.
@SuppressWarnings("checkstyle:TypeName")
public final class V2__RegisterSchema extends BaseJavaMigration {

    /** Longest text one occurrence row holds on H2; longer evidence is split over several rows, never cut. */
    static final int H2_TEXT = 1_000_000;

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        boolean postgres = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
        String text = postgres ? "text" : "varchar(" + H2_TEXT + ")";
        boolean legacy = tableExists(connection, "nonconformity");
        try (Statement sql = connection.createStatement()) {
            if (legacy) {
                sql.execute("alter table nonconformity rename to nonconformity_v0");
                // the indexes the persistence provider made keep their names through the rename, and index names are
                // unique per schema on both databases: the new table's index of the same name failed every migration
                sql.execute("drop index if exists nonconformity_status");
                sql.execute("drop index if exists nonconformity_rule_asset");
            }
            sql.execute("""
                    create table nonconformity (
                        id                 bigint        not null primary key,
                        version            bigint        not null,
                        rule_id            varchar(200)  not null,
                        rule_title         varchar(500)  not null,
                        control_id         varchar(10)   not null,
                        controls           varchar(200)  not null,
                        theme              varchar(20)   not null,
                        annex_a            varchar(20)   not null,
                        clauses            varchar(100)  not null,
                        asset              varchar(255)  not null,
                        severity           varchar(20)   not null,
                        grade              varchar(20)   not null,
                        escalation         varchar(20),
                        owner              varchar(200),
                        status             varchar(30)   not null,
                        incident           boolean       not null,
                        first_seen         timestamp with time zone not null,
                        last_seen          timestamp with time zone not null,
                        raised_at          timestamp with time zone not null,
                        claimed_at         timestamp with time zone,
                        resolved_at        timestamp with time zone,
                        closed_at          timestamp with time zone,
                        due_at             timestamp with time zone,
                        occurrence_count   integer       not null,
                        recurrence_count   integer       not null,
                        root_cause         varchar(4000),
                        correction         varchar(4000),
                        corrective_action  varchar(4000),
                        risk_requested_by  varchar(64),
                        risk_approver      varchar(64),
                        risk_justification varchar(4000),
                        risk_expires_at    timestamp with time zone,
                        withdrawn_reason   varchar(40),
                        previous_id        bigint,
                        evidence_sources   varchar(2000) not null,
                        evidence_summary   varchar(2000) not null
                    )""");
            if (postgres) {
                sql.execute("create unique index nonconformity_one_active on nonconformity (rule_id, asset) "
                        + "where status not in ('closed', 'withdrawn')");
            } else {
                // H2 has no partial index; a unique column that is null once closed or withdrawn does the same
                sql.execute("alter table nonconformity add column active_key varchar(460) generated always as "
                        + "(case when status in ('closed', 'withdrawn') then null else rule_id || '/' || asset end)");
                sql.execute("create unique index nonconformity_one_active on nonconformity (active_key)");
            }
            sql.execute("create index nonconformity_status on nonconformity (status, id)");
            sql.execute("create index nonconformity_asset on nonconformity (asset, id)");
            sql.execute("create index nonconformity_control on nonconformity (control_id, id)");
            sql.execute("create index nonconformity_grade on nonconformity (grade, id)");
            sql.execute("create index nonconformity_first_seen on nonconformity (first_seen, id)");
            sql.execute("create index nonconformity_last_seen on nonconformity (last_seen, id)");

            sql.execute("""
                    create table occurrence (
                        id               bigint        not null primary key,
                        nonconformity_id bigint        not null references nonconformity (id),
                        observed_at      timestamp with time zone not null,
                        rule_id          varchar(200)  not null,
                        source           varchar(2000) not null,
                        incident         boolean       not null,
                        part             integer       not null,
                        parts            integer       not null,
                        content_hash     char(64)      not null,
                        summary          %s            not null
                    )""".formatted(text));
            sql.execute("create index occurrence_nonconformity on occurrence (nonconformity_id, id)");

            sql.execute("""
                    create table audit_entry (
                        id               bigint        not null primary key,
                        at               timestamp with time zone not null,
                        actor            varchar(64)   not null,
                        action           varchar(40)   not null,
                        nonconformity_id bigint,
                        from_status      varchar(30),
                        to_status        varchar(30),
                        comment          varchar(4000),
                        body_hash        char(64),
                        previous_hash    char(64)      not null,
                        hash             char(64)      not null
                    )""");
            sql.execute("create index audit_entry_nonconformity on audit_entry (nonconformity_id, id)");
            sql.execute("create index audit_entry_at on audit_entry (at, id)");
            // the chain's head: appending locks this one row, so entries are numbered and chained one at a time
            sql.execute("""
                    create table audit_head (
                        id        integer  not null primary key,
                        last_id   bigint   not null,
                        last_hash char(64) not null
                    )""");
            sql.execute("insert into audit_head (id, last_id, last_hash) values (1, 0, '" + "0".repeat(64) + "')");

            sql.execute("""
                    create table register_snapshot (
                        snapshot_day date      not null,
                        grade      varchar(20) not null,
                        theme      varchar(20) not null,
                        open_count integer     not null,
                        primary key (snapshot_day, grade, theme)
                    )""");

            sql.execute("create table register_ids (name varchar(50) not null primary key, next_id bigint not null)");
            sql.execute("insert into register_ids (name, next_id) values ('nonconformity', 0)");
            // inserted before the carry-over, which moves both counters past what it copied: it once updated the
            // occurrence counter before its row existed, and the first new occurrences took the carried-over ids
            sql.execute("insert into register_ids (name, next_id) values ('occurrence', 0)");
            if (legacy) {
                long lastId = carryOver(connection);
                sql.execute("update register_ids set next_id = " + lastId + " where name = 'nonconformity'");
                sql.execute("drop table nonconformity_v0");
                if (tableExists(connection, "id_sequence")) {
                    sql.execute("drop table id_sequence");
                }
            }
        }
    }

    /**
     * Copies the nonconformities of a register made before migrations. Their evidence becomes their first occurrence;
     * open ones stay open, resolved ones stay resolved. The sources they rested on were not recorded: left empty, which
     * the register reads as "every source the rule reads", the safe side for resolution.
     *
     * @return the highest id carried over
     */
    private static long carryOver(Connection connection) throws SQLException {
        long highest = 0;
        long occurrence = 0;
        try (Statement read = connection.createStatement();
             ResultSet rows = read.executeQuery("select * from nonconformity_v0 order by id");
             PreparedStatement insert = connection.prepareStatement("""
                     insert into nonconformity (id, version, rule_id, rule_title, control_id, controls, theme, annex_a, clauses,
                         asset, severity, grade, status, incident, first_seen, last_seen, raised_at, resolved_at,
                         occurrence_count, recurrence_count, evidence_sources, evidence_summary)
                     values (?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 0, '', ?)""");
             PreparedStatement evidence = connection.prepareStatement("""
                     insert into occurrence (id, nonconformity_id, observed_at, rule_id, source, incident, part, parts,
                         content_hash, summary) values (?, ?, ?, ?, '', ?, 1, 1, ?, ?)""")) {
            while (rows.next()) {
                long id = rows.getLong("id");
                highest = Math.max(highest, id);
                String control = rows.getString("control_id");
                String requirement = column(rows, "requirement");
                boolean gap = requirement != null && !requirement.startsWith("A.");
                boolean incident = Boolean.TRUE.equals(rows.getObject("incident") == null ? null : rows.getBoolean("incident"));
                OffsetDateTime firstSeen = time(rows, "first_seen");
                OffsetDateTime lastSeen = time(rows, "last_seen");
                String status = "RESOLVED".equalsIgnoreCase(rows.getString("status")) ? "resolved" : "open";
                String text = rows.getString("evidence");
                insert.setLong(1, id);
                insert.setString(2, rows.getString("rule_id"));
                insert.setString(3, rows.getString("rule_title"));
                insert.setString(4, control);
                insert.setString(5, rows.getString("controls"));
                insert.setString(6, Themes.of(control));
                insert.setString(7, "A." + control);
                insert.setString(8, gap ? requirement : "6.1.3,8.1");
                insert.setString(9, rows.getString("asset"));
                String severity = rows.getString("severity");
                insert.setString(10, severity);
                insert.setString(11, "high".equals(severity) || "critical".equals(severity) ? "major" : "minor");
                insert.setString(12, status);
                insert.setBoolean(13, incident);
                insert.setObject(14, firstSeen);
                insert.setObject(15, lastSeen);
                insert.setObject(16, firstSeen);
                insert.setObject(17, time(rows, "resolved_at"));
                insert.setString(18, EvidenceSummary.of(java.util.List.of(text == null ? "" : text)));
                insert.addBatch();
                evidence.setLong(1, ++occurrence);
                evidence.setLong(2, id);
                evidence.setObject(3, lastSeen);
                evidence.setString(4, rows.getString("rule_id"));
                evidence.setBoolean(5, incident);
                evidence.setString(6, ContentHash.of(text == null ? "" : text));
                evidence.setString(7, text == null ? "" : text);
                evidence.addBatch();
            }
            insert.executeBatch();
            evidence.executeBatch();
        }
        try (Statement sql = connection.createStatement()) {
            sql.execute("update register_ids set next_id = " + occurrence + " where name = 'occurrence'");
        }
        return highest;
    }

    private static String column(ResultSet rows, String name) throws SQLException {
        for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
            if (rows.getMetaData().getColumnLabel(i).equalsIgnoreCase(name)) {
                return rows.getString(i);
            }
        }
        return null;
    }

    /** A time as the old register stored it: a timestamp, or an Instant serialized by the persistence provider. */
    private static OffsetDateTime time(ResultSet rows, String column) throws SQLException {
        int index = rows.findColumn(column);
        int type = rows.getMetaData().getColumnType(index);
        if (type == Types.TIMESTAMP || type == Types.TIMESTAMP_WITH_TIMEZONE) {
            Timestamp at = rows.getTimestamp(index);
            return at == null ? null : at.toInstant().atOffset(ZoneOffset.UTC);
        }
        byte[] bytes = rows.getBytes(index);
        if (bytes == null) {
            return null;
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            // only the two classes an Instant is written as: the old column cannot make us build anything else
            in.setObjectInputFilter(ObjectInputFilter.Config.createFilter("java.time.Ser;java.time.Instant;maxdepth=2;!*"));
            return ((Instant) in.readObject()).atOffset(ZoneOffset.UTC);
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            throw new SQLException("nonconformity " + rows.getLong("id") + ", column " + column
                    + ": not a time this migration can read (" + e + ")", e);
        }
    }

    private static boolean tableExists(Connection connection, String name) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        String schema = connection.getSchema();
        for (String candidate : new String[] {name, name.toUpperCase(Locale.ROOT)}) {
            try (ResultSet tables = meta.getTables(null, schema, candidate, new String[] {"TABLE"})) {
                if (tables.next()) {
                    return true;
                }
            }
        }
        return false;
    }
}
