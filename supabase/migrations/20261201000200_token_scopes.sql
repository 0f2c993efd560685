-- API token scopes and expiry (docs/decisions/071-token-scopes-and-expiry.md).
-- A token acts only within its scopes (on top of its owner's role) and stops working at expires_at.
-- Tokens made before scopes existed could only export: they keep exactly that, and expire 90 days
-- from now (the default lifetime of a new token) instead of never.
alter table api_tokens
  add column scopes text[] not null default array['export']::text[],
  add column expires_at timestamptz;

update api_tokens set expires_at = now() + interval '90 days';

alter table api_tokens
  alter column scopes drop default,
  alter column expires_at set not null,
  add constraint api_tokens_scopes_known
    check (cardinality(scopes) >= 1 and scopes <@ array['export', 'upload', 'manage', 'admin']::text[]),
  add constraint api_tokens_expiry_after_creation check (expires_at > created_at);
