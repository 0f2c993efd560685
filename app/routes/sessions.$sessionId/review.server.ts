/**
 * The review page of a stored session: its canonical export (the same builder as the JSON/CSV
 * downloads) plus the envelopes for the plots, and the correction of therapist inputs, re-scored
 * from the stored contractions with the scoring lib's `scoreSession`.
 */
import { plotEnvelopes } from "~/components/session/plot-envelopes";
import { fieldError, ParameterError, parseAnalysisOptions } from "~/lib/analysis";
import { buildSessionExport } from "~/lib/export";
import { can } from "~/lib/policy";
import type { DataCompleteness, SessionExport, SessionParameters } from "~/lib/export/schema";
import { DEFAULT_SCORING_CONFIGURATION, parseScoringConfiguration, type ScoringConfiguration } from "~/lib/scoring/configuration";
import { scoreSession, type ScoredMuscle } from "~/lib/scoring/score";
import type { Caller } from "~/lib/server/auth/caller.server";
import { ValidationError } from "~/lib/server/errors.server";
import { exportSourceFromStored } from "~/lib/server/export.server";
import { getPatientScoringConfiguration } from "~/lib/server/repositories/scoring-configurations.server";
import { listSessionEvents } from "~/lib/server/repositories/sessions/history.server";
import { getSession } from "~/lib/server/repositories/sessions/read.server";
import { updateSessionInputs } from "~/lib/server/repositories/sessions/write.server";
import type { RepositoryOptions } from "~/lib/server/repositories/options.server";
import type { StoredEnvelope, StoredSession } from "~/lib/server/repositories/sessions/types.server";
import type { FieldErrors } from "~/lib/server/http/upload.server";

/** The fields the correction form edits; everything else about the session stays as stored. */
export const CORRECTION_FIELDS = ["rpe_pre_session", "rpe_post_session", "bfr_pressure_aop", "game_points_max"] as const;

export interface ReviewData {
  sessionId: string;
  exp: SessionExport;
  envelopes: Record<string, StoredEnvelope>;
  canEdit: boolean;
}

/** The review of a visible session, or null (→ 404) when it is missing or not the caller's. */
export async function loadReview(caller: Caller, sessionId: string, repository: RepositoryOptions = {}): Promise<ReviewData | null> {
  const stored = await getSession(caller, sessionId, repository);
  if (!stored) return null;
  // The page always shows the full export, whatever USE_ENHANCED_EXPORT says about downloads.
  const history = await listSessionEvents(caller, sessionId, repository);
  const exp = buildSessionExport({ ...exportSourceFromStored(stored), history }, { now: new Date(), enhanced: true });
  return { sessionId: stored.id, exp, envelopes: plotEnvelopes(stored.envelopes), canEdit: can(caller, "edit") };
}

/**
 * The configuration a stored session is re-scored with: its own snapshot (so a correction changes
 * only what the therapist changed), completed with the targets it was analysed with; the
 * patient's current configuration when the session has no snapshot.
 */
async function rescoringConfiguration(caller: Caller, stored: StoredSession, repository: RepositoryOptions): Promise<ScoringConfiguration> {
  const sp = stored.session_parameters;
  const snapshot = stored.scoring_configuration;
  if (!snapshot) {
    return getPatientScoringConfiguration(caller, stored.session.patient_code ?? "", repository);
  }
  return parseScoringConfiguration({
    ...snapshot,
    expected_contractions:
      sp.expected_contractions_ch1 ?? sp.expected_contractions_ch2 ?? DEFAULT_SCORING_CONFIGURATION.expected_contractions,
    target_duration_ms: sp.target_duration_ch1_ms ?? sp.target_duration_ch2_ms ?? DEFAULT_SCORING_CONFIGURATION.target_duration_ms,
    mvc_threshold_percentage:
      stored.processing_parameters?.mvc_threshold_percentage ?? DEFAULT_SCORING_CONFIGURATION.mvc_threshold_percentage,
  });
}

function scoredMuscle(stored: StoredSession, side: "left_muscle" | "right_muscle"): ScoredMuscle | null {
  const muscle = stored.compliance_breakdown[side];
  if (!muscle.channel) return null;
  const fallback =
    side === "left_muscle" ? stored.session_parameters.expected_contractions_ch1 : stored.session_parameters.expected_contractions_ch2;
  return {
    channel: muscle.channel,
    expected_contractions: muscle.expected_contractions ?? fallback ?? DEFAULT_SCORING_CONFIGURATION.expected_contractions,
    rejected: stored.channels[muscle.channel]?.error != null,
  };
}

export type CorrectionResult = { ok: true } | { ok: false; status: 400 | 404 | 422; errors: FieldErrors; values: Record<string, string> };

/**
 * Applies corrected therapist inputs (an empty field clears the value) and stores the re-computed
 * scores in one transaction. Validation uses the upload's rules (`parseAnalysisOptions`).
 */
export async function correctSessionInputs(
  caller: Caller,
  sessionId: string,
  form: FormData,
  repository: RepositoryOptions = {},
): Promise<CorrectionResult> {
  const values: Record<string, string> = {};
  for (const field of CORRECTION_FIELDS) {
    const v = form.get(field);
    if (typeof v === "string" && v.trim() !== "") values[field] = v.trim();
  }
  let session;
  try {
    session = parseAnalysisOptions(values).session ?? {};
  } catch (error) {
    if (!(error instanceof ParameterError)) throw error;
    const { field, message } = fieldError(error);
    return { ok: false, status: 400, errors: { [field]: message }, values };
  }
  const stored = await getSession(caller, sessionId, repository);
  if (!stored) return { ok: false, status: 404, errors: { form: "This session does not exist or is not yours." }, values };

  const rpePost = session.rpe_post_session ?? null;
  const bfr = session.bfr_pressure_aop ?? null;
  const config = await rescoringConfiguration(caller, stored, repository);
  const scores = scoreSession(
    {
      contractions: stored.contractions,
      left: scoredMuscle(stored, "left_muscle"),
      right: scoredMuscle(stored, "right_muscle"),
      rpe_post_session: rpePost,
      bfr_pressure_aop: bfr,
      game_points_achieved: stored.performance_scores.game_points_achieved,
      game_points_max: session.game_points_max ?? null,
    },
    config,
  );
  const inputs: SessionParameters = {
    ...stored.session_parameters,
    rpe_pre_session: session.rpe_pre_session ?? null,
    rpe_post_session: rpePost,
  };
  const before = stored.data_completeness;
  const data_completeness: DataCompleteness = {
    ...before,
    has_rpe: rpePost != null,
    has_bfr_data: bfr != null,
    rpe_source: rpePost == null ? null : rpePost === stored.session_parameters.rpe_post_session ? before.rpe_source : "therapist_edit",
  };
  try {
    const updated = await updateSessionInputs(caller, sessionId, inputs, { ...scores, data_completeness }, repository);
    if (!updated) return { ok: false, status: 404, errors: { form: "This session does not exist or is not yours." }, values };
  } catch (error) {
    if (error instanceof ValidationError) return { ok: false, status: 422, errors: { form: error.message }, values };
    throw error;
  }
  return { ok: true };
}
