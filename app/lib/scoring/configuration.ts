/**
 * Scoring configuration (docs/scoring.md "Configuration"): weights, sub-weights, RPE mapping, BFR range
 * and targets. One global default exists; patients may have their own; a scored session keeps a
 * snapshot so its export always states the weights behind its numbers.
 */
import { z } from "zod";
import { DEFAULT_TARGETS, ParameterError, type ScoringConfigurationExport } from "~/lib/domain";

/** Weights must sum to 1 within this tolerance (docs/scoring.md). */
export const WEIGHT_SUM_TOLERANCE = 0.001;

const RPE_VALUES = Array.from({ length: 11 }, (_, i) => i);
const weight = z.number().min(0, "must be ≥ 0").max(1, "must be ≤ 1");

const sumsToOne = (values: number[]) => Math.abs(values.reduce((a, b) => a + b, 0) - 1) <= WEIGHT_SUM_TOLERANCE;

export const scoringConfigurationSchema = z
  .object({
    id: z.string().nullable().optional(),
    name: z.string().trim().min(1, "must not be empty"),
    weight_compliance: weight,
    weight_symmetry: weight,
    weight_effort: weight,
    weight_game: weight,
    weight_completion: weight,
    weight_intensity: weight,
    weight_duration: weight,
    /** Borg CR-10 value ("0" … "10") → effort score 0–100; every value must be mapped. */
    rpe_mapping: z
      .record(z.string(), z.number().min(0, "scores must be ≥ 0").max(100, "scores must be ≤ 100"))
      .refine((m) => RPE_VALUES.every((v) => m[String(v)] !== undefined), "must map every RPE value 0–10")
      .refine((m) => Object.keys(m).every((k) => RPE_VALUES.map(String).includes(k)), "keys must be the RPE values 0–10"),
    bfr_pressure_min_aop: z.number().min(0, "must be ≥ 0").max(100, "must be ≤ 100"),
    bfr_pressure_max_aop: z.number().min(0, "must be ≥ 0").max(100, "must be ≤ 100"),
    expected_contractions: z.number().int("must be an integer").min(1, "must be ≥ 1"),
    target_duration_ms: z.number().positive("must be > 0"),
    mvc_threshold_percentage: z.number().positive("must be > 0").max(100, "must be ≤ 100"),
  })
  .superRefine((c, ctx) => {
    if (!sumsToOne([c.weight_compliance, c.weight_symmetry, c.weight_effort, c.weight_game])) {
      ctx.addIssue({
        code: "custom",
        path: ["weight_compliance"],
        message: "weights compliance + symmetry + effort + game must sum to 1 ± 0.001",
      });
    }
    if (!sumsToOne([c.weight_completion, c.weight_intensity, c.weight_duration])) {
      ctx.addIssue({
        code: "custom",
        path: ["weight_completion"],
        message: "sub-weights completion + intensity + duration must sum to 1 ± 0.001",
      });
    }
    if (c.bfr_pressure_min_aop > c.bfr_pressure_max_aop) {
      ctx.addIssue({ code: "custom", path: ["bfr_pressure_min_aop"], message: "must not exceed bfr_pressure_max_aop" });
    }
  });

export type ScoringConfiguration = z.infer<typeof scoringConfigurationSchema>;

/** The defaults of docs/scoring.md. */
export const DEFAULT_SCORING_CONFIGURATION: ScoringConfiguration = Object.freeze({
  id: null,
  name: "GHOSTLY+ default",
  weight_compliance: 0.5,
  weight_symmetry: 0.25,
  weight_effort: 0.25,
  weight_game: 0.0,
  weight_completion: 0.333,
  weight_intensity: 0.333,
  weight_duration: 0.334,
  rpe_mapping: Object.freeze({
    "0": 20,
    "1": 20,
    "2": 60,
    "3": 80,
    "4": 100,
    "5": 100,
    "6": 100,
    "7": 80,
    "8": 60,
    "9": 20,
    "10": 20,
  }),
  bfr_pressure_min_aop: 40,
  bfr_pressure_max_aop: 60,
  expected_contractions: DEFAULT_TARGETS.expected_contractions,
  target_duration_ms: DEFAULT_TARGETS.target_duration_ms,
  mvc_threshold_percentage: DEFAULT_TARGETS.mvc_threshold_percentage,
});

/**
 * Validates a scoring configuration.
 *
 * @throws ParameterError naming the first invalid field (`scoring.weight_compliance` …)
 */
export function parseScoringConfiguration(value: unknown): ScoringConfiguration {
  const parsed = scoringConfigurationSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue.path.map(String).join(".") || "configuration";
  throw new ParameterError(`scoring.${field}`, issue.message);
}

const RANGE_NAMES = ["optimal", "acceptable", "suboptimal", "poor"] as const;
const DESCRIPTIONS: Record<(typeof RANGE_NAMES)[number], string> = {
  optimal: "Optimal effort",
  acceptable: "Acceptable effort",
  suboptimal: "Suboptimal effort",
  poor: "Poor effort",
};

/**
 * The RPE mapping grouped by score for display: the highest score level is `optimal`, the second
 * `acceptable`, the third `suboptimal`, every lower level `poor` (its score is the highest of them).
 * A range no level falls into has no values and score 0.
 */
export function formatRpeMapping(mapping: Record<string, number>): ScoringConfigurationExport["rpe_mapping_formatted"] {
  const levels = [...new Set(Object.values(mapping))].sort((a, b) => b - a);
  const rank = (score: number) => Math.min(levels.indexOf(score), RANGE_NAMES.length - 1);
  const ranges = Object.fromEntries(
    RANGE_NAMES.map((name, r) => {
      const values = RPE_VALUES.filter((v) => mapping[String(v)] !== undefined && rank(mapping[String(v)]) === r);
      const score = values.length > 0 ? Math.max(...values.map((v) => mapping[String(v)])) : 0;
      return [name, { values, score, description: DESCRIPTIONS[name] }];
    }),
  ) as ScoringConfigurationExport["rpe_mapping_formatted"]["ranges"];
  return { scale: "Borg CR-10", ranges };
}

/** The export's `scoring_configuration` section. */
export function scoringConfigurationExport(config: ScoringConfiguration): ScoringConfigurationExport {
  return {
    id: config.id ?? null,
    name: config.name,
    weight_compliance: config.weight_compliance,
    weight_symmetry: config.weight_symmetry,
    weight_effort: config.weight_effort,
    weight_game: config.weight_game,
    weight_completion: config.weight_completion,
    weight_intensity: config.weight_intensity,
    weight_duration: config.weight_duration,
    rpe_mapping: Object.fromEntries(RPE_VALUES.map((v) => [String(v), config.rpe_mapping[String(v)]])),
    rpe_mapping_formatted: formatRpeMapping(config.rpe_mapping),
    bfr_pressure_min_aop: config.bfr_pressure_min_aop,
    bfr_pressure_max_aop: config.bfr_pressure_max_aop,
  };
}
