-- Auth: a per-user session version. Signed-in sessions carry the version they were issued with;
-- changing or resetting a password bumps it, so every other session of that user ends at once.
alter table users add column session_version integer not null default 0;
