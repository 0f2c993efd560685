/**
 * The parameters a session was processed with (docs/pipeline.md) and the therapist's session inputs
 * (docs/export.md), as every stored session and export states them.
 */
import { z } from "zod";

/** Version of the processing pipeline, stamped into `processing_parameters.processing_version`. */
export const PROCESSING_VERSION = "1.0.0";

/**
 * Spectral analytics (mpf, mdf, fatigue index) of this processing version: Welch's method with a
 * periodic Hann window of min(WELCH_MAX_SEGMENT_SAMPLES, n) samples and 50 % overlap
 * (docs/pipeline.md §5). Not a per-session parameter, so the export does not carry it.
 */
export const WELCH_MAX_SEGMENT_SAMPLES = 256;
export const WELCH_OVERLAP_PERCENT = 50;

const num = z.number();
const nullableNum = z.number().nullable();

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

export type ProcessingParameters = z.infer<typeof processingParametersSchema>;
export type SessionParameters = z.infer<typeof sessionParametersSchema>;
