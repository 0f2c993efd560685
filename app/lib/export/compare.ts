/**
 * Two sessions side by side: the values of their canonical exports and the difference b − a of
 * each. Every number is read from an export as it is; the only arithmetic is the subtraction, so
 * the comparison page shows exactly what the two JSON downloads hold.
 */
import type { SessionExport } from "~/lib/export/schema";

export type ComparisonGroup = "scores" | "legs" | "mvc" | "fatigue";
/** How a value is shown: 0–100 score, 0–1 rate, count, volts (shown in µV), hertz, or a plain ratio. */
export type ComparisonUnit = "score" | "rate" | "count" | "volts" | "hz" | "ratio";
export type Leg = "left" | "right";

export interface ComparisonRow {
  group: ComparisonGroup;
  /** Where the value sits in the export: `performance_scores.overall_score`, `left_muscle.completion_rate`, `left.mvc_value` (the leg's channel). */
  key: string;
  label: string;
  leg: Leg | null;
  unit: ComparisonUnit;
  a: number | null;
  b: number | null;
  /** b − a; null when either session has no value. */
  difference: number | null;
}

const SCORES = [
  ["overall_score", "Overall score"],
  ["compliance_score", "Compliance"],
  ["symmetry_score", "Symmetry"],
  ["effort_score", "Effort"],
  ["game_score", "Game"],
] as const;

const LEG_MEASURES = [
  ["overall_compliance", "Muscle compliance", "score"],
  ["completion_rate", "Completion rate", "rate"],
  ["intensity_rate", "Intensity rate", "rate"],
  ["duration_rate", "Duration rate", "rate"],
  ["contraction_count", "Contractions", "count"],
  ["good_contraction_count", "Good contractions", "count"],
] as const;

const CHANNEL_MEASURES = [
  ["mvc_value", "MVC", "volts", "mvc"],
  ["mpf", "Mean power frequency (MPF)", "hz", "fatigue"],
  ["mdf", "Median frequency (MDF)", "hz", "fatigue"],
  ["fatigue_index_fi_nsm5", "Fatigue index (FI nsm5)", "ratio", "fatigue"],
] as const;

const LEGS: Leg[] = ["left", "right"];

/** The sections a leg's values come from: an export, or a stored session (same shapes). */
type LegSections = Pick<SessionExport, "compliance_breakdown" | "channels">;

function legMuscle(exp: LegSections, leg: Leg) {
  return exp.compliance_breakdown?.[leg === "left" ? "left_muscle" : "right_muscle"] ?? null;
}

/** The leg's channel is the one its compliance was scored on (the breakdown names it). */
export function legChannel(exp: LegSections, leg: Leg) {
  const id = legMuscle(exp, leg)?.channel;
  return id ? (exp.channels?.[id] ?? null) : null;
}

function row(
  group: ComparisonGroup,
  key: string,
  label: string,
  leg: Leg | null,
  unit: ComparisonUnit,
  a: number | null,
  b: number | null,
) {
  return { group, key, label, leg, unit, a, b, difference: a === null || b === null ? null : b - a };
}

export function compareExports(a: SessionExport, b: SessionExport): ComparisonRow[] {
  const rows: ComparisonRow[] = SCORES.map(([field, label]) =>
    row(
      "scores",
      `performance_scores.${field}`,
      label,
      null,
      "score",
      a.performance_scores?.[field] ?? null,
      b.performance_scores?.[field] ?? null,
    ),
  );
  for (const leg of LEGS) {
    const muscle = `${leg}_muscle`;
    for (const [field, label, unit] of LEG_MEASURES) {
      rows.push(
        row("legs", `${muscle}.${field}`, label, leg, unit, legMuscle(a, leg)?.[field] ?? null, legMuscle(b, leg)?.[field] ?? null),
      );
    }
  }
  for (const [field, label, unit, group] of CHANNEL_MEASURES) {
    for (const leg of LEGS) {
      rows.push(row(group, `${leg}.${field}`, label, leg, unit, legChannel(a, leg)?.[field] ?? null, legChannel(b, leg)?.[field] ?? null));
    }
  }
  return rows;
}
