-- The history of a stored session (docs/product.md, issue 14 item 3): every change — uploaded,
-- inputs corrected, re-processed, archived, restored — with who, when and what changed
-- (`{ field: { from, to } }` for inputs and every score). The actor's label is copied so the
-- event still says who acted after the user is removed.

create table session_events (
  id bigserial primary key,
  session_id uuid not null references therapy_sessions (id) on delete cascade,
  at timestamptz not null default now(),
  actor_user_id uuid references users (id) on delete set null,
  actor_label text not null,
  kind text not null check (kind in ('uploaded', 'inputs_corrected', 'reprocessed', 'archived', 'restored')),
  changes jsonb not null default '{}'::jsonb,
  constraint session_events_changes_object check (jsonb_typeof(changes) = 'object')
);
create index session_events_session_idx on session_events (session_id, at, id);

-- Sessions stored before the history existed: their upload is the first event.
insert into session_events (session_id, at, actor_user_id, actor_label, kind)
select s.id, s.created_at, s.therapist_id, coalesce(nullif(u.display_name, ''), u.email), 'uploaded'
from therapy_sessions s join users u on u.id = s.therapist_id;
