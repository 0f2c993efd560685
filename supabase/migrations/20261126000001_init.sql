-- GHOSTLY+ EMG: initial schema. Plain PostgreSQL 15+ (also runs on PGlite / PG 18 WASM): no extensions.
-- Every score is 0..100 and every rate 0..1 (shared/spec/scoring.md); the checks below make the
-- database refuse a session the scoring code should never have produced.

create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null,
  display_name text not null default '',
  password_hash text,
  role text not null check (role in ('therapist', 'researcher', 'admin')),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Stored lower-cased so the unique index is case-insensitive without citext.
  constraint users_email_lower_case check (email = lower(email)),
  constraint users_email_key unique (email)
);

create table api_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  name text not null,
  token_hash text not null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  constraint api_tokens_token_hash_key unique (token_hash)
);
create index api_tokens_user_id_idx on api_tokens (user_id);

create table scoring_configurations (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  is_default boolean not null default false,
  weight_compliance double precision not null check (weight_compliance between 0 and 1),
  weight_symmetry double precision not null check (weight_symmetry between 0 and 1),
  weight_effort double precision not null check (weight_effort between 0 and 1),
  weight_game double precision not null check (weight_game between 0 and 1),
  weight_completion double precision not null check (weight_completion between 0 and 1),
  weight_intensity double precision not null check (weight_intensity between 0 and 1),
  weight_duration double precision not null check (weight_duration between 0 and 1),
  -- Borg CR-10 value ("0".."10") → effort score 0..100.
  rpe_mapping jsonb not null,
  bfr_min_aop double precision not null check (bfr_min_aop between 0 and 100),
  bfr_max_aop double precision not null check (bfr_max_aop between 0 and 100),
  expected_contractions integer not null check (expected_contractions >= 1),
  target_duration_ms double precision not null check (target_duration_ms > 0),
  mvc_threshold_percentage double precision not null
    check (mvc_threshold_percentage > 0 and mvc_threshold_percentage <= 100),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint scoring_configurations_weights_sum
    check (abs(weight_compliance + weight_symmetry + weight_effort + weight_game - 1) <= 0.001),
  constraint scoring_configurations_sub_weights_sum
    check (abs(weight_completion + weight_intensity + weight_duration - 1) <= 0.001),
  constraint scoring_configurations_bfr_range check (bfr_min_aop <= bfr_max_aop),
  constraint scoring_configurations_rpe_mapping_object check (jsonb_typeof(rpe_mapping) = 'object')
);
-- At most one global default.
create unique index scoring_configurations_one_default
  on scoring_configurations (is_default) where is_default;

create table patients (
  id uuid primary key default gen_random_uuid(),
  code text not null,
  therapist_id uuid not null references users (id),
  mvc_ch1 double precision check (mvc_ch1 > 0),
  mvc_ch2 double precision check (mvc_ch2 > 0),
  scoring_configuration_id uuid references scoring_configurations (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint patients_code_key unique (code),
  -- Pseudonymised codes only: no names ever reach the database.
  constraint patients_code_format check (code ~ '^P[0-9]{3,}$')
);
create index patients_therapist_id_idx on patients (therapist_id);

create table therapy_sessions (
  id uuid primary key default gen_random_uuid(),
  session_code text not null,
  patient_id uuid not null references patients (id),
  therapist_id uuid not null references users (id),
  recorded_at timestamptz,
  source_filename text not null,
  file_sha256 char(64) not null,
  file_size_bytes bigint not null check (file_size_bytes >= 0),
  c3d_metadata jsonb not null default '{}'::jsonb,
  processing_status text not null,
  processing_version text not null,
  processing_parameters jsonb,
  session_parameters jsonb not null,
  scoring_configuration jsonb,
  data_completeness jsonb not null,
  game jsonb not null,
  warnings jsonb not null default '[]'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Lists sort by when the session happened; a file without a time stamp sorts by upload time.
  sort_at timestamptz generated always as (coalesce(recorded_at, created_at)) stored,
  constraint therapy_sessions_session_code_key unique (session_code),
  constraint therapy_sessions_file_sha256_hex check (file_sha256 ~ '^[0-9a-f]{64}$'),
  -- The same file uploaded twice for the same patient is the same session.
  constraint therapy_sessions_patient_file_key unique (patient_id, file_sha256),
  constraint therapy_sessions_warnings_array check (jsonb_typeof(warnings) = 'array')
);
create index therapy_sessions_sort_idx on therapy_sessions (sort_at desc, id desc);
create index therapy_sessions_patient_sort_idx on therapy_sessions (patient_id, sort_at desc, id desc);

create table channel_results (
  session_id uuid not null references therapy_sessions (id) on delete cascade,
  channel_id text not null,
  -- Keeps the channel order of the analysis (CH1, CH2, …) when the export is rebuilt.
  position integer not null check (position >= 0),
  label text not null,
  side text check (side in ('left', 'right')),
  timing_source text check (timing_source in ('activated', 'envelope')),
  mvc_value double precision,
  mvc_source text check (mvc_source in ('upload', 'patient', 'peak_in_task')),
  mvc_threshold double precision,
  rms double precision,
  mav double precision,
  mpf double precision,
  mdf double precision,
  fatigue_index_fi_nsm5 double precision,
  target_duration_ms double precision,
  contraction_count integer check (contraction_count >= 0),
  good_contraction_count integer check (good_contraction_count >= 0),
  intensity_compliant_count integer check (intensity_compliant_count >= 0),
  duration_compliant_count integer check (duration_compliant_count >= 0),
  mean_duration_ms double precision,
  shortest_duration_ms double precision,
  longest_duration_ms double precision,
  total_time_under_tension_ms double precision,
  mean_peak_rms double precision,
  max_peak_rms double precision,
  duration_s double precision,
  error jsonb,
  warnings jsonb not null default '[]'::jsonb,
  envelope_times_s double precision[] not null default '{}',
  envelope_values double precision[] not null default '{}',
  primary key (session_id, channel_id),
  constraint channel_results_envelope_lengths
    check (cardinality(envelope_times_s) = cardinality(envelope_values)),
  constraint channel_results_counts_consistent
    check (good_contraction_count is null or contraction_count is null
           or good_contraction_count <= contraction_count)
);

create table contractions (
  session_id uuid not null,
  channel text not null,
  index integer not null check (index >= 0),
  start_ms double precision not null check (start_ms >= 0),
  end_ms double precision not null,
  duration_ms double precision not null check (duration_ms >= 0),
  peak_rms double precision not null,
  mean_rms double precision not null,
  percent_mvc double precision,
  meets_intensity boolean not null,
  meets_duration boolean not null,
  is_good boolean not null,
  primary key (session_id, channel, index),
  foreign key (session_id, channel) references channel_results (session_id, channel_id) on delete cascade,
  constraint contractions_interval check (end_ms >= start_ms),
  -- emg-pipeline.md §4: a good contraction is one that meets both targets.
  constraint contractions_is_good check (is_good = (meets_intensity and meets_duration))
);

create table performance_scores (
  session_id uuid primary key references therapy_sessions (id) on delete cascade,
  overall_score double precision check (overall_score between 0 and 100),
  compliance_score double precision check (compliance_score between 0 and 100),
  symmetry_score double precision check (symmetry_score between 0 and 100),
  effort_score double precision check (effort_score between 0 and 100),
  game_score double precision check (game_score between 0 and 100),
  bfr_compliant boolean,
  bfr_pressure_aop double precision check (bfr_pressure_aop between 0 and 100),
  rpe_post_session integer check (rpe_post_session between 0 and 10),
  game_points_achieved double precision,
  game_points_max double precision check (game_points_max >= 0),
  category text check (category in ('target_achieved', 'adequate', 'below_target', 'poor', 'inadequate')),
  left_channel text,
  left_overall_compliance double precision check (left_overall_compliance between 0 and 100),
  left_completion_rate double precision check (left_completion_rate between 0 and 1),
  left_intensity_rate double precision check (left_intensity_rate between 0 and 1),
  left_duration_rate double precision check (left_duration_rate between 0 and 1),
  left_contraction_count integer check (left_contraction_count >= 0),
  left_good_contraction_count integer check (left_good_contraction_count >= 0),
  left_intensity_compliant_count integer check (left_intensity_compliant_count >= 0),
  left_duration_compliant_count integer check (left_duration_compliant_count >= 0),
  left_expected_contractions integer check (left_expected_contractions >= 1),
  right_channel text,
  right_overall_compliance double precision check (right_overall_compliance between 0 and 100),
  right_completion_rate double precision check (right_completion_rate between 0 and 1),
  right_intensity_rate double precision check (right_intensity_rate between 0 and 1),
  right_duration_rate double precision check (right_duration_rate between 0 and 1),
  right_contraction_count integer check (right_contraction_count >= 0),
  right_good_contraction_count integer check (right_good_contraction_count >= 0),
  right_intensity_compliant_count integer check (right_intensity_compliant_count >= 0),
  right_duration_compliant_count integer check (right_duration_compliant_count >= 0),
  right_expected_contractions integer check (right_expected_contractions >= 1),
  updated_at timestamptz not null default now()
);

create table export_history (
  id uuid primary key default gen_random_uuid(),
  user_id uuid references users (id) on delete set null,
  token_id uuid references api_tokens (id) on delete set null,
  format text not null check (format in ('json', 'csv')),
  kind text not null check (kind in ('session', 'batch', 'upload')),
  session_ids uuid[] not null default '{}',
  created_at timestamptz not null default now()
);
create index export_history_user_idx on export_history (user_id, created_at desc);
