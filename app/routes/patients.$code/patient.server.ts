/** Server side of the patient page: the patient and all their sessions with the trend scores. */
import type { Caller } from "~/lib/server/auth/caller.server";
import { getPatient } from "~/lib/server/repositories/patients.server";
import { streamSessions } from "~/lib/server/repositories/sessions/stream.server";

export interface PatientSessionRow {
  id: string;
  sessionCode: string;
  recordedAt: string | null;
  sourceFilename: string;
  overall: number | null;
  compliance: number | null;
  symmetry: number | null;
  category: string | null;
}

/**
 * A patient and all their sessions with the three trend scores, newest first. Reads the stored
 * sections (without envelopes) through the repository's stream. null → 404.
 */
export async function loadPatientPage(caller: Caller, code: string) {
  const patient = await getPatient(caller, code);
  if (!patient) return null;
  const sessions: PatientSessionRow[] = [];
  for await (const s of streamSessions(caller, { patientCode: code })) {
    sessions.push({
      id: s.id,
      sessionCode: s.session.session_code ?? s.id,
      recordedAt: s.session.recorded_at,
      sourceFilename: s.session.source_filename ?? "",
      overall: s.performance_scores.overall_score,
      compliance: s.performance_scores.compliance_score,
      symmetry: s.performance_scores.symmetry_score,
      category: s.performance_scores.category,
    });
  }
  return { patient: { code: patient.code, mvcCh1: patient.mvcCh1, mvcCh2: patient.mvcCh2, createdAt: patient.createdAt }, sessions };
}
