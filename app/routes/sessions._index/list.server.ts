/**
 * Server side of the sessions list: turns the query string into a repository call and repository
 * errors into the status and field message the page shows. The numbers come from the session
 * repository, never from here.
 */
import { QUALITY_STRINGS } from "~/components/quality/strings";
import { qualityStatusSchema, type DataQualityStatus } from "~/lib/domain";
import { isPatientCode, parseDateRange, PATIENT_CODE_RULE } from "~/lib/policy";
import type { Caller } from "~/lib/server/auth/caller.server";
import { ValidationError } from "~/lib/server/errors.server";
import { listPatients } from "~/lib/server/repositories/patients.server";
import { listSessions } from "~/lib/server/repositories/sessions/read.server";
import type { SessionSummary } from "~/lib/server/repositories/sessions/types.server";
import type { FieldErrors } from "~/lib/server/http/upload.server";

export const PAGE_SIZE = 25;

export interface SessionListFilters {
  patient: string;
  from: string;
  to: string;
  page: number;
  /** "" for any status. */
  quality: DataQualityStatus | "";
}

export interface SessionListData {
  filters: SessionListFilters;
  errors: FieldErrors;
  patients: string[];
  sessions: SessionSummary[];
  total: number;
  pageCount: number;
}

/** Reads `?patient=&from=&to=&page=` and checks each value; a bad one is reported on its field. */
export function parseListFilters(url: URL): { filters: SessionListFilters; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const patient = (url.searchParams.get("patient") ?? "").trim();
  const from = (url.searchParams.get("from") ?? "").trim();
  const to = (url.searchParams.get("to") ?? "").trim();
  const pageText = (url.searchParams.get("page") ?? "1").trim();
  const qualityText = (url.searchParams.get("quality") ?? "").trim();
  const quality = qualityText === "" ? null : qualityStatusSchema.safeParse(qualityText);
  if (quality && !quality.success) errors.quality = QUALITY_STRINGS.filterInvalid(qualityText);
  if (patient && !isPatientCode(patient)) errors.patient = `"${patient}" is not a patient code (${PATIENT_CODE_RULE}, e.g. P001).`;
  const range = parseDateRange({ from, to });
  for (const problem of range.ok ? [] : range.problems) {
    // The page's wording: the date inputs send YYYY-MM-DD; a reversed range is the end date's fault.
    if (problem.kind === "not-a-date") errors[problem.field] = `"${problem.value}" is not a date (YYYY-MM-DD).`;
    else errors.to = `The end date ${problem.to} is before the start date ${problem.from}.`;
  }
  const page = Number(pageText);
  if (!Number.isInteger(page) || page < 1) errors.page = `Page "${pageText}" is not a page number (1, 2, …).`;
  return {
    filters: { patient, from, to, page: Number.isInteger(page) && page >= 1 ? page : 1, quality: quality?.success ? quality.data : "" },
    errors,
  };
}

/**
 * The sessions list: visible sessions matching the filters, newest first, one page. Invalid
 * filters → status 400 with the message on the field and no rows (never a silently ignored filter).
 */
export async function loadSessionList(caller: Caller, url: URL): Promise<{ status: number; data: SessionListData }> {
  const { filters, errors } = parseListFilters(url);
  const patients = (await listPatients(caller)).map((p) => p.code);
  const empty = { filters, patients, sessions: [], total: 0, pageCount: 0 };
  if (Object.keys(errors).length > 0) return { status: 400, data: { ...empty, errors } };
  try {
    const { sessions, total } = await listSessions(caller, {
      patientCode: filters.patient || undefined,
      from: filters.from || undefined,
      to: filters.to || undefined,
      quality: filters.quality || undefined,
      limit: PAGE_SIZE,
      offset: (filters.page - 1) * PAGE_SIZE,
    });
    return { status: 200, data: { filters, errors, patients, sessions, total, pageCount: Math.ceil(total / PAGE_SIZE) } };
  } catch (error) {
    if (error instanceof ValidationError) {
      return { status: 400, data: { ...empty, errors: { [error.field ?? "form"]: error.message } } };
    }
    throw error;
  }
}
