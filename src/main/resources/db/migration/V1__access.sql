-- Users and API tokens (access control). Portable SQL: the same file runs on H2 and PostgreSQL.
create table annexa_user (
    id            bigint       not null primary key,
    name          varchar(64)  not null,
    password_hash varchar(200) not null,
    role          varchar(20)  not null,
    disabled      boolean      not null default false,
    created_at    timestamp with time zone not null,
    updated_at    timestamp with time zone not null,
    constraint annexa_user_name unique (name)
);

create table api_token (
    id           bigint       not null primary key,
    name         varchar(100) not null,
    user_name    varchar(64)  not null references annexa_user (name),
    role         varchar(20)  not null,
    token_hash   varchar(64)  not null,
    created_at   timestamp with time zone not null,
    expires_at   timestamp with time zone,
    last_used_at timestamp with time zone,
    constraint api_token_hash unique (token_hash)
);

create index api_token_user on api_token (user_name);

-- Ids come from this table (the persistence provider's table generator): portable across H2 and PostgreSQL.
create table access_ids (
    name    varchar(50) not null primary key,
    next_id bigint      not null
);
insert into access_ids (name, next_id) values ('annexa_user', 0);
insert into access_ids (name, next_id) values ('api_token', 0);
