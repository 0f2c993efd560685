/**
 * Server side of the cohort export page: the query checked with zod (a bad value is reported on
 * its field), the row count from `countBatch` — the batch export's own filter — and the download
 * address of GET /api/export/sessions with the same filters. Nothing is exported from here.
 */
import { describeDateRangeProblem, parseDateRange } from "~/lib/policy";
import type { Caller } from "~/lib/server/auth/caller.server";
import { ValidationError } from "~/lib/server/errors.server";
import { listPatients } from "~/lib/server/repositories/patients.server";
import { countBatch, type BatchCount } from "~/lib/server/repositories/sessions/count.server";
import { batchHref, cohortQuerySchema, DEFAULTS, type CohortField, type CohortQuery } from "./cohort-query";

export interface CohortPageData {
  query: CohortQuery;
  errors: Partial<Record<CohortField | "form", string>>;
  patients: string[];
  count: BatchCount | null;
  downloadHref: string | null;
}

function fromQuery(search: URLSearchParams) {
  const value = (name: string) => search.get(name) ?? undefined;
  return {
    patient: value("patient"),
    from: value("from"),
    to: value("to"),
    quality: value("quality"),
    archived: value("archived"),
    format: value("format"),
    table: value("table"),
  };
}

/**
 * The page: patients to choose from, and — when the filters are valid — the row count and the
 * download link. Invalid filters → 400 with each problem on its field and no count.
 */
export async function loadCohortPage(caller: Caller, search: URLSearchParams): Promise<{ status: number; data: CohortPageData }> {
  const patients = (await listPatients(caller)).map((p) => p.code);
  const raw = fromQuery(search);
  const parsed = cohortQuerySchema.safeParse(raw);
  const errors: CohortPageData["errors"] = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as CohortField;
      errors[field] ??= `${field} "${String(raw[field] ?? "")}" ${issue.message}.`;
    }
  }
  const query = parsed.success
    ? parsed.data
    : { ...DEFAULTS, ...Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)) };
  const range = parseDateRange({ from: query.from, to: query.to });
  if (!range.ok) {
    const { field, message } = describeDateRangeProblem(range.problems[0]);
    errors[field as CohortField] ??= message;
  }
  const empty = { query, patients, count: null, downloadHref: null };
  if (Object.keys(errors).length > 0) return { status: 400, data: { ...empty, errors } };
  const q = query;
  try {
    const count = await countBatch(caller, { patientCode: q.patient || undefined, from: q.from || undefined, to: q.to || undefined });
    return { status: 200, data: { ...empty, errors, count, downloadHref: batchHref(q) } };
  } catch (error) {
    if (error instanceof ValidationError) return { status: 400, data: { ...empty, errors: { [error.field ?? "form"]: error.message } } };
    throw error;
  }
}
