/**
 * The upload page's action, minus HTTP: read the multipart body, check the form, analyse the C3D
 * with the patient's MVC and scoring configuration, and store it in one transaction
 * (`storeAnalysis`). Every failure comes back as field → message with the status that fits, and
 * nothing is stored: the analysis runs before the transaction, and the transaction is all or nothing.
 */
import { analyzeC3d, fieldError, isInputError, ParameterError, parseAnalysisOptions, type FieldError } from "~/lib/analysis";
import { isPatientCode, PATIENT_CODE_RULE } from "~/lib/policy";
import type { Caller } from "~/lib/server/auth/caller.server";
import { ForbiddenError, ValidationError } from "~/lib/server/errors.server";
import { getConfig } from "~/lib/server/http/config.server";
import { requireCsrf } from "~/lib/server/auth/csrf.server";
import { getPatient, patientAvailability } from "~/lib/server/repositories/patients.server";
import { getPatientScoringConfiguration } from "~/lib/server/repositories/scoring-configurations.server";
import { storeAnalysis } from "~/lib/server/repositories/sessions/write.server";
import type { RepositoryOptions } from "~/lib/server/repositories/options.server";
import { readC3dUpload, textFields, type FieldErrors } from "~/lib/server/http/upload.server";

export const PATIENT_FIELD = "patient_code";
export const NEW_PATIENT_FIELD = "new_patient_code";

export type SessionUploadResult =
  | { ok: true; sessionId: string; duplicate: boolean }
  | { ok: false; status: 403 | 409 | 415 | FieldError["status"]; errors: FieldErrors; values: Record<string, string> };

/**
 * Which patient the upload is for: one picked from the list, or a new code typed in (not both).
 * A new code that already exists and is visible simply selects that patient.
 */
export function choosePatient(fields: Record<string, string>): { code: string } | { errors: FieldErrors } {
  const picked = fields[PATIENT_FIELD] ?? "";
  const typed = (fields[NEW_PATIENT_FIELD] ?? "").toUpperCase();
  if (picked && typed) {
    return { errors: { [NEW_PATIENT_FIELD]: `Pick a patient or type a new code, not both (picked ${picked}, typed ${typed}).` } };
  }
  if (!picked && !typed) return { errors: { [PATIENT_FIELD]: "Choose the patient, or type a new patient code." } };
  const code = picked || typed;
  const field = picked ? PATIENT_FIELD : NEW_PATIENT_FIELD;
  if (!isPatientCode(code)) {
    return { errors: { [field]: `"${code}" is not a patient code: ${PATIENT_CODE_RULE}, e.g. P001.` } };
  }
  return { code };
}

/**
 * Why an upload for this code is refused, or null. A patient picked from the list must be one of
 * the caller's: another therapist's answers exactly like one that does not exist (404, same words).
 * A new code typed in is created for the caller unless it is taken; codes are global, so "taken"
 * (409) is all a refusal can say — never whose patient it is or what is stored for them.
 */
function patientRefusal(
  availability: "visible" | "free" | "taken",
  code: string,
  values: Record<string, string>,
  patientCodeMayBeNew = false,
): { status: 404 | 409; errors: FieldErrors } | null {
  if (values[PATIENT_FIELD] && patientCodeMayBeNew) {
    // The upload API has one field: the caller's patient, or a new one created for them.
    return availability === "taken"
      ? { status: 409, errors: { [PATIENT_FIELD]: `The patient code ${code} is already in use: choose another code.` } }
      : null;
  }
  if (values[PATIENT_FIELD]) {
    return availability === "visible"
      ? null
      : { status: 404, errors: { [PATIENT_FIELD]: `${code} is not one of your patients: choose one from the list, or type a new code.` } };
  }
  return availability === "taken"
    ? { status: 409, errors: { [NEW_PATIENT_FIELD]: `The patient code ${code} is already in use: choose another code.` } }
    : null;
}

/**
 * Handles one upload POST for `caller` — from the form and from the upload API (`POST /api/sessions`).
 * CSRF is checked as soon as the form is parsed (a missing or wrong token throws the 403 response of
 * `requireCsrf`), except when `csrf: false`: a request authenticated by a bearer token carries no
 * cookie a foreign site could ride on.
 */
export async function uploadSession(
  caller: Caller,
  request: Request,
  options: { maxUploadMb?: number; repository?: RepositoryOptions; csrf?: boolean; patientCodeMayBeNew?: boolean } = {},
): Promise<SessionUploadResult> {
  const read = await readC3dUpload(request, options.maxUploadMb ?? getConfig().MAX_UPLOAD_MB);
  if (read.form && options.csrf !== false) await requireCsrf(request, read.form);
  const values = textFields(read.form);
  if (!read.ok) return { ok: false, status: read.status, errors: read.errors, values };

  const patient = choosePatient(values);
  let analysisOptions;
  try {
    analysisOptions = parseAnalysisOptions(values);
  } catch (error) {
    if (!(error instanceof ParameterError)) throw error;
    const errors: FieldErrors = "errors" in patient ? { ...patient.errors } : {};
    const { field, message } = fieldError(error);
    errors[field] = message;
    return { ok: false, status: 400, errors, values };
  }
  if ("errors" in patient) return { ok: false, status: 400, errors: patient.errors, values };

  // Before any analysis or storage: whose patient is it? (docs/decisions/057-refused-uploads-store-nothing.md)
  const refusal = patientRefusal(
    await patientAvailability(caller, patient.code, options.repository),
    patient.code,
    values,
    options.patientCodeMayBeNew,
  );
  if (refusal) return { ok: false, ...refusal, values };
  const existing = await getPatient(caller, patient.code, options.repository);
  const scoring = await getPatientScoringConfiguration(caller, patient.code, options.repository);
  let analysis;
  try {
    analysis = analyzeC3d(read.file.bytes, {
      ...analysisOptions,
      patientMvc: existing ? { ch1: existing.mvcCh1, ch2: existing.mvcCh2 } : undefined,
      scoring,
      sourceFilename: read.file.name,
    });
  } catch (error) {
    if (!isInputError(error)) throw error;
    const { status, field, message } = fieldError(error, read.file.name);
    return { ok: false, status, errors: { [field]: message }, values };
  }

  try {
    const stored = await storeAnalysis(
      caller,
      { patientCode: patient.code, analysis, bytes: read.file.bytes, sourceFilename: read.file.name },
      options.repository,
    );
    return { ok: true, sessionId: stored.sessionId, duplicate: stored.duplicate };
  } catch (error) {
    // The code was taken by someone else between the check above and the store.
    if (error instanceof ForbiddenError)
      return { ok: false, ...patientRefusal("taken", patient.code, values, options.patientCodeMayBeNew)!, values };
    if (error instanceof ValidationError) {
      return { ok: false, status: 422, errors: { form: `The session was not stored: ${error.message}` }, values };
    }
    throw error;
  }
}
