/** The WHERE clause of the session lists: the caller's scope, patient and date range; paging bounds. */
import { describeDateRangeProblem, parseDateRange } from "~/lib/policy";
import type { Caller } from "~/lib/server/auth/caller.server";
import { ValidationError } from "~/lib/server/errors.server";
import { patientScope } from "~/lib/server/repositories/patients.server";
import type { SessionFilters } from "~/lib/server/repositories/sessions/types.server";

/** An integer within [min, max]; `fallback` for undefined or non-finite input (e.g. NaN from a query string). */
export function clampInt(value: number | undefined, fallback: number, min: number, max: number): number {
  const n = value === undefined || !Number.isFinite(value) ? fallback : Math.trunc(value);
  return Math.min(Math.max(n, min), max);
}

/** The date bounds as wall-clock time stamps for `::timestamp` (the policy's one grammar); a bad one → 422 naming it. */
function dateBounds(filters: SessionFilters): { from?: string; to?: string } {
  const parsed = parseDateRange({ from: filters.from, to: filters.to });
  if (parsed.ok) return parsed.range;
  const { field, message } = describeDateRangeProblem(parsed.problems[0]);
  throw new ValidationError(message, field);
}

/** Conditions on `s` (therapy_sessions) and `p` (patients); appends their parameters to `params`. */
export function filterSql(caller: Caller, filters: SessionFilters, params: unknown[]): string {
  const where = [patientScope(caller, "p", params)];
  if (filters.patientCode) {
    params.push(filters.patientCode);
    where.push(`p.code = $${params.length}`);
  }
  if (filters.quality) {
    params.push(filters.quality);
    where.push(`s.data_quality->>'status' = $${params.length}`);
  }
  const { from, to } = dateBounds(filters);
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
