/**
 * The admin scoring page's form: its field names, and reading it into a configuration checked
 * with the scoring lib's schema, every problem reported against its field.
 */
import { formText } from "~/lib/form";
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
