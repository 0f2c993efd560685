/**
 * Re-processing a stored session from its kept C3D: the upload's option names (`channel_left`,
 * processing parameters, `timing_source`, therapist inputs …), the patient's current MVC and
 * scoring configuration, the current pipeline; the new analysis replaces the stored one in one
 * transaction (`replaceAnalysis`), which records the previous scores in the history.
 */
import { ANALYSIS_OPTION_FIELDS, analyzeC3d, fieldError, isInputError, ParameterError, parseAnalysisOptions } from "~/lib/analysis";
import type { Caller } from "~/lib/server/auth/caller.server";
import { getPatient } from "~/lib/server/repositories/patients.server";
import type { RepositoryOptions } from "~/lib/server/repositories/options.server";
import { getPatientScoringConfiguration } from "~/lib/server/repositories/scoring-configurations.server";
import { getSession } from "~/lib/server/repositories/sessions/read.server";
import type { StoredSession } from "~/lib/server/repositories/sessions/types.server";
import { replaceAnalysis } from "~/lib/server/repositories/sessions/write.server";
import { getStorage } from "~/lib/server/storage/connection.server";

export type ReprocessResult =
  { ok: true; session: StoredSession } | { ok: false; status: 400 | 404 | 409 | 415 | 422; field: string; error: string };

const KNOWN = new Set<string>(ANALYSIS_OPTION_FIELDS);

/** The raw channel label the stored analysis used for a side (so a re-process keeps the channel choice unless told). */
function storedChannelLabel(stored: StoredSession, side: "left_muscle" | "right_muscle"): string | undefined {
  const id = stored.compliance_breakdown[side].channel;
  return (id && stored.channels[id]?.label) || undefined;
}

/**
 * Flat string fields from a JSON body: numbers and strings as given, null = "not given". An
 * unknown field is refused (a typo would otherwise be silently ignored).
 */
export function reprocessFields(body: unknown): { ok: true; fields: Record<string, string> } | { ok: false; field: string; error: string } {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return { ok: false, field: "body", error: "must be a JSON object" };
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (!KNOWN.has(key)) return { ok: false, field: key, error: `unknown option; known: ${ANALYSIS_OPTION_FIELDS.join(", ")}` };
    if (value === null) continue;
    if (typeof value !== "string" && typeof value !== "number") return { ok: false, field: key, error: "must be a number or a string" };
    fields[key] = String(value);
  }
  return { ok: true, fields };
}

/**
 * Re-processes session `sessionId` with the options in `fields` (flat, upload names). Therapist
 * inputs (RPE, BFR, game points maximum) and the channel choice carry over unless given.
 */
export async function reprocessSession(
  caller: Caller,
  sessionId: string,
  fields: Record<string, string>,
  repository: RepositoryOptions = {},
): Promise<ReprocessResult> {
  const stored = await getSession(caller, sessionId, { db: repository.db, include: { envelopes: false, c3dMetadata: false } });
  if (!stored) return { ok: false, status: 404, field: "sessionId", error: `session ${sessionId} was not found` };
  const carried: Record<string, string | undefined> = {
    rpe_pre_session: stored.session_parameters.rpe_pre_session?.toString(),
    rpe_post_session: stored.session_parameters.rpe_post_session?.toString(),
    bfr_pressure_aop: stored.performance_scores.bfr_pressure_aop?.toString(),
    game_points_max: stored.performance_scores.game_points_max?.toString(),
    channel_left: storedChannelLabel(stored, "left_muscle"),
    channel_right: storedChannelLabel(stored, "right_muscle"),
  };
  let options;
  try {
    options = parseAnalysisOptions({ ...carried, ...fields });
  } catch (error) {
    if (!(error instanceof ParameterError)) throw error;
    const { field, message } = fieldError(error);
    return { ok: false, status: 400, field, error: message };
  }
  const sha256 = stored.session.file_sha256 ?? "";
  const bytes = sha256 ? await (repository.storage ?? (await getStorage())).get(sha256) : null;
  if (!bytes) return { ok: false, status: 409, field: "file", error: "the original C3D file of this session is no longer stored" };

  const code = stored.session.patient_code ?? "";
  const patient = await getPatient(caller, code, repository);
  const scoring = await getPatientScoringConfiguration(caller, code, repository);
  let analysis;
  try {
    analysis = analyzeC3d(bytes, {
      ...options,
      patientMvc: patient ? { ch1: patient.mvcCh1, ch2: patient.mvcCh2 } : undefined,
      scoring,
      sourceFilename: stored.session.source_filename ?? undefined,
      fileSha256: sha256,
    });
  } catch (error) {
    if (!isInputError(error)) throw error;
    const { status, field, message } = fieldError(error, stored.session.source_filename ?? undefined);
    // A 404 of the analysis is a channel that is not in the file: a bad option here, not a missing session.
    return { ok: false, status: status === 404 ? 400 : status === 413 ? 422 : status, field, error: message };
  }
  const session = await replaceAnalysis(caller, sessionId, analysis, repository);
  if (!session) return { ok: false, status: 404, field: "sessionId", error: `session ${sessionId} was not found` };
  return { ok: true, session };
}
