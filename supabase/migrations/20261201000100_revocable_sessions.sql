-- Revocable sign-in sessions (docs/decisions/038-revocable-sessions.md). The session cookie names
-- one row here by a random id (only its SHA-256 is stored). Signing out deletes the row;
-- "sign out everywhere", deactivation, a password change and a role change delete every row of
-- that user. A row ends 12 hours after sign-in whatever the cookie says.
create table auth_sessions (
  id_hash char(64) primary key,
  user_id uuid not null references users (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  constraint auth_sessions_id_hash_hex check (id_hash ~ '^[0-9a-f]{64}$'),
  constraint auth_sessions_lifetime check (expires_at > created_at)
);
create index auth_sessions_user_id_idx on auth_sessions (user_id);
create index auth_sessions_expires_at_idx on auth_sessions (expires_at);

-- The per-user version could only end every session at once; the rows above replace it.
alter table users drop column session_version;

-- Deactivation now revokes the account's API tokens (so a reactivation revives none): do it for
-- the accounts deactivated before this migration too.
update api_tokens set revoked_at = now()
 where revoked_at is null and user_id in (select id from users where not active);
