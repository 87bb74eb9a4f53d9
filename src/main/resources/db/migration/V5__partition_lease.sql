-- Cluster mode: several Annexa instances share one register, each writing only for the partitions of the estate it
-- holds a lease on. Portable SQL, like V3 and V4: the same file runs on H2 and PostgreSQL.
--
-- One row per partition, never deleted: epoch only grows (each take adds one), so a writer that lost its lease can
-- never find its old epoch current again. owner is null once released. Every write transaction of a partition's
-- register reads its row with a lock first (PartitionLeases.fence), so a take waits for the writes already under way
-- and every write after it sees the new epoch.
create table partition_lease (
    partition_id integer      not null primary key,
    owner        varchar(200),
    epoch        bigint       not null,
    taken_at     timestamp with time zone
);
