-- Cluster mode: each instance says every few seconds which partitions it evaluates and which rule library it runs, so
-- any instance can show the whole cluster (GET /api/cluster) and each one's library (GET /api/rules/deployment).
-- Portable SQL: the same file runs on H2 and PostgreSQL.
create table cluster_member (
    instance_id     varchar(200)  not null primary key,
    library_version varchar(100)  not null,
    partitions      varchar(20000) not null,
    rebuilding      varchar(20000) not null,
    lag             bigint        not null,
    ready           boolean       not null,
    started_at      timestamp with time zone not null,
    seen_at         timestamp with time zone not null
);
