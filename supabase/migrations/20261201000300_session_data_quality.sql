-- Recording quality (docs/quality.md, docs/decisions/024): the export's data_quality section
-- ({status, findings}) as the pipeline computed it at upload. Null for sessions analysed before the
-- checks existed: they cannot be computed here (they need the signals), and the export says so.
alter table therapy_sessions add column if not exists data_quality jsonb;

alter table therapy_sessions add constraint therapy_sessions_data_quality_status
  check (data_quality is null or data_quality->>'status' in ('good', 'review', 'unusable'));

-- The sessions list filters by status.
create index if not exists therapy_sessions_quality_status on therapy_sessions ((data_quality->>'status'));
