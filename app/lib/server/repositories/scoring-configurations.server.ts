/**
 * Scoring configurations: the ONE module that reads and writes them — the global default (which
 * the admin edits), and the configuration a patient's new sessions are scored with. Validation is
 * the scoring lib's schema (the same rules the database checks enforce).
 */
import type { ScoringConfiguration } from "~/lib/scoring/configuration";
import type { Caller } from "~/lib/server/auth/caller.server";
import { dbOf, type QueryOptions } from "~/lib/server/repositories/options.server";
import { assertCan } from "~/lib/server/auth/caller.server";
import { patientScope } from "~/lib/server/repositories/patients.server";

/**
 * A stored scoring configuration in the scoring lib's own shape (the table's bfr_min_aop/bfr_max_aop
 * columns are aliased in SQL), so the pages and the upload pass it to the scorer unchanged.
 */
export type StoredScoringConfiguration = ScoringConfiguration & { id: string; is_default: boolean };

const SCORING_COLUMNS = `c.id, c.name, c.is_default, c.weight_compliance, c.weight_symmetry, c.weight_effort,
  c.weight_game, c.weight_completion, c.weight_intensity, c.weight_duration, c.rpe_mapping,
  c.bfr_min_aop as bfr_pressure_min_aop, c.bfr_max_aop as bfr_pressure_max_aop, c.expected_contractions, c.target_duration_ms, c.mvc_threshold_percentage`;

/** The global default configuration (a migration inserts it, so it always exists). */
export async function getDefaultScoringConfiguration(options: QueryOptions = {}): Promise<StoredScoringConfiguration> {
  const db = await dbOf(options);
  const { rows } = await db.query<StoredScoringConfiguration>(`select ${SCORING_COLUMNS} from scoring_configurations c where c.is_default`);
  if (!rows[0]) throw new Error("no default scoring configuration: are the migrations applied?");
  return rows[0];
}

/** The configuration a new session of this patient is scored with: the patient's own, else the default. */
export async function getPatientScoringConfiguration(
  caller: Caller,
  code: string,
  options: QueryOptions = {},
): Promise<StoredScoringConfiguration> {
  const db = await dbOf(options);
  const params: unknown[] = [code];
  const { rows } = await db.query<StoredScoringConfiguration>(
    `select ${SCORING_COLUMNS} from patients p join scoring_configurations c on c.id = p.scoring_configuration_id
      where p.code = $1 and ${patientScope(caller, "p", params)}`,
    params,
  );
  return rows[0] ?? getDefaultScoringConfiguration({ db });
}

/**
 * The admin's edit of the global default. Stored sessions keep their snapshot, so only sessions
 * scored afterwards use the new values.
 */
export async function saveDefaultScoringConfiguration(
  caller: Caller,
  config: ScoringConfiguration,
  options: QueryOptions = {},
): Promise<void> {
  assertCan(caller, "admin", "change the scoring configuration");
  const db = await dbOf(options);
  const { rowCount } = await db.query(
    `update scoring_configurations set name = $1,
       weight_compliance = $2, weight_symmetry = $3, weight_effort = $4, weight_game = $5,
       weight_completion = $6, weight_intensity = $7, weight_duration = $8,
       rpe_mapping = $9::text::jsonb, bfr_min_aop = $10, bfr_max_aop = $11,
       expected_contractions = $12, target_duration_ms = $13, mvc_threshold_percentage = $14,
       updated_at = now()
     where is_default`,
    [
      config.name,
      config.weight_compliance,
      config.weight_symmetry,
      config.weight_effort,
      config.weight_game,
      config.weight_completion,
      config.weight_intensity,
      config.weight_duration,
      JSON.stringify(config.rpe_mapping),
      config.bfr_pressure_min_aop,
      config.bfr_pressure_max_aop,
      config.expected_contractions,
      config.target_duration_ms,
      config.mvc_threshold_percentage,
    ],
  );
  if (rowCount !== 1) throw new Error("no default scoring configuration to update: are the migrations applied?");
}
