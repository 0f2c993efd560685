/**
 * What the session tables hold, as column lists the writes and the read path share. The
 * `satisfies` + exhaustiveness checks make tsc fail when the export schema gains a field that is
 * not stored. Also the SQL expressions every read uses for recorded_at and the therapist.
 */
import type { ChannelResult, Contraction, MuscleCompliance, PerformanceScores } from "~/lib/export/schema";
import { seesTherapistIdentity } from "~/lib/policy";
import type { Caller } from "~/lib/server/auth/caller.server";

export const SCORE_FIELDS = [
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

export const MUSCLE_FIELDS = [
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

export const CHANNEL_SCALARS = [
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
export const CHANNEL_JSON = ["error", "warnings"] as const satisfies readonly (keyof ChannelResult)[];

type Exhaustive<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : Exclude<All, Listed>;
const storesEveryScore: Exhaustive<keyof PerformanceScores, (typeof SCORE_FIELDS)[number]> = true;
const storesEveryMuscleField: Exhaustive<keyof MuscleCompliance, (typeof MUSCLE_FIELDS)[number]> = true;
const storesEveryChannelField: Exhaustive<keyof ChannelResult, (typeof CHANNEL_SCALARS)[number] | (typeof CHANNEL_JSON)[number]> = true;
void [storesEveryScore, storesEveryMuscleField, storesEveryChannelField];

export const SIDES = ["left", "right"] as const;
export const SCORE_COLUMNS = [...SCORE_FIELDS, ...SIDES.flatMap((side) => MUSCLE_FIELDS.map((field) => `${side}_${field}`))];

export const CONTRACTION_FIELDS = [
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
export const CONTRACTION_FLOATS = [
  "start_ms",
  "end_ms",
  "duration_ms",
  "peak_rms",
  "mean_rms",
  "percent_mvc",
] as const satisfies readonly (typeof CONTRACTION_FIELDS)[number][];

/** Text columns among the lists above: the only places where the string "NaN" is a value, not a float. */
export const TEXT_COLUMNS = new Set(["label", "side", "timing_source", "mvc_source", "category", "channel"]);

export const columnList = (columns: readonly string[], alias: string) => columns.map((c) => `${alias}.${c}`).join(", ");

/**
 * recorded_at as stored: wall-clock `YYYY-MM-DDTHH:MM:SS` without zone (docs/decisions/020),
 * microseconds only when there are any.
 */
export const RECORDED_AT_SQL = `case when s.recorded_at = date_trunc('second', s.recorded_at)
  then to_char(s.recorded_at, 'YYYY-MM-DD"T"HH24:MI:SS') else to_char(s.recorded_at, 'YYYY-MM-DD"T"HH24:MI:SS.US') end`;

/** The therapist as the caller may see it: display name (else email), or null when pseudonymised. */
export function therapistSql(caller: Caller): string {
  return seesTherapistIdentity(caller) ? "coalesce(nullif(u.display_name, ''), u.email)" : "null::text";
}
