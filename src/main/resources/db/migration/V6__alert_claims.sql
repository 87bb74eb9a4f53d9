-- Several Annexa instances may share one database: each delivery is attempted by one of them at a time, and one of
-- them at a time turns events into deliveries. Portable SQL, like V3: the same file runs on H2 and PostgreSQL.

-- A pending delivery being attempted is claimed by one dispatcher until claimed_until. The claim is renewed while the
-- attempt runs and dropped with its result; a dispatcher that dies leaves it behind, and another one takes the
-- delivery over once claimed_until has passed. Both null: nobody holds it.
alter table alert_delivery add column claimed_by varchar(200);
alter table alert_delivery add column claimed_until timestamp with time zone;
-- The due deliveries are read in this order with the claim in the condition: with the claim in the index as well, the
-- rows of deliveries claimed (attempts under way, which come first) are passed over in the index alone.
create index alert_delivery_claimable on alert_delivery (state, next_attempt_at, id, claimed_until, claimed_by);
drop index alert_delivery_due;

-- Roles that one dispatcher at a time holds, with the same claim: 'grouping' reads the outbox, groups the events and
-- writes their deliveries (group_wait, group_interval and the grouper's memory of what was sent live in that one
-- dispatcher's memory). The holder renews it every poll interval; every write of deliveries checks it holds it.
create table alert_lease (
    name          varchar(50)  not null primary key,
    claimed_by    varchar(200),
    claimed_until timestamp with time zone
);
insert into alert_lease (name, claimed_by, claimed_until) values ('grouping', null, null);
