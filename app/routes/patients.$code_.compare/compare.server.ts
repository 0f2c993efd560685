/**
 * Server side of the session comparison: the two sessions' canonical exports (the same builder as
 * the JSON download) and the rows of `compareExports`. Nothing is computed here.
 */
import { z } from "zod";
import { isFullExport } from "~/lib/export";
import { compareExports, type ComparisonRow } from "~/lib/export/compare";
import type { SessionExport } from "~/lib/export/schema";
import type { Caller } from "~/lib/server/auth/caller.server";
import { exportStoredSession } from "~/lib/server/export.server";
import { getPatient } from "~/lib/server/repositories/patients.server";
import { listSessions } from "~/lib/server/repositories/sessions/read.server";

/** The patient page lists at most this many sessions to pick from (newest first). */
const PICKABLE = 1000;

const sessionId = z.uuid({ message: "is not a session id" });
const querySchema = z.object({ a: sessionId, b: sessionId });

export interface ComparedSession {
  id: string;
  sessionCode: string;
  recordedAt: string | null;
}

export interface ComparisonData {
  patient: string;
  choices: ComparedSession[];
  /** Absent until both sessions are chosen (or when a choice was wrong: see `errors`). */
  a?: ComparedSession;
  b?: ComparedSession;
  rows: ComparisonRow[];
  errors: Partial<Record<"a" | "b", string>>;
}

function described(id: string, exp: SessionExport): ComparedSession {
  return { id, sessionCode: exp.session?.session_code ?? id, recordedAt: exp.session?.recorded_at ?? null };
}

/**
 * `?a=&b=` (session ids of the patient). null → the patient is missing or not visible (404). A bad
 * or foreign id is a 400 naming the field; no choice yet is the picker alone.
 */
export async function loadComparison(
  caller: Caller,
  code: string,
  query: URLSearchParams,
): Promise<{ status: number; data: ComparisonData } | null> {
  const patient = await getPatient(caller, code);
  if (!patient) return null;
  const { sessions } = await listSessions(caller, { patientCode: patient.code, limit: PICKABLE });
  const choices = sessions.map((s) => ({ id: s.id, sessionCode: s.session_code, recordedAt: s.recorded_at }));
  const empty: ComparisonData = { patient: patient.code, choices, rows: [], errors: {} };
  if (!query.has("a") && !query.has("b")) return { status: 200, data: empty };

  const parsed = querySchema.safeParse({ a: query.get("a") ?? undefined, b: query.get("b") ?? undefined });
  if (!parsed.success) {
    const errors: ComparisonData["errors"] = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as "a" | "b";
      errors[field] = `Session ${field.toUpperCase()} ${query.get(field) ? `"${query.get(field)}" ${issue.message}` : "is not chosen"}.`;
    }
    return { status: 400, data: { ...empty, errors } };
  }
  // The full export, as the review page shows it (USE_ENHANCED_EXPORT only trims the downloads).
  const exports = await Promise.all(
    [parsed.data.a, parsed.data.b].map(async (id) => {
      const exp = await exportStoredSession(caller, id, { enhanced: true });
      return exp && isFullExport(exp) ? exp : null;
    }),
  );
  const errors: ComparisonData["errors"] = {};
  (["a", "b"] as const).forEach((field, i) => {
    if (exports[i]?.session?.patient_code !== patient.code)
      errors[field] = `Session ${field.toUpperCase()} is not a session of ${patient.code}.`;
  });
  const [expA, expB] = exports;
  if (!expA || !expB || Object.keys(errors).length > 0) return { status: 400, data: { ...empty, errors } };
  return {
    status: 200,
    data: { ...empty, a: described(parsed.data.a, expA), b: described(parsed.data.b, expB), rows: compareExports(expA, expB) },
  };
}
