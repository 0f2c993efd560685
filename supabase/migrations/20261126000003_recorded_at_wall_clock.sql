-- recorded_at is the clinic's local wall-clock time without a zone (docs/decisions/020): GHOSTLY C3D
-- files carry no time zone, so storing it as timestamptz would invent one. Values stored so far were
-- written as UTC and are converted back to that wall-clock reading.
alter table therapy_sessions drop column sort_at;
alter table therapy_sessions
  alter column recorded_at type timestamp without time zone using (recorded_at at time zone 'UTC');
-- Lists sort by when the session happened; a file without a time stamp sorts by its upload time
-- (read as UTC — the only zone the server can name).
alter table therapy_sessions
  add column sort_at timestamp without time zone
  generated always as (coalesce(recorded_at, created_at at time zone 'UTC')) stored;
create index therapy_sessions_sort_idx on therapy_sessions (sort_at desc, id desc);
create index therapy_sessions_patient_sort_idx on therapy_sessions (patient_id, sort_at desc, id desc);
