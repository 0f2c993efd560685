/** Server side of the patient page: the patient and all their sessions with the trend values. */
import type { TrendPoint } from "~/components/trend/trend-model";
import { legChannel, type Leg } from "~/lib/export/compare";
import type { Caller } from "~/lib/server/auth/caller.server";
import { getPatient } from "~/lib/server/repositories/patients.server";
import { streamSessions } from "~/lib/server/repositories/sessions/stream.server";
import type { StoredSession } from "~/lib/server/repositories/sessions/types.server";

export interface PatientSessionRow extends TrendPoint {
  sourceFilename: string;
  category: string | null;
}

/** The leg's stored channel values, as the export shows them (the channel its compliance was scored on). */
function legTrend(s: StoredSession, leg: Leg) {
  const ch = legChannel(s, leg);
  return { mvc: ch?.mvc_value ?? null, mpf: ch?.mpf ?? null, mdf: ch?.mdf ?? null, fatigue: ch?.fatigue_index_fi_nsm5 ?? null };
}

/**
 * A patient and all their sessions with the trend values, newest first. Reads the stored sections
 * (without envelopes or contractions) through the repository's stream. null → 404.
 */
export async function loadPatientPage(caller: Caller, code: string) {
  const patient = await getPatient(caller, code);
  if (!patient) return null;
  const sessions: PatientSessionRow[] = [];
  const include = { envelopes: false, c3dMetadata: false, contractions: false };
  for await (const s of streamSessions(caller, { patientCode: code, include })) {
    sessions.push({
      sessionId: s.id,
      sessionCode: s.session.session_code ?? s.id,
      recordedAt: s.session.recorded_at,
      sourceFilename: s.session.source_filename ?? "",
      overall: s.performance_scores.overall_score,
      compliance: s.performance_scores.compliance_score,
      symmetry: s.performance_scores.symmetry_score,
      category: s.performance_scores.category,
      left: legTrend(s, "left"),
      right: legTrend(s, "right"),
    });
  }
  return { patient: { code: patient.code, mvcCh1: patient.mvcCh1, mvcCh2: patient.mvcCh2, createdAt: patient.createdAt }, sessions };
}
