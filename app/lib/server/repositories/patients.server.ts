/**
 * Patients, and the visibility rule every session query shares.
 * Visibility lives in ONE place (`patientScope`, from the policy's `visiblePatients`): a therapist
 * sees the patients they treat and their sessions; researchers and admins see all (researchers
 * without therapist identity).
 */
import { isPatientCode, PATIENT_CODE_RULE, seesTherapistIdentity, visiblePatients } from "~/lib/policy";
import { assertCan, type Caller } from "~/lib/server/auth/caller.server";
import { ForbiddenError, ValidationError } from "~/lib/server/errors.server";
import { dbOf, type QueryOptions } from "~/lib/server/repositories/options.server";

/**
 * SQL condition restricting rows of `patientAlias` (a `patients` alias in the query) to what the
 * caller may see. Appends its parameters to `params`.
 */
export function patientScope(caller: Caller, patientAlias: string, params: unknown[]): string {
  switch (visiblePatients(caller)) {
    case "treated":
      params.push(caller.userId);
      // Parenthesised: callers AND it with other conditions.
      return `(${patientAlias}.therapist_id = $${params.length}::uuid)`;
    case "all":
      return "true";
    case "none":
      return "false";
  }
}

export function assertPatientCode(code: string): void {
  if (!isPatientCode(code)) {
    throw new ValidationError(`patient code ${JSON.stringify(code)} must be ${PATIENT_CODE_RULE} (e.g. P001)`, "patientCode");
  }
}

export interface Patient {
  id: string;
  code: string;
  /** null for researchers. */
  therapistId: string | null;
  mvcCh1: number | null;
  mvcCh2: number | null;
  scoringConfigurationId: string | null;
  createdAt: string;
  sessionCount: number;
}

interface PatientRow {
  id: string;
  code: string;
  therapist_id: string;
  mvc_ch1: number | null;
  mvc_ch2: number | null;
  scoring_configuration_id: string | null;
  created_at: Date;
  session_count: number;
}

function toPatient(caller: Caller, row: PatientRow): Patient {
  return {
    id: row.id,
    code: row.code,
    therapistId: seesTherapistIdentity(caller) ? row.therapist_id : null,
    mvcCh1: row.mvc_ch1,
    mvcCh2: row.mvc_ch2,
    scoringConfigurationId: row.scoring_configuration_id,
    createdAt: new Date(row.created_at).toISOString(),
    sessionCount: Number(row.session_count),
  };
}

const PATIENT_COLUMNS = `p.id, p.code, p.therapist_id, p.mvc_ch1, p.mvc_ch2, p.scoring_configuration_id, p.created_at,
  (select count(*)::int from therapy_sessions s where s.patient_id = p.id) as session_count`;

export async function listPatients(caller: Caller, options: QueryOptions = {}): Promise<Patient[]> {
  const db = await dbOf(options);
  const params: unknown[] = [];
  const { rows } = await db.query<PatientRow>(
    `select ${PATIENT_COLUMNS} from patients p where ${patientScope(caller, "p", params)} order by p.code`,
    params,
  );
  return rows.map((row) => toPatient(caller, row));
}

/** The patient, or null when missing or not visible to the caller. */
export async function getPatient(caller: Caller, code: string, options: QueryOptions = {}): Promise<Patient | null> {
  if (!isPatientCode(code)) return null;
  const db = await dbOf(options);
  const params: unknown[] = [code];
  const { rows } = await db.query<PatientRow>(
    `select ${PATIENT_COLUMNS} from patients p where p.code = $1 and ${patientScope(caller, "p", params)}`,
    params,
  );
  return rows[0] ? toPatient(caller, rows[0]) : null;
}

/**
 * Whether the caller may store a session under this code: the patient is theirs (visible), the
 * code is free (the patient would be created for them), or it is taken by a patient they do not
 * see. Read-only: uploads ask before anything is stored (docs/decisions/057-refused-uploads-store-nothing.md).
 */
export async function patientAvailability(caller: Caller, code: string, options: QueryOptions = {}): Promise<"visible" | "free" | "taken"> {
  const db = await dbOf(options);
  if (await getPatient(caller, code, { db })) return "visible";
  const taken = await db.query("select 1 from patients where code = $1", [code]);
  if (taken.rows.length === 0) return "free";
  // A concurrent upload by the same caller may have created it since the first look.
  return (await getPatient(caller, code, { db })) ? "visible" : "taken";
}

/**
 * The patient with this code, created (owned by the caller) when missing. A code that exists but
 * belongs to another therapist → ForbiddenError (codes are global, so it cannot be created either).
 */
export async function ensurePatient(caller: Caller, code: string, options: QueryOptions = {}): Promise<Patient> {
  assertCan(caller, "upload", "create patients");
  assertPatientCode(code);
  const db = await dbOf(options);
  const visible = await getPatient(caller, code, { db });
  if (visible) return visible;
  // ON CONFLICT covers a code that exists already (another therapist's, or the caller's own created
  // by a concurrent upload since the look above): the look below decides which.
  await db.query(`insert into patients (code, therapist_id) values ($1, $2::uuid) on conflict (code) do nothing`, [code, caller.userId]);
  const patient = await getPatient(caller, code, { db });
  if (!patient) throw new ForbiddenError(`patient ${code} is treated by another therapist`);
  return patient;
}
