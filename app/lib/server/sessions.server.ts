/**
 * The session repository: the ONE module that reads and writes stored sessions. Every function takes
 * the caller first and goes through `patientScope` (patients.server.ts), so a session a caller may not
 * see is indistinguishable from a missing one.
 *
 * A stored session is the analysis (`SessionAnalysis`) split over therapy_sessions (identity, jsonb
 * sections), channel_results (per-channel analytics + envelope), contractions and performance_scores
 * (scores + compliance breakdown), and re-assembled into the canonical export's sections on read.
 */
import { randomInt } from "node:crypto";
import type { EnvelopeSeries, SessionAnalysis } from "~/lib/analysis/types";
import type {
  ChannelResult,
  ComplianceBreakdown,
  Contraction,
  DataCompleteness,
  GameInfo,
  MuscleCompliance,
  PerformanceScores,
  ProcessingParameters,
  ScoringConfigurationExport,
  SessionInfo,
  SessionParameters,
} from "~/lib/export/schema";
import { type Caller, NotFoundError, ValidationError } from "./caller.server";
import { getDb, pgConstraint, pgErrorCode, type Queryable } from "./db.server";
import { assertCanWrite, ensurePatient, isUuid, patientScope, seesTherapistIdentity } from "./patients.server";
import { type BlobStorage, getStorage } from "./storage.server";

export { getDefaultScoringConfiguration, getPatientScoringConfiguration } from "./patients.server";
export type { StoredScoringConfiguration } from "./patients.server";

// ---------------------------------------------------------------------------------------------
// Column lists. The `satisfies` + exhaustiveness checks make tsc fail when the export schema gains
// a field that is not stored.

const SCORE_FIELDS = [
  "overall_score",
  "compliance_score",
  "symmetry_score",
  "effort_score",
  "game_score",
  "bfr_compliant",
  "bfr_pressure_aop",
  "rpe_post_session",
  "game_points_achieved",
  "game_points_max",
  "category",
] as const satisfies readonly (keyof PerformanceScores)[];

const MUSCLE_FIELDS = [
  "channel",
  "overall_compliance",
  "completion_rate",
  "intensity_rate",
  "duration_rate",
  "contraction_count",
  "good_contraction_count",
  "intensity_compliant_count",
  "duration_compliant_count",
  "expected_contractions",
] as const satisfies readonly (keyof MuscleCompliance)[];

const CHANNEL_SCALARS = [
  "label",
  "side",
  "timing_source",
  "mvc_value",
  "mvc_source",
  "mvc_threshold",
  "rms",
  "mav",
  "mpf",
  "mdf",
  "fatigue_index_fi_nsm5",
  "target_duration_ms",
  "contraction_count",
  "good_contraction_count",
  "intensity_compliant_count",
  "duration_compliant_count",
  "mean_duration_ms",
  "shortest_duration_ms",
  "longest_duration_ms",
  "total_time_under_tension_ms",
  "mean_peak_rms",
  "max_peak_rms",
  "duration_s",
] as const satisfies readonly (keyof ChannelResult)[];
const CHANNEL_JSON = ["error", "warnings"] as const satisfies readonly (keyof ChannelResult)[];

type Exhaustive<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : Exclude<All, Listed>;
const storesEveryScore: Exhaustive<keyof PerformanceScores, (typeof SCORE_FIELDS)[number]> = true;
const storesEveryMuscleField: Exhaustive<keyof MuscleCompliance, (typeof MUSCLE_FIELDS)[number]> = true;
const storesEveryChannelField: Exhaustive<
  keyof ChannelResult,
  (typeof CHANNEL_SCALARS)[number] | (typeof CHANNEL_JSON)[number]
> = true;
void [storesEveryScore, storesEveryMuscleField, storesEveryChannelField];

const SIDES = ["left", "right"] as const;
const SCORE_COLUMNS = [
  ...SCORE_FIELDS,
  ...SIDES.flatMap((side) => MUSCLE_FIELDS.map((field) => `${side}_${field}`)),
];

// ---------------------------------------------------------------------------------------------
// Public types

export interface StoredEnvelope {
  times_s: number[];
  values: number[];
}

/** Everything needed to rebuild the canonical export of a stored session. */
export interface StoredSession {
  id: string;
  patientId: string;
  createdAt: string;
  updatedAt: string;
  /** Identity fields filled in: session_code, patient_code, therapist (null for researchers). */
  session: SessionInfo;
  performance_scores: PerformanceScores;
  compliance_breakdown: ComplianceBreakdown;
  scoring_configuration: ScoringConfigurationExport | null;
  processing_parameters: ProcessingParameters | null;
  session_parameters: SessionParameters;
  data_completeness: DataCompleteness;
  /** In the analysis' channel order. */
  channels: Record<string, ChannelResult>;
  /** Ordered by channel (analysis order), then index. */
  contractions: Contraction[];
  /** Per channel; empty when loaded without envelopes (streamSessions default). */
  envelopes: Record<string, StoredEnvelope>;
  c3d_metadata: Record<string, unknown>;
  warnings: { code: string; message: string }[];
}

export interface SessionSummary {
  id: string;
  session_code: string;
  patient_code: string;
  therapist: string | null;
  recorded_at: string | null;
  created_at: string;
  source_filename: string;
  processing_status: string;
  overall_score: number | null;
  category: PerformanceScores["category"];
}

export interface SessionFilters {
  patientCode?: string;
  /**
   * Inclusive lower bound on recorded_at (upload time when unknown). Like recorded_at it is a
   * wall-clock time (docs/decisions/020): a zone in the string is ignored, a Date is read in UTC.
   */
  from?: Date | string;
  /** Upper bound; a date-only string includes that whole day, a full time stamp is exclusive. */
  to?: Date | string;
}

export interface StoreAnalysisInput {
  patientCode: string;
  analysis: SessionAnalysis;
  /** The original C3D bytes; stored content-addressed before the database transaction. */
  bytes: Uint8Array;
  /** The user's file name, when the analysis does not carry it. */
  sourceFilename?: string;
}

export interface StoreAnalysisResult {
  sessionId: string;
  sessionCode: string;
  /** true: this patient already had a session from the same file; nothing new was written. */
  duplicate: boolean;
}

/** What re-scoring produced (the caller computes it with the scoring lib). */
export interface Rescored {
  performance_scores: PerformanceScores;
  compliance_breakdown: ComplianceBreakdown;
  data_completeness: DataCompleteness;
  /** A new snapshot, when re-scored with another configuration (null/absent: keep the stored one). */
  scoring_configuration?: ScoringConfigurationExport | null;
  /** Changed channel analytics (e.g. new MVC → new counts); envelopes are kept. */
  channels?: Record<string, ChannelResult>;
  /** Replaces every contraction of the session (e.g. new MVC → new percent_mvc / meets_intensity). */
  contractions?: Contraction[];
}

/**
 * Which of the large parts of a stored session to read. A CSV or JSON export without signals needs
 * neither: the envelopes are ~3,000 float8 per session and dominate the read time.
 */
export interface SessionInclude {
  /** The per-channel RMS envelopes (review plot, exports with signals). */
  envelopes?: boolean;
  /** `c3d_metadata` and the file-level `warnings` (review page, exports with debug); else `{}` and `[]`. */
  c3dMetadata?: boolean;
  /**
   * false: the contraction list is read only for a session where one of them holds a non-finite
   * number (the one way a stored contraction breaks the export contract, so the export names it in
   * `errors`); every other session gets []. For CSV rows, which show the list only through
   * export_errors. Default true.
   */
  contractions?: boolean;
}

export interface RepositoryOptions {
  /** Defaults to getDb() / getStorage(); tests pass their own. */
  db?: Queryable & { transaction: import("./db.server").Db["transaction"] };
  storage?: BlobStorage;
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** jsonb parameter: serialised here and cast in SQL as $n::text::jsonb, which both drivers pass through unchanged. */
function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** S-<yyyymmdd of the recording (its wall-clock day), or today (UTC)>-<6 Crockford base32>, e.g. S-20240305-7K2QXM. */
export function newSessionCode(recordedAt: string | null, now = new Date()): string {
  const recordedDay = recordedAt?.match(/^(\d{4})-(\d{2})-(\d{2})/);
  const day = recordedDay ? recordedDay.slice(1).join("") : now.toISOString().slice(0, 10).replaceAll("-", "");
  let suffix = "";
  for (let i = 0; i < 6; i++) suffix += CROCKFORD[randomInt(32)];
  return `S-${day}-${suffix}`;
}

/** An integer within [min, max]; `fallback` for undefined or non-finite input (e.g. NaN from a query string). */
function clampInt(value: number | undefined, fallback: number, min: number, max: number): number {
  const n = value === undefined || !Number.isFinite(value) ? fallback : Math.trunc(value);
  return Math.min(Math.max(n, min), max);
}

/**
 * recorded_at as stored: wall-clock `YYYY-MM-DDTHH:MM:SS` without zone (docs/decisions/020),
 * microseconds only when there are any.
 */
const RECORDED_AT_SQL = `case when s.recorded_at = date_trunc('second', s.recorded_at)
  then to_char(s.recorded_at, 'YYYY-MM-DD"T"HH24:MI:SS') else to_char(s.recorded_at, 'YYYY-MM-DD"T"HH24:MI:SS.US') end`;

/** A list bound as a wall-clock time stamp string for `::timestamp`. */
function parseBound(value: Date | string | undefined, field: "from" | "to"): string | undefined {
  if (value === undefined || value === "") return undefined;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ValidationError(`${field} is not a valid date`, field);
    return value.toISOString().slice(0, 23);
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = new Date(`${value}T00:00:00Z`);
    if (Number.isNaN(day.getTime())) throw new ValidationError(`${field} ${value} is not a valid date`, field);
    return (field === "to" ? new Date(day.getTime() + 86_400_000) : day).toISOString().slice(0, 19);
  }
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new ValidationError(`${field} must be an ISO 8601 date or time stamp, got ${JSON.stringify(value)}`, field);
  }
  return value;
}

function filterSql(caller: Caller, filters: SessionFilters, params: unknown[]): string {
  const where = [patientScope(caller, "p", params)];
  if (filters.patientCode) {
    params.push(filters.patientCode);
    where.push(`p.code = $${params.length}`);
  }
  const from = parseBound(filters.from, "from");
  const to = parseBound(filters.to, "to");
  if (from) {
    params.push(from);
    where.push(`s.sort_at >= $${params.length}::timestamp`);
  }
  if (to) {
    params.push(to);
    where.push(`s.sort_at < $${params.length}::timestamp`);
  }
  return where.join(" and ");
}

/**
 * C3D parameters that can name a person: the player (patient) and the therapist the game recorded.
 * Researchers get them as null (they read pseudonymised data: patient codes only).
 */
const IDENTIFYING_C3D_PARAMETERS: Record<string, RegExp> = {
  subjects: /^(PLAYER_NAME|NAMES|LABEL_PREFIXES)$/i,
  info: /^(THERAPIST_ID|THERAPIST|PATIENT|PATIENT_NAME|PLAYER_NAME)$/i,
};

export function pseudonymiseC3dMetadata(metadata: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...metadata };
  for (const [group, identifying] of Object.entries(IDENTIFYING_C3D_PARAMETERS)) {
    const values = copy[group];
    if (values && typeof values === "object" && !Array.isArray(values)) {
      copy[group] = Object.fromEntries(
        Object.entries(values).map(([name, value]) => [name, identifying.test(name) ? null : value]),
      );
    }
  }
  return copy;
}

function therapistSql(caller: Caller): string {
  return seesTherapistIdentity(caller) ? "coalesce(nullif(u.display_name, ''), u.email)" : "null::text";
}

/** Turns a constraint violation into a 422 naming the rule; other errors pass through. */
function asValidationError(error: unknown): unknown {
  const code = pgErrorCode(error);
  if (code && ["23514", "23502", "22P02", "22003", "22007", "22008"].includes(code)) {
    return new ValidationError(
      `session rejected by the database: ${(error as Error).message}`,
      pgConstraint(error),
    );
  }
  return error;
}

async function insertChannels(
  tx: Queryable,
  sessionId: string,
  channels: Record<string, ChannelResult>,
  envelopes: Record<string, EnvelopeSeries | StoredEnvelope>,
): Promise<void> {
  const columns = ["session_id", "channel_id", "position", ...CHANNEL_SCALARS, ...CHANNEL_JSON, "envelope_times_s", "envelope_values"];
  const placeholders = columns.map((column, i) =>
    (CHANNEL_JSON as readonly string[]).includes(column) ? `$${i + 1}::text::jsonb` : column.startsWith("envelope_") ? `$${i + 1}::float8[]` : `$${i + 1}`,
  );
  const sql = `insert into channel_results (${columns.join(", ")}) values (${placeholders.join(", ")})`;
  let position = 0;
  for (const [channelId, channel] of Object.entries(channels)) {
    const envelope = envelopes[channelId];
    await tx.query(sql, [
      sessionId,
      channelId,
      position++,
      ...CHANNEL_SCALARS.map((field) => channel[field]),
      json(channel.error),
      json(channel.warnings ?? []),
      envelope ? Array.from(envelope.times_s) : [],
      envelope ? Array.from(envelope.values) : [],
    ]);
  }
}

async function updateChannels(tx: Queryable, sessionId: string, channels: Record<string, ChannelResult>): Promise<void> {
  const sets = [
    ...CHANNEL_SCALARS.map((field, i) => `${field} = $${i + 3}`),
    ...CHANNEL_JSON.map((field, i) => `${field} = $${CHANNEL_SCALARS.length + i + 3}::text::jsonb`),
  ];
  for (const [channelId, channel] of Object.entries(channels)) {
    const result = await tx.query(
      `update channel_results set ${sets.join(", ")} where session_id = $1 and channel_id = $2`,
      [sessionId, channelId, ...CHANNEL_SCALARS.map((field) => channel[field]), json(channel.error), json(channel.warnings ?? [])],
    );
    if (result.rowCount === 0) throw new ValidationError(`session has no channel ${channelId}`, "channels");
  }
}

async function insertContractions(tx: Queryable, sessionId: string, contractions: Contraction[]): Promise<void> {
  if (contractions.length === 0) return;
  // One statement for all contractions: unnest of parallel arrays.
  await tx.query(
    `insert into contractions (session_id, channel, index, start_ms, end_ms, duration_ms, peak_rms, mean_rms,
       percent_mvc, meets_intensity, meets_duration, is_good)
     select $1::uuid, * from unnest($2::text[], $3::int[], $4::float8[], $5::float8[], $6::float8[], $7::float8[],
       $8::float8[], $9::float8[], $10::bool[], $11::bool[], $12::bool[])`,
    [
      sessionId,
      contractions.map((c) => c.channel),
      contractions.map((c) => c.index),
      contractions.map((c) => c.start_ms),
      contractions.map((c) => c.end_ms),
      contractions.map((c) => c.duration_ms),
      contractions.map((c) => c.peak_rms),
      contractions.map((c) => c.mean_rms),
      contractions.map((c) => c.percent_mvc),
      contractions.map((c) => c.meets_intensity),
      contractions.map((c) => c.meets_duration),
      contractions.map((c) => c.is_good),
    ],
  );
}

async function upsertScores(
  tx: Queryable,
  sessionId: string,
  scores: PerformanceScores,
  breakdown: ComplianceBreakdown,
): Promise<void> {
  const values = [
    ...SCORE_FIELDS.map((field) => scores[field]),
    ...SIDES.flatMap((side) => MUSCLE_FIELDS.map((field) => breakdown[`${side}_muscle`][field])),
  ];
  const columns = ["session_id", ...SCORE_COLUMNS];
  await tx.query(
    `insert into performance_scores (${columns.join(", ")}) values (${columns.map((_, i) => `$${i + 1}`).join(", ")})
     on conflict (session_id) do update set ${SCORE_COLUMNS.map((c) => `${c} = excluded.${c}`).join(", ")}, updated_at = now()`,
    [sessionId, ...values],
  );
}

// ---------------------------------------------------------------------------------------------
// Loading

/** The stored session as the database sends it: one JSON document (see loadSessions). */
interface SessionDoc {
  patient_id: string;
  session_code: string;
  patient_code: string;
  therapist: string | null;
  recorded_at: string | null;
  source_filename: string;
  file_sha256: string;
  file_size_bytes: number;
  c3d_metadata: Record<string, unknown>;
  warnings: { code: string; message: string }[];
  processing_status: string;
  processing_parameters: ProcessingParameters | null;
  session_parameters: SessionParameters;
  scoring_configuration: ScoringConfigurationExport | null;
  data_completeness: DataCompleteness;
  game: GameInfo;
  created_at: string;
  updated_at: string;
  /** Per channel, in position order: [channel_id, ...CHANNEL_SCALARS, ...CHANNEL_JSON, times_s?, values?]. */
  channels: unknown[][];
  /** In channel position, then index order: CONTRACTION_FIELDS. */
  contractions: unknown[][];
  /** SCORE_COLUMNS, or null when the session has no score row. */
  scores: unknown[] | null;
}

const CONTRACTION_FIELDS = [
  "channel",
  "index",
  "start_ms",
  "end_ms",
  "duration_ms",
  "peak_rms",
  "mean_rms",
  "percent_mvc",
  "meets_intensity",
  "meets_duration",
  "is_good",
] as const satisfies readonly (keyof Contraction)[];
const storesEveryContractionField: Exhaustive<keyof Contraction, (typeof CONTRACTION_FIELDS)[number]> = true;
void storesEveryContractionField;

/** The float8 columns of a contraction: the only ones the database lets hold a value the export rejects. */
const CONTRACTION_FLOATS = ["start_ms", "end_ms", "duration_ms", "peak_rms", "mean_rms", "percent_mvc"] as const satisfies readonly (typeof CONTRACTION_FIELDS)[number][];

/** Text columns among the lists above: the only places where the string "NaN" is a value, not a float. */
const TEXT_COLUMNS = new Set(["label", "side", "timing_source", "mvc_source", "category", "channel"]);

/**
 * PostgreSQL's JSON has no NaN/±Infinity: a float8 holding one is sent as the string "NaN",
 * "Infinity" or "-Infinity". Turning it back into the number keeps what a plain column read gave.
 * Finite floats need nothing: json and the column output both print float8 with float8out
 * (shortest round-trip digits), so JSON.parse yields the same double as the drivers' parseFloat.
 */
function float(value: unknown): unknown {
  return value === "NaN" || value === "Infinity" || value === "-Infinity" ? Number(value) : value;
}

function floats(values: unknown[]): number[] {
  for (let i = 0; i < values.length; i++) if (typeof values[i] === "string") values[i] = float(values[i]);
  return values as number[];
}

function record<F extends readonly string[]>(fields: F, values: unknown[], offset = 0): Record<F[number], unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < fields.length; i++) {
    const value = values[offset + i] ?? null;
    out[fields[i]] = TEXT_COLUMNS.has(fields[i]) ? value : float(value);
  }
  return out;
}

const columnList = (columns: readonly string[], alias: string) => columns.map((c) => `${alias}.${c}`).join(", ");

/**
 * Loads sessions with ONE query: each session comes back as a single JSON text (its row, its
 * channels, contractions and scores aggregated in SQL). The earlier four queries returned one row
 * per contraction; PGlite decodes every field of every row in JavaScript (~2 µs a field), which made
 * a batch export read ~0.7 ms per session; one native JSON.parse per session is far cheaper.
 */
async function loadSessions(
  db: Queryable,
  caller: Caller,
  ids: string[],
  include: Required<SessionInclude>,
): Promise<StoredSession[]> {
  if (ids.length === 0) return [];
  const params: unknown[] = [ids];
  const metadata = include.c3dMetadata ? "s.c3d_metadata, 'warnings', s.warnings" : "'{}'::json, 'warnings', '[]'::json";
  const envelopes = include.envelopes ? ", r.envelope_times_s, r.envelope_values" : "";
  const nonFinite = CONTRACTION_FLOATS.map((f) => `c.${f} in ('NaN', 'Infinity', '-Infinity')`).join(" or ");
  const channelList = `json_agg(json_build_array(r.channel_id, ${columnList([...CHANNEL_SCALARS, ...CHANNEL_JSON], "r")}${envelopes})
         order by r.position)`;
  const contractionList = `json_agg(json_build_array(${columnList(CONTRACTION_FIELDS, "c")}) order by r.position, c.index)`;
  const contractionRows = "contractions c join channel_results r on r.session_id = c.session_id and r.channel_id = c.channel";
  let pageAggregates = "";
  let sections: string;
  let joins = "";
  if (ids.length === 1) {
    // One session (getSession, per request): correlated sub-queries, which PostgreSQL plans in about
    // two thirds of the time of the page form below (PGlite: ~1.4 vs ~2.1 ms a read).
    const list = `(select coalesce(${contractionList}, '[]') from ${contractionRows} where c.session_id = s.id)`;
    const contractions = include.contractions
      ? list
      : `case when (select bool_or(${nonFinite}) from contractions c where c.session_id = s.id) then ${list} else '[]'::json end`;
    sections = `'channels', (select coalesce(${channelList}, '[]') from channel_results r where r.session_id = s.id),
       'contractions', ${contractions}`;
  } else {
    // A page: one aggregate per table for the whole page, joined by session. Sub-queries per session
    // made PostgreSQL estimate ~200 contractions each and JIT-compile every page (~20 ms).
    pageAggregates = `with ch as (
       select r.session_id, ${channelList} as list
       from channel_results r where r.session_id = any($1::uuid[]) group by r.session_id
     ), co as (
       select c.session_id, ${contractionList} as list
       from ${contractionRows}
       where c.session_id = any($1::uuid[])${
         include.contractions
           ? ""
           : ` and c.session_id in (select c.session_id from contractions c where c.session_id = any($1::uuid[]) and (${nonFinite}))`
       }
       group by c.session_id
     )`;
    sections = `'channels', coalesce(ch.list, '[]'), 'contractions', coalesce(co.list, '[]')`;
    joins = "left join ch on ch.session_id = s.id left join co on co.session_id = s.id";
  }
  const { rows } = await db.query<{ id: string; doc: string }>(
    `${pageAggregates}
     select s.id, json_build_object(
       'patient_id', s.patient_id, 'session_code', s.session_code, 'patient_code', p.code,
       'therapist', ${therapistSql(caller)}, 'recorded_at', ${RECORDED_AT_SQL}, 'source_filename', s.source_filename,
       'file_sha256', s.file_sha256, 'file_size_bytes', s.file_size_bytes, 'c3d_metadata', ${metadata},
       'processing_status', s.processing_status, 'processing_parameters', s.processing_parameters,
       'session_parameters', s.session_parameters, 'scoring_configuration', s.scoring_configuration,
       'data_completeness', s.data_completeness, 'game', s.game, 'created_at', s.created_at, 'updated_at', s.updated_at,
       ${sections},
       'scores', case when ps.session_id is null then null else json_build_array(${columnList(SCORE_COLUMNS, "ps")}) end
     )::text as doc
     from therapy_sessions s join patients p on p.id = s.patient_id join users u on u.id = s.therapist_id
       ${joins} left join performance_scores ps on ps.session_id = s.id
     where s.id = any($1::uuid[]) and ${patientScope(caller, "p", params)}`,
    params,
  );

  const byId = new Map<string, StoredSession>();
  for (const { id, doc } of rows) {
    const row = JSON.parse(doc) as SessionDoc;
    const stored: StoredSession = {
      id,
      patientId: row.patient_id,
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
      session: {
        session_code: row.session_code,
        patient_code: row.patient_code,
        therapist: row.therapist,
        recorded_at: row.recorded_at,
        source_filename: row.source_filename,
        file_sha256: row.file_sha256,
        file_size_bytes: Number(row.file_size_bytes),
        processing_status: row.processing_status,
        game: row.game,
      },
      performance_scores: record(SCORE_FIELDS, row.scores ?? []) as unknown as PerformanceScores,
      compliance_breakdown: {
        left_muscle: record(MUSCLE_FIELDS, row.scores ?? [], SCORE_FIELDS.length) as unknown as MuscleCompliance,
        right_muscle: record(MUSCLE_FIELDS, row.scores ?? [], SCORE_FIELDS.length + MUSCLE_FIELDS.length) as unknown as MuscleCompliance,
      },
      scoring_configuration: row.scoring_configuration,
      processing_parameters: row.processing_parameters,
      session_parameters: row.session_parameters,
      data_completeness: row.data_completeness,
      channels: {},
      contractions: [],
      envelopes: {},
      c3d_metadata: seesTherapistIdentity(caller) ? row.c3d_metadata : pseudonymiseC3dMetadata(row.c3d_metadata),
      warnings: row.warnings,
    };
    const channelFields = [...CHANNEL_SCALARS, ...CHANNEL_JSON] as const;
    for (const values of row.channels) {
      const channelId = values[0] as string;
      const channel = record(channelFields, values, 1) as unknown as ChannelResult;
      channel.warnings ??= [];
      stored.channels[channelId] = channel;
      if (include.envelopes) {
        const at = 1 + channelFields.length;
        stored.envelopes[channelId] = {
          times_s: floats((values[at] as unknown[] | null) ?? []),
          values: floats((values[at + 1] as unknown[] | null) ?? []),
        };
      }
    }
    for (const values of row.contractions) {
      stored.contractions.push(record(CONTRACTION_FIELDS, values) as unknown as Contraction);
    }
    byId.set(id, stored);
  }
  return ids.map((id) => byId.get(id)).filter((s): s is StoredSession => s !== undefined);
}

// ---------------------------------------------------------------------------------------------
// Public API

async function repoDb(options: RepositoryOptions) {
  return options.db ?? (await getDb());
}

/**
 * Stores an analysed upload: the C3D bytes first (content-addressed), then session, channels with
 * envelopes, contractions and scores in ONE transaction. The same file for the same patient returns
 * the existing session with duplicate: true. A missing patient is created for the caller.
 */
export async function storeAnalysis(
  caller: Caller,
  input: StoreAnalysisInput,
  options: RepositoryOptions = {},
): Promise<StoreAnalysisResult> {
  assertCanWrite(caller, "store sessions");
  const { analysis } = input;
  const storage = options.storage ?? (await getStorage());
  const blob = await storage.put(input.bytes);
  if (analysis.session.file_sha256 && analysis.session.file_sha256 !== blob.sha256) {
    throw new ValidationError(
      `analysis.session.file_sha256 ${analysis.session.file_sha256} does not match the uploaded bytes (${blob.sha256})`,
      "file_sha256",
    );
  }
  const sourceFilename = input.sourceFilename ?? analysis.session.source_filename;
  if (!sourceFilename) throw new ValidationError("the session needs the uploaded file name", "source_filename");

  const db = await repoDb(options);
  try {
    return await db.transaction(async (tx) => {
      const patient = await ensurePatient(caller, input.patientCode, tx);
      let inserted: { id: string; session_code: string } | undefined;
      // A retry only happens on a session_code collision (1 in 10^9 per day).
      for (let attempt = 0; attempt < 5 && !inserted; attempt++) {
        const result = await tx.query<{ id: string; session_code: string }>(
          `insert into therapy_sessions (session_code, patient_id, therapist_id, recorded_at, source_filename,
             file_sha256, file_size_bytes, c3d_metadata, processing_status, processing_version,
             processing_parameters, session_parameters, scoring_configuration, data_completeness, game, warnings)
           values ($1, $2, $3, $4::timestamp, $5, $6, $7, $8::text::jsonb, $9, $10, $11::text::jsonb,
             $12::text::jsonb, $13::text::jsonb, $14::text::jsonb, $15::text::jsonb, $16::text::jsonb)
           on conflict do nothing
           returning id, session_code`,
          [
            newSessionCode(analysis.session.recorded_at),
            patient.id,
            caller.userId,
            analysis.session.recorded_at,
            sourceFilename,
            blob.sha256,
            blob.sizeBytes,
            json(analysis.c3d_metadata ?? {}),
            analysis.session.processing_status ?? "completed",
            analysis.processing_parameters?.processing_version ?? "unknown",
            json(analysis.processing_parameters),
            json(analysis.session_parameters),
            json(analysis.scoring_configuration),
            json(analysis.data_completeness),
            json(analysis.session.game),
            json(analysis.warnings ?? []),
          ],
        );
        inserted = result.rows[0];
        if (!inserted) {
          // Nothing inserted: either this file is already stored for the patient (possibly by a
          // concurrent upload that just committed) or the random session code was taken.
          const existing = await tx.query<{ id: string; session_code: string }>(
            "select id, session_code from therapy_sessions where patient_id = $1 and file_sha256 = $2",
            [patient.id, blob.sha256],
          );
          if (existing.rows[0]) {
            return { sessionId: existing.rows[0].id, sessionCode: existing.rows[0].session_code, duplicate: true };
          }
        }
      }
      if (!inserted) throw new Error("could not allocate a unique session code");
      await insertChannels(tx, inserted.id, analysis.channels, analysis.envelopes ?? {});
      await insertContractions(tx, inserted.id, analysis.contractions);
      await upsertScores(tx, inserted.id, analysis.performance_scores, analysis.compliance_breakdown);
      return { sessionId: inserted.id, sessionCode: inserted.session_code, duplicate: false };
    });
  } catch (error) {
    throw asValidationError(error);
  }
}

/**
 * The stored session — by default with envelopes and C3D metadata; `include` leaves them out — or
 * null when it is missing OR not visible to the caller.
 */
export async function getSession(
  caller: Caller,
  id: string,
  options: RepositoryOptions & { include?: SessionInclude } = {},
): Promise<StoredSession | null> {
  if (!isUuid(id)) return null;
  const include = {
    envelopes: options.include?.envelopes ?? true,
    c3dMetadata: options.include?.c3dMetadata ?? true,
    contractions: options.include?.contractions ?? true,
  };
  const [session] = await loadSessions(await repoDb(options), caller, [id], include);
  return session ?? null;
}

/** Newest first (recorded_at, else upload time), with the total count for paging. */
export async function listSessions(
  caller: Caller,
  filters: SessionFilters & { limit?: number; offset?: number } = {},
  options: RepositoryOptions = {},
): Promise<{ sessions: SessionSummary[]; total: number }> {
  const db = await repoDb(options);
  const limit = clampInt(filters.limit, 50, 1, 1000);
  const offset = clampInt(filters.offset, 0, 0, Number.MAX_SAFE_INTEGER);
  const params: unknown[] = [];
  const where = filterSql(caller, filters, params);
  const from = `from therapy_sessions s join patients p on p.id = s.patient_id join users u on u.id = s.therapist_id`;
  const [page, count] = await Promise.all([
    db.query<Omit<SessionSummary, "created_at"> & { created_at: Date }>(
      `select s.id, s.session_code, p.code as patient_code, ${therapistSql(caller)} as therapist,
         ${RECORDED_AT_SQL} as recorded_at,
         s.created_at, s.source_filename, s.processing_status, ps.overall_score, ps.category
       ${from} left join performance_scores ps on ps.session_id = s.id
       where ${where} order by s.sort_at desc, s.id desc limit ${limit} offset ${offset}`,
      params,
    ),
    db.query<{ total: number }>(`select count(*)::int as total ${from} where ${where}`, params),
  ]);
  return {
    sessions: page.rows.map((row) => ({
      ...row,
      created_at: new Date(row.created_at).toISOString(),
    })),
    total: Number(count.rows[0]?.total ?? 0),
  };
}

/**
 * Every visible session matching the filters, newest first, read page by page with a keyset cursor
 * (memory bounded by two pages, no OFFSET scan) — for batch exports. Envelopes only when asked.
 */
export async function* streamSessions(
  caller: Caller,
  filters: SessionFilters & {
    /** Sessions per database read (1…1000, default 100); batch exports use 1000. */
    pageSize?: number;
    /** Default: no envelopes, with C3D metadata and contractions. */
    include?: SessionInclude;
  } = {},
  options: RepositoryOptions = {},
): AsyncGenerator<StoredSession> {
  const db = await repoDb(options);
  const pageSize = clampInt(filters.pageSize, 100, 1, 1000);
  const include = {
    envelopes: filters.include?.envelopes ?? false,
    c3dMetadata: filters.include?.c3dMetadata ?? true,
    contractions: filters.include?.contractions ?? true,
  };
  // The cursor travels as text: a JS Date would drop the microseconds of upload times and skip rows.
  type Cursor = { sortKey: string; id: string };
  const readPage = async (cursor: Cursor | undefined): Promise<{ sessions: StoredSession[]; next?: Cursor }> => {
    const params: unknown[] = [];
    let where = filterSql(caller, filters, params);
    if (cursor) {
      params.push(cursor.sortKey, cursor.id);
      where += ` and (s.sort_at, s.id) < ($${params.length - 1}::timestamp, $${params.length}::uuid)`;
    }
    const { rows } = await db.query<{ id: string; sort_key: string }>(
      `select s.id, s.sort_at::text as sort_key from therapy_sessions s join patients p on p.id = s.patient_id
       where ${where} order by s.sort_at desc, s.id desc limit ${pageSize}`,
      params,
    );
    const sessions = await loadSessions(db, caller, rows.map((row) => row.id), include);
    const last = rows[rows.length - 1];
    return { sessions, next: rows.length === pageSize ? { sortKey: last.sort_key, id: last.id } : undefined };
  };
  let pending = readPage(undefined);
  try {
    for (;;) {
      const page = await pending;
      // Read the next page while the caller consumes this one: on a PostgreSQL server the query
      // runs there while this process builds and renders. At most two pages are held.
      if (page.next) pending = readPage(page.next);
      yield* page.sessions;
      if (!page.next) return;
    }
  } finally {
    // A consumer that stops early leaves one read in flight: its outcome no longer matters.
    pending.catch(() => undefined);
  }
}

/**
 * Stores new therapist inputs and the scores re-computed from them, in one transaction.
 * Returns the updated session, or null when it is missing or not visible.
 */
export async function updateSessionInputs(
  caller: Caller,
  id: string,
  inputs: SessionParameters,
  rescored: Rescored,
  options: RepositoryOptions = {},
): Promise<StoredSession | null> {
  assertCanWrite(caller, "change sessions");
  if (!isUuid(id)) return null;
  const db = await repoDb(options);
  try {
    const found = await db.transaction(async (tx) => {
      const params: unknown[] = [id];
      const locked = await tx.query(
        `select s.id from therapy_sessions s join patients p on p.id = s.patient_id
         where s.id = $1::uuid and ${patientScope(caller, "p", params)} for update of s`,
        params,
      );
      if (locked.rows.length === 0) return false;
      await tx.query(
        `update therapy_sessions set session_parameters = $2::text::jsonb, data_completeness = $3::text::jsonb,
           scoring_configuration = coalesce($4::text::jsonb, scoring_configuration), updated_at = now()
         where id = $1`,
        [id, json(inputs), json(rescored.data_completeness), json(rescored.scoring_configuration)],
      );
      if (rescored.channels) await updateChannels(tx, id, rescored.channels);
      if (rescored.contractions) {
        await tx.query("delete from contractions where session_id = $1", [id]);
        await insertContractions(tx, id, rescored.contractions);
      }
      await upsertScores(tx, id, rescored.performance_scores, rescored.compliance_breakdown);
      return true;
    });
    if (!found) return null;
  } catch (error) {
    throw asValidationError(error);
  }
  return getSession(caller, id, { db });
}

/** The stored original C3D of a visible session (for re-analysis or download). */
export async function getSessionFile(
  caller: Caller,
  id: string,
  options: RepositoryOptions = {},
): Promise<{ bytes: Uint8Array; filename: string } | null> {
  if (!isUuid(id)) return null;
  const db = await repoDb(options);
  const params: unknown[] = [id];
  const { rows } = await db.query<{ file_sha256: string; source_filename: string }>(
    `select s.file_sha256, s.source_filename from therapy_sessions s join patients p on p.id = s.patient_id
     where s.id = $1::uuid and ${patientScope(caller, "p", params)}`,
    params,
  );
  if (!rows[0]) return null;
  const bytes = await (options.storage ?? (await getStorage())).get(rows[0].file_sha256);
  if (!bytes) throw new NotFoundError(`the original file of session ${id} is missing from storage`);
  return { bytes, filename: rows[0].source_filename };
}

export interface ExportRecord {
  userId: string | null;
  tokenId?: string | null;
  format: "json" | "csv" | "pdf" | "xlsx";
  /** `patient`: a patient's progress report (issue 15). */
  kind: "session" | "batch" | "upload" | "patient";
  sessionIds: string[];
}

/** Appends to export_history (who exported what, for the audit trail). */
export async function recordExport(entry: ExportRecord, options: RepositoryOptions = {}): Promise<void> {
  const db = await repoDb(options);
  await db.query(
    `insert into export_history (user_id, token_id, format, kind, session_ids) values ($1, $2, $3, $4, $5::uuid[])`,
    [entry.userId, entry.tokenId ?? null, entry.format, entry.kind, entry.sessionIds],
  );
}
