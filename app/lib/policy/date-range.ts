/**
 * The date-range filter, one grammar for the sessions list, the batch export API and the session
 * repository. A bound is a date `YYYY-MM-DD` or a time stamp `YYYY-MM-DDTHH:MM[:SS[.fraction]]`
 * (T or a space), optionally followed by a zone (`Z` or `±HH:MM`) that is ignored: `recorded_at`
 * is the clinic's wall-clock time without a zone (docs/decisions/020), so the bounds are
 * wall-clock times too. `from` is inclusive; `to` is exclusive, except that a date-only `to`
 * includes that whole day. A date or time that does not exist (2025-02-30, 24:00, year 0000) is a
 * problem, never rolled over into the next month or day.
 */

export type DateField = "from" | "to";

export interface DateRange {
  /** Inclusive lower bound, `YYYY-MM-DDTHH:MM:SS[.fraction]` without zone (for SQL `::timestamp`). */
  from?: string;
  /** Exclusive upper bound, same form. */
  to?: string;
}

export type DateRangeProblem =
  | { kind: "not-a-date"; field: DateField; value: string }
  /** `from` is later than `to` (both as written: a date-only bound is its day's midnight). */
  | { kind: "reversed"; from: string; to: string };

export type DateRangeResult = { ok: true; range: DateRange } | { ok: false; problems: DateRangeProblem[] };

export interface DateRangeInput {
  from?: string | null;
  to?: string | null;
}

const BOUND = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(?:Z|[+-](\d{2}):(\d{2}))?)?$/;

interface Bound {
  /** `YYYY-MM-DD` */
  date: string;
  /** `HH:MM:SS[.fraction]`, or null for a date-only bound. */
  time: string | null;
  /** Sorts like the wall-clock instant (a date-only bound at its midnight). */
  key: string;
}

/** The UTC calendar day y-m-d, or null when it does not exist (setUTCFullYear keeps years < 100 as written). */
function calendarDay(year: number, month: number, day: number): Date | null {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day ? d : null;
}

function isoDay(d: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function parseBound(value: string): Bound | null {
  const m = BOUND.exec(value);
  if (!m) return null;
  const [, y, mo, d, hh, mi, ss, fraction, zh, zm] = m;
  // The proleptic calendar has no year 0 (PostgreSQL refuses 0000-01-01): years run 0001–9999.
  if (Number(y) < 1) return null;
  if (!calendarDay(Number(y), Number(mo), Number(d))) return null;
  const date = `${y}-${mo}-${d}`;
  if (hh === undefined) return { date, time: null, key: `${date}T00:00:00.000000000` };
  if (Number(hh) > 23 || Number(mi) > 59 || Number(ss ?? 0) > 59) return null;
  if (zh !== undefined && (Number(zh) > 23 || Number(zm) > 59)) return null;
  const time = `${hh}:${mi}:${ss ?? "00"}${fraction ?? ""}`;
  const digits = (fraction ?? ".").slice(1).padEnd(9, "0").slice(0, 9);
  return { date, time, key: `${date}T${hh}:${mi}:${ss ?? "00"}.${digits}` };
}

function lowerBound(bound: Bound): string {
  return `${bound.date}T${bound.time ?? "00:00:00"}`;
}

function upperBound(bound: Bound): string {
  if (bound.time !== null) return `${bound.date}T${bound.time}`;
  const [y, m, d] = bound.date.split("-").map(Number);
  const next = calendarDay(y, m, d)!;
  next.setUTCDate(next.getUTCDate() + 1);
  return `${isoDay(next)}T00:00:00`;
}

/** Absent, null and "" leave that side open. Every problem is reported, not only the first. */
export function parseDateRange(input: DateRangeInput): DateRangeResult {
  const problems: DateRangeProblem[] = [];
  const bounds: Partial<Record<DateField, Bound>> = {};
  for (const field of ["from", "to"] as const) {
    const value = input[field];
    if (value === undefined || value === null || value === "") continue;
    const bound = parseBound(value);
    if (bound) bounds[field] = bound;
    else problems.push({ kind: "not-a-date", field, value });
  }
  const { from, to } = bounds;
  if (problems.length === 0 && from && to && from.key > to.key) {
    problems.push({ kind: "reversed", from: input.from!, to: input.to! });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, range: { from: from && lowerBound(from), to: to && upperBound(to) } };
}

/** The API's wording of a problem (also the repository's): names the field and the accepted forms. */
export function describeDateRangeProblem(problem: DateRangeProblem): { field: DateField; message: string } {
  if (problem.kind === "reversed") return { field: "from", message: `from (${problem.from}) is after to (${problem.to})` };
  return {
    field: problem.field,
    message: `${problem.field} must be a date (YYYY-MM-DD) or an ISO 8601 time stamp (YYYY-MM-DDTHH:MM[:SS], any zone is ignored), got "${problem.value}"`,
  };
}
