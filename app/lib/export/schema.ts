/**
 * The canonical session export (`shared/spec/export.md`, export_version 2.0.0).
 *
 * This schema is the contract between the pipeline (`analyzeC3d`), the database (a stored session
 * is re-assembled into exactly this shape), the renderers (JSON, CSV) and the pages. Field names
 * and section order follow export.md; every value a session does not have is `null`.
 */
import { z } from "zod";

export const EXPORT_VERSION = "2.0.0";
export const PROCESSING_VERSION = "1.0.0";

const num = z.number();
const nullableNum = z.number().nullable();

export const exportMetadataSchema = z.object({
  export_timestamp: z.string().describe("ISO 8601 UTC time the export was built"),
  export_version: z.literal(EXPORT_VERSION),
  session_id: z.string().nullable().describe("stored session id; null for an upload that was not stored"),
  generator: z.string().describe("application name and version, e.g. ghostly-emg/0.1.0"),
});

export const gameSchema = z.object({
  name: z.string().nullable(),
  level: z.number().nullable(),
  level_name: z.string().nullable(),
  points: z.number().nullable(),
  version: z.string().nullable(),
  system: z.string().nullable(),
});

export const sessionSchema = z.object({
  session_code: z.string().nullable(),
  patient_code: z.string().nullable(),
  therapist: z.string().nullable(),
  recorded_at: z.string().nullable(),
  source_filename: z.string().nullable(),
  file_sha256: z.string().nullable(),
  file_size_bytes: z.number().int().nullable(),
  processing_status: z.string().nullable(),
  game: gameSchema,
});

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

export const processingParametersSchema = z.object({
  processing_version: z.string(),
  sampling_rate_hz: num,
  filter_low_cutoff_hz: num,
  filter_high_cutoff_hz: num,
  filter_high_cutoff_requested_hz: num,
  filter_order: z.number().int(),
  rms_window_ms: num,
  rms_overlap_percent: num,
  threshold_factor: num,
  activated_threshold_factor: num,
  merge_gap_ms: num,
  min_duration_ms: num,
  mvc_threshold_percentage: num,
});

export const sessionParametersSchema = z.object({
  rpe_pre_session: z.number().int().nullable(),
  rpe_post_session: z.number().int().nullable(),
  mvc_threshold_ch1: nullableNum,
  mvc_threshold_ch2: nullableNum,
  contraction_duration_threshold: nullableNum,
  target_duration_ch1_ms: nullableNum,
  target_duration_ch2_ms: nullableNum,
  expected_contractions_ch1: z.number().int().nullable(),
  expected_contractions_ch2: z.number().int().nullable(),
  session_duration_seconds: nullableNum,
  rest_duration_seconds: nullableNum,
});

export const dataCompletenessSchema = z.object({
  has_emg_data: z.boolean(),
  has_rpe: z.boolean(),
  has_game_data: z.boolean(),
  has_bfr_data: z.boolean(),
  rpe_source: z.enum(["upload", "therapist_edit"]).nullable(),
});

export const channelWarningSchema = z.object({
  code: z.string(),
  message: z.string(),
});

export const channelSchema = z.object({
  label: z.string(),
  side: z.enum(["left", "right"]).nullable(),
  timing_source: z.enum(["activated", "envelope"]).nullable(),
  mvc_value: nullableNum,
  mvc_source: z.enum(["upload", "patient", "peak_in_task"]).nullable(),
  mvc_threshold: nullableNum,
  rms: nullableNum,
  mav: nullableNum,
  mpf: nullableNum,
  mdf: nullableNum,
  fatigue_index_fi_nsm5: nullableNum,
  target_duration_ms: nullableNum,
  contraction_count: z.number().int().nullable(),
  good_contraction_count: z.number().int().nullable(),
  intensity_compliant_count: z.number().int().nullable(),
  duration_compliant_count: z.number().int().nullable(),
  mean_duration_ms: nullableNum,
  shortest_duration_ms: nullableNum,
  longest_duration_ms: nullableNum,
  total_time_under_tension_ms: nullableNum,
  mean_peak_rms: nullableNum,
  max_peak_rms: nullableNum,
  duration_s: nullableNum,
  /** A rejected channel (non_finite_samples, too_short) carries its error and null analytics. */
  error: channelWarningSchema.nullable(),
  warnings: z.array(channelWarningSchema),
});

export const contractionSchema = z.object({
  channel: z.string(),
  index: z.number().int(),
  start_ms: num,
  end_ms: num,
  duration_ms: num,
  peak_rms: num,
  mean_rms: num,
  percent_mvc: nullableNum,
  meets_intensity: z.boolean(),
  meets_duration: z.boolean(),
  is_good: z.boolean(),
});

export const channelSignalsSchema = z.object({
  envelope: z.object({ times_s: z.array(num), values: z.array(num) }),
  raw: z.array(num).optional(),
  bandpassed: z.array(num).optional(),
  decimation: z.number().int().optional(),
});

export const exportErrorSchema = z.object({
  section: z.string(),
  message: z.string(),
});

/**
 * A section that could not be built is `null` and named in `errors` (export.md: answer with what
 * there is, say what is missing) — see docs/decisions/040-export-failed-sections-are-null.md.
 */
export const sessionExportSchema = z.object({
  export_metadata: exportMetadataSchema,
  session: sessionSchema.nullable(),
  performance_scores: performanceScoresSchema.nullable(),
  compliance_breakdown: complianceBreakdownSchema.nullable(),
  scoring_configuration: scoringConfigurationExportSchema.nullable(),
  processing_parameters: processingParametersSchema.nullable(),
  session_parameters: sessionParametersSchema.nullable(),
  data_completeness: dataCompletenessSchema.nullable(),
  channels: z.record(z.string(), channelSchema).nullable(),
  contractions: z.array(contractionSchema).nullable(),
  signals: z.record(z.string(), channelSignalsSchema).optional(),
  debug: z.record(z.string(), z.unknown()).optional(),
  errors: z.array(exportErrorSchema).optional(),
});

/** The seed's phase 6 rollback shape (`USE_ENHANCED_EXPORT` off). */
export const minimalExportSchema = z.object({
  export_metadata: exportMetadataSchema,
  performance_scores: performanceScoresSchema.nullable(),
  scoring_configuration: scoringConfigurationExportSchema.nullable(),
  errors: z.array(exportErrorSchema).optional(),
});

export type ExportMetadata = z.infer<typeof exportMetadataSchema>;
export type GameInfo = z.infer<typeof gameSchema>;
export type SessionInfo = z.infer<typeof sessionSchema>;
export type Category = z.infer<typeof categorySchema>;
export type PerformanceScores = z.infer<typeof performanceScoresSchema>;
export type MuscleCompliance = z.infer<typeof muscleComplianceSchema>;
export type ComplianceBreakdown = z.infer<typeof complianceBreakdownSchema>;
export type ScoringConfigurationExport = z.infer<typeof scoringConfigurationExportSchema>;
export type ProcessingParameters = z.infer<typeof processingParametersSchema>;
export type SessionParameters = z.infer<typeof sessionParametersSchema>;
export type DataCompleteness = z.infer<typeof dataCompletenessSchema>;
export type ChannelWarning = z.infer<typeof channelWarningSchema>;
export type ChannelResult = z.infer<typeof channelSchema>;
export type Contraction = z.infer<typeof contractionSchema>;
export type ChannelSignals = z.infer<typeof channelSignalsSchema>;
export type ExportError = z.infer<typeof exportErrorSchema>;
export type SessionExport = z.infer<typeof sessionExportSchema>;
export type MinimalExport = z.infer<typeof minimalExportSchema>;
