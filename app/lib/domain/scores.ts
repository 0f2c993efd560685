/**
 * What scoring produces (docs/scoring.md): the session's performance scores and category, the
 * per-muscle compliance, and the snapshot of the configuration the scores were computed with.
 */
import { z } from "zod";

const num = z.number();
const nullableNum = z.number().nullable();

export const categorySchema = z.enum(["target_achieved", "adequate", "below_target", "poor", "inadequate"]);

export const performanceScoresSchema = z.object({
  overall_score: nullableNum,
  compliance_score: nullableNum,
  symmetry_score: nullableNum,
  effort_score: nullableNum,
  game_score: nullableNum,
  bfr_compliant: z.boolean().nullable(),
  bfr_pressure_aop: nullableNum,
  rpe_post_session: z.number().int().nullable(),
  game_points_achieved: nullableNum,
  game_points_max: nullableNum,
  category: categorySchema.nullable(),
});

export const muscleComplianceSchema = z.object({
  channel: z.string().nullable(),
  overall_compliance: nullableNum,
  completion_rate: nullableNum,
  intensity_rate: nullableNum,
  duration_rate: nullableNum,
  contraction_count: z.number().int().nullable(),
  good_contraction_count: z.number().int().nullable(),
  intensity_compliant_count: z.number().int().nullable(),
  duration_compliant_count: z.number().int().nullable(),
  expected_contractions: z.number().int().nullable(),
});

export const complianceBreakdownSchema = z.object({
  left_muscle: muscleComplianceSchema,
  right_muscle: muscleComplianceSchema,
});

export const rpeRangeSchema = z.object({
  values: z.array(z.number().int()),
  score: num,
  description: z.string(),
});

/** The weights, RPE mapping and BFR range behind a session's scores, as the session keeps them. */
export const scoringConfigurationExportSchema = z.object({
  id: z.string().nullable(),
  name: z.string().nullable(),
  weight_compliance: num,
  weight_symmetry: num,
  weight_effort: num,
  weight_game: num,
  weight_completion: num,
  weight_intensity: num,
  weight_duration: num,
  /** RPE value (0–10, as a string key) → effort score. */
  rpe_mapping: z.record(z.string(), num),
  rpe_mapping_formatted: z.object({
    scale: z.literal("Borg CR-10"),
    ranges: z.object({
      optimal: rpeRangeSchema,
      acceptable: rpeRangeSchema,
      suboptimal: rpeRangeSchema,
      poor: rpeRangeSchema,
    }),
  }),
  bfr_pressure_min_aop: num,
  bfr_pressure_max_aop: num,
});

export type Category = z.infer<typeof categorySchema>;
export type PerformanceScores = z.infer<typeof performanceScoresSchema>;
export type MuscleCompliance = z.infer<typeof muscleComplianceSchema>;
export type ComplianceBreakdown = z.infer<typeof complianceBreakdownSchema>;
export type ScoringConfigurationExport = z.infer<typeof scoringConfigurationExportSchema>;
