-- A small job queue in the database both drivers run (docs/decisions/073-job-queue-in-postgres.md):
-- workers claim with FOR UPDATE SKIP LOCKED, a claim expires after its visibility timeout, a failed
-- job is retried with exponential backoff, and after max_attempts it becomes a dead letter.
create table jobs (
  id uuid primary key default gen_random_uuid(),
  kind text not null,
  payload jsonb not null default '{}'::jsonb,
  -- Same key, same job: a duplicate enqueue (a replayed event) returns the job already queued.
  dedupe_key text,
  state text not null default 'queued' check (state in ('queued', 'running', 'done', 'dead')),
  attempts integer not null default 0 check (attempts >= 0),
  max_attempts integer not null default 5 check (max_attempts >= 1),
  run_at timestamptz not null default now(),
  locked_until timestamptz,
  locked_by text,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index jobs_dedupe_key on jobs (kind, dedupe_key) where dedupe_key is not null;
create index jobs_ready on jobs (run_at) where state in ('queued', 'running');
create index jobs_dead on jobs (updated_at) where state = 'dead';
