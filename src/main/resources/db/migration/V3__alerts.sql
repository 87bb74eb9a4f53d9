-- Alerts: the outbox of events the register's changes raise, the deliveries made of them, receivers disabled by
-- their endpoint (410 Gone) and silences. Portable SQL: the same file runs on H2 and PostgreSQL. Long text is a
-- varchar(1000000), which both accept (PostgreSQL's text has no equivalent on H2 under one name).

-- Ids come from this table, like access_ids and register_ids: portable across H2 and PostgreSQL.
create table alert_ids (
    name    varchar(50) not null primary key,
    next_id bigint      not null
);
insert into alert_ids (name, next_id) values ('alert_event', 0);
insert into alert_ids (name, next_id) values ('silence', 0);

-- One row per alert event, written in the transaction of the change that raised it. dispatched: grouped into
-- deliveries (or silenced, or routed nowhere); the dispatcher reads the rest again at start.
create table alert_event (
    id               bigint          not null primary key,
    event_type       varchar(40)     not null,
    at               timestamp with time zone not null,
    nonconformity_id bigint,
    labels           varchar(20000)  not null,
    subject          varchar(1000000) not null,
    dispatched       boolean         not null default false,
    dispatched_at    timestamp with time zone,
    outcome          varchar(20)
);
create index alert_event_undispatched on alert_event (dispatched, id);
create index alert_event_nonconformity on alert_event (nonconformity_id, id);

-- One notification to one receiver over one channel. id is the Standard Webhooks webhook-id, the same on every
-- attempt and redelivery. state: pending | delivered | failed | dead.
create table alert_delivery (
    id              varchar(64)      not null primary key,
    receiver        varchar(200)     not null,
    channel         varchar(20)      not null,
    group_key       varchar(2000)    not null,
    payload         varchar(1000000) not null,
    state           varchar(20)      not null,
    attempts        integer          not null,
    next_attempt_at timestamp with time zone,
    last_error      varchar(2000),
    last_status     integer,
    created_at      timestamp with time zone not null,
    retry_from      timestamp with time zone not null,
    delivered_at    timestamp with time zone
);
create index alert_delivery_due on alert_delivery (state, next_attempt_at, id);
create index alert_delivery_state on alert_delivery (state, created_at, id);
create index alert_delivery_created on alert_delivery (created_at, id);

-- Which events each delivery carries.
create table alert_delivery_event (
    delivery_id varchar(64) not null references alert_delivery (id),
    event_id    bigint      not null references alert_event (id),
    primary key (delivery_id, event_id)
);
create index alert_delivery_event_event on alert_delivery_event (event_id);

-- A receiver whose endpoint answered 410 Gone is disabled until an admin enables it again.
create table alert_receiver_state (
    name        varchar(200)  not null primary key,
    disabled_at timestamp with time zone,
    reason      varchar(2000)
);

-- Silences: matchers as text, one per line (LabelMatcher syntax). Deleting keeps the row (deleted_at).
create table silence (
    id         bigint         not null primary key,
    matchers   varchar(4000)  not null,
    starts_at  timestamp with time zone not null,
    ends_at    timestamp with time zone not null,
    comment    varchar(2000)  not null,
    created_by varchar(64)    not null,
    created_at timestamp with time zone not null,
    deleted_at timestamp with time zone,
    deleted_by varchar(64)
);
create index silence_ends on silence (ends_at, id);

-- A risk acceptance about to expire is announced once: when, so a restart does not announce it again.
alter table nonconformity add column risk_warned_at timestamp with time zone;
