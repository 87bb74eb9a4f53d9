-- Reminders (repeat_interval): a nonconformity still not fixed is told again to the receiver that was told it fired.
-- Portable SQL, like V3: the same file runs on H2 and PostgreSQL.

-- One row per receiver, group and nonconformity that a "firing" event (nonconformity.opened|reopened|escalated,
-- incident.detected, monitoring.gap, risk-acceptance.expired) was notified to. Written in the transaction that writes
-- the notification's deliveries; next_at is moved on in the transaction that writes the reminder's deliveries, so a
-- restart (even a kill) neither loses a reminder nor sends it twice. event_id: the latest firing event notified, whose
-- labels say which route and group the reminder belongs to.
create table alert_reminder (
    receiver         varchar(200)  not null,
    group_key        varchar(2000) not null,
    nonconformity_id bigint        not null,
    event_id         bigint        not null references alert_event (id),
    next_at          timestamp with time zone not null,
    primary key (receiver, group_key, nonconformity_id)
);
create index alert_reminder_due on alert_reminder (next_at);

-- A reminder is a delivery like any other, marked so its body says so (webhook "repeat": true, the mail's subject).
alter table alert_delivery add column reminder boolean default false not null;
