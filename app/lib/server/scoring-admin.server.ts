/**
 * The admin's edit of the global default scoring configuration. Validation is the scoring lib's
 * schema (the same rules the database checks enforce); stored sessions keep their snapshot, so only
 * sessions scored afterwards use the new values.
 */
import { formText } from "~/lib/form";
import type { Queryable } from "~/lib/server/db.server";
import { scoringConfigurationSchema, type ScoringConfiguration } from "~/lib/scoring";

export const WEIGHT_FIELDS = [
  "weight_compliance",
  "weight_symmetry",
  "weight_effort",
  "weight_game",
  "weight_completion",
  "weight_intensity",
  "weight_duration",
] as const;
export const TARGET_FIELDS = [
  "bfr_pressure_min_aop",
  "bfr_pressure_max_aop",
  "expected_contractions",
  "target_duration_ms",
  "mvc_threshold_percentage",
] as const;
export const RPE_KEYS = Array.from({ length: 11 }, (_, i) => String(i));

export type FieldErrors = Record<string, string>;

/**
 * Reads the form (`name`, the weight and target fields, `rpe_0` … `rpe_10`) and validates it.
 * Every problem is reported against its field, not only the first.
 */
export function scoringConfigurationFromForm(form: FormData): { config: ScoringConfiguration | null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const number = (field: string): number => {
    const raw = formText(form, field).trim();
    const value = raw === "" ? Number.NaN : Number(raw);
    if (!Number.isFinite(value)) errors[field] = `${field} must be a number, got "${raw}"`;
    return value;
  };
  const candidate = {
    name: formText(form, "name"),
    ...Object.fromEntries([...WEIGHT_FIELDS, ...TARGET_FIELDS].map((f) => [f, number(f)])),
    rpe_mapping: Object.fromEntries(RPE_KEYS.map((k) => [k, number(`rpe_${k}`)])),
  };
  if (Object.keys(errors).length > 0) return { config: null, errors };
  const parsed = scoringConfigurationSchema.safeParse(candidate);
  if (parsed.success) return { config: parsed.data, errors };
  for (const issue of parsed.error.issues) {
    const [first, second] = issue.path.map(String);
    const field = first === "rpe_mapping" && second !== undefined ? `rpe_${second}` : (first ?? "name");
    errors[field] ??= issue.message;
  }
  return { config: null, errors };
}

export async function saveDefaultScoringConfiguration(db: Queryable, config: ScoringConfiguration): Promise<void> {
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
