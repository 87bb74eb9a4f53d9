package io.annexa.cluster;

import io.annexa.register.DatabaseSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The instances of the cluster as they describe themselves in the shared database: each one writes its row every few
 * seconds; one not heard of for {@link #SILENT_AFTER} is shown as gone (its partitions move when the group notices).
 */
public final class ClusterMembers {

    public static final Duration SILENT_AFTER = Duration.ofSeconds(30);

    /** One instance as {@code GET /api/cluster} shows it. */
    public record Member(String instanceId, String libraryVersion, List<Integer> partitions, List<Integer> rebuilding, long lag,
                         boolean ready, Instant startedAt, Instant seenAt, boolean up) {
    }

    private final DatabaseSettings database;

    public ClusterMembers(DatabaseSettings database) {
        this.database = database;
    }

    /** Writes this instance's row. */
    public void heartbeat(Member self) {
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            try (PreparedStatement update = connection.prepareStatement("update cluster_member set library_version = ?, partitions = ?,"
                    + " rebuilding = ?, lag = ?, ready = ?, started_at = ?, seen_at = ? where instance_id = ?")) {
                bind(update, self);
                if (update.executeUpdate() == 0) {
                    try (PreparedStatement insert = connection.prepareStatement("insert into cluster_member (library_version, partitions,"
                            + " rebuilding, lag, ready, started_at, seen_at, instance_id) values (?, ?, ?, ?, ?, ?, ?, ?)")) {
                        bind(insert, self);
                        insert.executeUpdate();
                    }
                }
            }
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write instance " + self.instanceId() + " into cluster_member: " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement statement, Member self) throws SQLException {
        statement.setString(1, self.libraryVersion());
        statement.setString(2, join(self.partitions()));
        statement.setString(3, join(self.rebuilding()));
        statement.setLong(4, self.lag());
        statement.setBoolean(5, self.ready());
        statement.setTimestamp(6, Timestamp.from(self.startedAt()));
        statement.setTimestamp(7, Timestamp.from(self.seenAt()));
        statement.setString(8, self.instanceId());
    }

    /** Every instance that ever wrote its row, by id; {@code up} when heard of within {@link #SILENT_AFTER} of {@code now}. */
    public List<Member> all(Instant now) {
        List<Member> members = new ArrayList<>();
        try (Connection connection = connect();
             PreparedStatement select = connection.prepareStatement("select instance_id, library_version, partitions, rebuilding, lag,"
                     + " ready, started_at, seen_at from cluster_member order by instance_id");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                Instant seen = rows.getTimestamp(8).toInstant();
                boolean up = !seen.isBefore(now.minus(SILENT_AFTER));
                members.add(new Member(rows.getString(1), rows.getString(2), split(rows.getString(3)), split(rows.getString(4)),
                        rows.getLong(5), up && rows.getBoolean(6), rows.getTimestamp(7).toInstant(), seen, up));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read cluster_member: " + e.getMessage(), e);
        }
        return members;
    }

    /** Through the driver class itself: in the application server, DriverManager does not see the WAR's drivers. */
    private Connection connect() throws SQLException {
        try {
            java.sql.Driver driver = (java.sql.Driver) Class.forName(database.driver()).getDeclaredConstructor().newInstance();
            java.util.Properties credentials = new java.util.Properties();
            credentials.put("user", database.user());
            credentials.put("password", database.password());
            return driver.connect(database.url(), credentials);
        } catch (ReflectiveOperationException e) {
            throw new SQLException("no JDBC driver " + database.driver(), e);
        }
    }

    private static String join(List<Integer> numbers) {
        return numbers.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static List<Integer> split(String numbers) {
        return numbers.isEmpty() ? List.of() : Arrays.stream(numbers.split(",")).map(Integer::valueOf).toList();
    }
}
