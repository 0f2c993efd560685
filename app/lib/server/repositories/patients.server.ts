/**
 * Patients, the visibility rule every session query shares, and scoring configuration reads.
 * Visibility lives in ONE place (`patientScope`, from the policy's `visiblePatients`): a therapist
 * sees the patients they treat and their sessions; researchers and admins see all (researchers
 * without therapist identity).
 */
import { can, isPatientCode, PATIENT_CODE_RULE, seesTherapistIdentity, visiblePatients, type Action } from "~/lib/policy";
import type { Caller } from "~/lib/server/auth/caller.server";
import { pgConstraint, pgErrorCode } from "~/lib/server/db/errors.server";
import { getDb } from "~/lib/server/db/connection.server";
import type { Queryable } from "~/lib/server/db/types.server";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/lib/server/errors.server";
import type { ScoringConfiguration } from "~/lib/scoring/configuration";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

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

/** Throws ForbiddenError when the caller's role may not do `action` (`what` names it in the message). */
export function assertCan(caller: Caller, action: Action, what: string): void {
  if (!can(caller, action)) throw new ForbiddenError(`a ${caller.role} cannot ${what}`);
}

export function assertPatientCode(code: string): void {
  if (!isPatientCode(code)) {
    throw new ValidationError(
      `patient code ${JSON.stringify(code)} must be ${PATIENT_CODE_RULE} (e.g. P001)`,
      "patientCode",
    );
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

export async function listPatients(caller: Caller, q?: Queryable): Promise<Patient[]> {
  const db = q ?? (await getDb());
  const params: unknown[] = [];
  const { rows } = await db.query<PatientRow>(
    `select ${PATIENT_COLUMNS} from patients p where ${patientScope(caller, "p", params)} order by p.code`,
    params,
  );
  return rows.map((row) => toPatient(caller, row));
}

/** The patient, or null when missing or not visible to the caller. */
export async function getPatient(caller: Caller, code: string, q?: Queryable): Promise<Patient | null> {
  if (!isPatientCode(code)) return null;
  const db = q ?? (await getDb());
  const params: unknown[] = [code];
  const { rows } = await db.query<PatientRow>(
    `select ${PATIENT_COLUMNS} from patients p where p.code = $1 and ${patientScope(caller, "p", params)}`,
    params,
  );
  return rows[0] ? toPatient(caller, rows[0]) : null;
}

export interface CreatePatientOptions {
  /** Admins may create a patient for a therapist; a therapist always owns what they create. */
  therapistId?: string;
  mvcCh1?: number | null;
  mvcCh2?: number | null;
}

/** Creates a patient; a taken code → ConflictError, a malformed code → ValidationError. */
export async function createPatient(
  caller: Caller,
  code: string,
  options: CreatePatientOptions = {},
  q?: Queryable,
): Promise<Patient> {
  assertCan(caller, "upload", "create patients");
  assertPatientCode(code);
  const therapistId = can(caller, "admin") && options.therapistId ? options.therapistId : caller.userId;
  const db = q ?? (await getDb());
  try {
    await db.query(
      `insert into patients (code, therapist_id, mvc_ch1, mvc_ch2) values ($1, $2::uuid, $3, $4)`,
      [code, therapistId, options.mvcCh1 ?? null, options.mvcCh2 ?? null],
    );
  } catch (error) {
    if (pgErrorCode(error) === "23505") throw new ConflictError(`patient code ${code} is already taken`);
    if (pgErrorCode(error) === "23503") throw new ValidationError(`therapist ${therapistId} does not exist`, "therapistId");
    if (pgErrorCode(error) === "23514") {
      throw new ValidationError(`patient ${code} breaks rule ${pgConstraint(error) ?? "check"}`, pgConstraint(error));
    }
    throw error;
  }
  const { rows } = await db.query<PatientRow>(`select ${PATIENT_COLUMNS} from patients p where p.code = $1`, [code]);
  return toPatient(caller, rows[0]);
}

/**
 * Whether the caller may store a session under this code: the patient is theirs (visible), the
 * code is free (the patient would be created for them), or it is taken by a patient they do not
 * see. Read-only: uploads ask before anything is stored (docs/decisions/039).
 */
export async function patientAvailability(caller: Caller, code: string, q?: Queryable): Promise<"visible" | "free" | "taken"> {
  const db = q ?? (await getDb());
  if (await getPatient(caller, code, db)) return "visible";
  const taken = await db.query("select 1 from patients where code = $1", [code]);
  return taken.rows.length > 0 ? "taken" : "free";
}

/**
 * The patient with this code, created (owned by the caller) when missing. A code that exists but
 * belongs to another therapist → ForbiddenError (codes are global, so it cannot be created either).
 */
export async function ensurePatient(caller: Caller, code: string, q?: Queryable): Promise<Patient> {
  assertCan(caller, "upload", "create patients");
  assertPatientCode(code);
  const db = q ?? (await getDb());
  const visible = await getPatient(caller, code, db);
  if (visible) return visible;
  const taken = await db.query("select 1 from patients where code = $1", [code]);
  if (taken.rows.length > 0) throw new ForbiddenError(`patient ${code} is treated by another therapist`);
  // ON CONFLICT covers a concurrent ensurePatient of the same code.
  await db.query(
    `insert into patients (code, therapist_id) values ($1, $2::uuid) on conflict (code) do nothing`,
    [code, caller.userId],
  );
  const patient = await getPatient(caller, code, db);
  if (!patient) throw new ForbiddenError(`patient ${code} is treated by another therapist`);
  return patient;
}

/**
 * A stored scoring configuration in the scoring lib's own shape (the table's bfr_min_aop/bfr_max_aop
 * columns are aliased in SQL), so the pages and the upload pass it to the scorer unchanged.
 */
export type StoredScoringConfiguration = ScoringConfiguration & { id: string; is_default: boolean };

const SCORING_COLUMNS = `c.id, c.name, c.is_default, c.weight_compliance, c.weight_symmetry, c.weight_effort,
  c.weight_game, c.weight_completion, c.weight_intensity, c.weight_duration, c.rpe_mapping,
  c.bfr_min_aop as bfr_pressure_min_aop, c.bfr_max_aop as bfr_pressure_max_aop, c.expected_contractions, c.target_duration_ms, c.mvc_threshold_percentage`;

/** The global default configuration (a migration inserts it, so it always exists). */
export async function getDefaultScoringConfiguration(q?: Queryable): Promise<StoredScoringConfiguration> {
  const db = q ?? (await getDb());
  const { rows } = await db.query<StoredScoringConfiguration>(
    `select ${SCORING_COLUMNS} from scoring_configurations c where c.is_default`,
  );
  if (!rows[0]) throw new Error("no default scoring configuration: are the migrations applied?");
  return rows[0];
}

/** The configuration a new session of this patient is scored with: the patient's own, else the default. */
export async function getPatientScoringConfiguration(
  caller: Caller,
  code: string,
  q?: Queryable,
): Promise<StoredScoringConfiguration> {
  const db = q ?? (await getDb());
  const params: unknown[] = [code];
  const { rows } = await db.query<StoredScoringConfiguration>(
    `select ${SCORING_COLUMNS} from patients p join scoring_configurations c on c.id = p.scoring_configuration_id
      where p.code = $1 and ${patientScope(caller, "p", params)}`,
    params,
  );
  return rows[0] ?? getDefaultScoringConfiguration(db);
}

/** Throws NotFoundError unless the patient exists and is visible. */
export async function requirePatient(caller: Caller, code: string, q?: Queryable): Promise<Patient> {
  const patient = await getPatient(caller, code, q);
  if (!patient) throw new NotFoundError(`patient ${code} not found`);
  return patient;
}
