-- The export history also records the PDF reports and xlsx workbooks (issue 15), and a patient's
-- progress report as its own kind.
alter table export_history drop constraint export_history_format_check;
alter table export_history add constraint export_history_format_check check (format in ('json', 'csv', 'pdf', 'xlsx'));
alter table export_history drop constraint export_history_kind_check;
alter table export_history add constraint export_history_kind_check check (kind in ('session', 'batch', 'upload', 'patient'));
