package io.annexa.register;

import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Who may write for each partition of the estate, in the shared register ({@code partition_lease}, migration V5).
 * Taking a partition adds one to its epoch, so each take, even two at once on PostgreSQL, gets an epoch of its own,
 * higher than every earlier one. A register writing for a partition is given {@link #fence} of its lease: each of its
 * write transactions first reads the lease row with a lock, and writes nothing once the epoch moved on.
 *
 * <p>Why the lock makes the fence hold: {@link #take} updates the row, which waits for every transaction holding the
 * row's lock (the writes of the old owner under way, which commit as they were entitled to), and once it committed
 * every later write transaction of the old owner reads the new epoch and stops. Thread-safe.
 */
public final class PartitionLeases {

    /** A lease held: {@code epoch} is what the fence compares. */
    public record Lease(int partition, String owner, long epoch) {
    }

    private final NonconformityRepository repository;
    private final Clock clock;

    public PartitionLeases(NonconformityRepository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
    }

    /** Takes {@code partition} for {@code owner}, whoever held it: a new lease, with the next epoch. */
    public Lease take(int partition, String owner) {
        if (owner == null || owner.isBlank()) {
            throw new IllegalArgumentException("a lease needs an owner");
        }
        Timestamp now = Timestamp.from(clock.instant());
        return repository.inTransaction(em -> sql(em, connection -> {
            if (postgres(connection)) {
                // one statement: a concurrent taker of the same row waits for this one and adds one to its epoch
                try (PreparedStatement upsert = connection.prepareStatement("""
                        insert into partition_lease (partition_id, owner, epoch, taken_at) values (?, ?, 1, ?)
                        on conflict (partition_id) do update
                        set owner = excluded.owner, epoch = partition_lease.epoch + 1, taken_at = excluded.taken_at
                        returning epoch""")) {
                    upsert.setInt(1, partition);
                    upsert.setString(2, owner);
                    upsert.setTimestamp(3, now);
                    try (ResultSet rows = upsert.executeQuery()) {
                        rows.next();
                        return new Lease(partition, owner, rows.getLong(1));
                    }
                }
            }
            // H2 has no RETURNING: the merge locks the row, and the read after it in the same transaction sees its epoch
            try (PreparedStatement merge = connection.prepareStatement("""
                    merge into partition_lease l using (values (cast(? as integer), cast(? as varchar(200)), cast(? as timestamp with time zone)))
                        t (partition_id, owner, taken_at) on l.partition_id = t.partition_id
                    when matched then update set owner = t.owner, epoch = l.epoch + 1, taken_at = t.taken_at
                    when not matched then insert (partition_id, owner, epoch, taken_at) values (t.partition_id, t.owner, 1, t.taken_at)""")) {
                merge.setInt(1, partition);
                merge.setString(2, owner);
                merge.setTimestamp(3, now);
                merge.executeUpdate();
            }
            return new Lease(partition, owner, current(connection, partition, "").orElseThrow().epoch());
        }));
    }

    /** Gives the partition up, if the lease is still the current one: true when it was. The epoch stays. */
    public boolean release(Lease lease) {
        return repository.inTransaction(em -> sql(em, connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "update partition_lease set owner = null, taken_at = null where partition_id = ? and epoch = ? and owner = ?")) {
                update.setInt(1, lease.partition());
                update.setLong(2, lease.epoch());
                update.setString(3, lease.owner());
                return update.executeUpdate() == 1;
            }
        }));
    }

    /** Every partition's current lease, by partition; a released one has no owner. */
    public List<Lease> all() {
        return repository.inTransaction(em -> sql(em, connection -> {
            List<Lease> leases = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "select partition_id, owner, epoch from partition_lease order by partition_id");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    leases.add(new Lease(rows.getInt(1), rows.getString(2), rows.getLong(3)));
                }
            }
            return leases;
        }));
    }

    /**
     * The fence of a register writing for {@code lease}'s partition: throws {@link LeaseLostException} in any
     * transaction that starts after the partition was taken over or released.
     */
    public WriteFence fence(Lease lease) {
        return em -> {
            Optional<Lease> now = sql(em, connection -> current(connection, lease.partition(),
                    // PostgreSQL: a share lock, so the fenced writers of one lease do not wait for each other; H2 has only
                    // the update lock
                    postgres(connection) ? " for share" : " for update"));
            if (now.isEmpty() || now.get().epoch() != lease.epoch() || !lease.owner().equals(now.get().owner())) {
                throw new LeaseLostException(lease.partition(), lease.epoch(), now.map(Lease::epoch).orElse(0L),
                        now.map(Lease::owner).orElse(null));
            }
        };
    }

    private static Optional<Lease> current(Connection connection, int partition, String lock) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select owner, epoch from partition_lease where partition_id = ?" + lock)) {
            select.setInt(1, partition);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(new Lease(partition, rows.getString(1), rows.getLong(2))) : Optional.empty();
            }
        }
    }

    private static boolean postgres(Connection connection) throws SQLException {
        return connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
    }

    @FunctionalInterface
    private interface Sql<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Runs on the JDBC connection of the entity manager's transaction, so it commits or rolls back with it. */
    private static <T> T sql(EntityManager em, Sql<T> work) {
        Connection connection = em.unwrap(Connection.class);
        if (connection == null) {
            throw new IllegalStateException("the persistence provider gave no connection for the transaction");
        }
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("partition leases: " + e.getMessage(), e);
        }
    }
}
